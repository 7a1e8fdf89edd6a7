package dataset_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/ppctl/ppctl/dataset"
)

// A small balanced dataset with clean labels, then one picture in memory.
func ExampleSynthesize() {
	dir, err := os.MkdirTemp("", "synth")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cfg := dataset.DefaultSynthConfig()
	cfg.Train, cfg.Test, cfg.Size, cfg.Noise, cfg.Imbalance = 8, 4, 32, 0, false
	sum, err := dataset.Synthesize(context.Background(), dir, cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(sum.Classes, sum.TrainCounts, sum.Test(), sum.Relabeled)

	leaf := dataset.RenderLeaf(48, dataset.SynthRust, rand.New(rand.NewPCG(1, 2)))
	fmt.Println(leaf.W, leaf.H)
	// Output:
	// [healthy multiple_diseases rust scab] [2 2 2 2] 4 0
	// 48 48
}
