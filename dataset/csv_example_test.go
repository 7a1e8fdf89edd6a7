package dataset_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ppctl/ppctl/dataset"
)

// Open reports every problem of a dataset folder with its file, line and
// image; errors.Is tells the kind, errors.As the place.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "ppctl-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "train.csv"), []byte("image_id,healthy,rust\nTrain_0,1,0\nTrain_1,0,1\nTrain_2,1,1\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "images"), 0o755)
	for _, name := range []string{"Train_0.jpg", "Train_2.png"} {
		os.WriteFile(filepath.Join(dir, "images", name), nil, 0o644)
	}

	_, err := dataset.Open(dir)
	var v *dataset.ValidationError
	if errors.As(err, &v) {
		for _, p := range v.Problems {
			fmt.Printf("%s line %d, image %s: missing image %v, not one-hot %v\n",
				filepath.Base(p.File), p.Line, p.Image, errors.Is(p, dataset.ErrMissingImage), errors.Is(p, dataset.ErrNotOneHot))
		}
	}
	// Output:
	// train.csv line 4, image Train_2: missing image false, not one-hot true
	// train.csv line 3, image Train_1: missing image true, not one-hot false
}

// A pseudo-labels file holds, per training image, the given label, the
// out-of-fold prediction and the out-of-fold probabilities.
func ExampleWritePseudoLabels() {
	dir, _ := os.MkdirTemp("", "ppctl-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "pseudolabels.csv")
	err := dataset.WritePseudoLabels(path, &dataset.PseudoLabels{
		Classes: []string{"healthy", "rust", "scab"},
		Rows: []dataset.PseudoLabel{
			{ID: "Train_0", Label: 1, Pred: 1, Probs: []float64{0.05, 0.9, 0.05}},
			{ID: "Train_1", Label: 0, Pred: 2, Probs: []float64{0.3, 0.1, 0.6}},
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// image_id,labels,softlabels,p_healthy,p_rust,p_scab
	// Train_0,rust,rust,0.05,0.9,0.05
	// Train_1,healthy,scab,0.3,0.1,0.6
}
