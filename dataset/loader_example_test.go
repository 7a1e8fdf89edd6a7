package dataset_test

import (
	"context"
	"fmt"

	"github.com/ppctl/ppctl/dataset"
)

// gray is a Source of n flat gray 300x200 images, labelled i%2.
type gray struct{ n int }

func (g gray) Len() int { return g.n }
func (g gray) Load(i int) (*dataset.Image, error) {
	m := dataset.NewImage(300, 200)
	for j := range m.Pix {
		m.Pix[j] = uint8(10 * i)
	}
	return m, nil
}
func (g gray) Label(i int) int { return i % 2 }

// A SimCLR loader: each batch holds two views of every image, view 1 of all
// B images first, then view 2, so rows i and i+B are positives.
func ExampleLoader() {
	cfg := dataset.DefaultLoaderConfig()
	cfg.BatchSize, cfg.Seed = 4, 42
	l, err := dataset.NewLoader(gray{n: 10}, dataset.DefaultSimCLRAugment(), cfg)
	if err != nil {
		panic(err)
	}
	for b, err := range l.Epoch(context.Background(), 0) {
		if err != nil {
			panic(err)
		}
		B := b.Images()
		fmt.Println(b.Step, b.Shape, b.Index[0] == b.Index[B], len(b.Labels))
	}
	// Output:
	// 0 [8 3 128 128] true 8
	// 1 [8 3 128 128] true 8
	// 2 [4 3 128 128] true 4
}
