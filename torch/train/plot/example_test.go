package plot_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ppctl/ppctl/torch/train"
	"github.com/ppctl/ppctl/torch/train/plot"
)

// A training command calls Run last, on its run directory; here the run is
// two epochs written by hand.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "ppctl-run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	run, err := train.OpenRun(dir, train.RunOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for e, phase := range []string{"freeze", "unfreeze"} {
		err := run.Log(train.Record{Stage: "finetune", Phase: phase, Epoch: new(0), Step: new(10 * (e + 1)),
			LR: new(1e-3), TrainLoss: new(1.0 / float64(e+1)), ValidLoss: new(1.2 / float64(e+1)),
			Accuracy: new(0.5 + 0.2*float64(e)), ROCAUC: new(0.7 + 0.1*float64(e))})
		if err != nil {
			log.Fatal(err)
		}
	}
	if err := run.Close(nil); err != nil {
		log.Fatal(err)
	}

	files, err := plot.Run(dir, plot.DefaultOptions())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// loss.png
	// lr.png
	// metrics.png
}
