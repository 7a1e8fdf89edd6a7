package softlabel

import (
	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

// images opens the dataset's pictures through one decode-once cache shared
// by every fold and loader of a call.
type images struct {
	cache *dataset.Cache
}

func newImages() *images { return &images{cache: dataset.NewCache(dataset.DefaultCacheConfig())} }

// files returns the loader source of items[idx...], with their labels and,
// when targets is not nil, the soft targets targets[idx...].
func (im *images) files(items []dataset.Item, idx []int, targets [][]float32) *dataset.Files {
	f := &dataset.Files{Paths: make([]string, len(idx)), Labels: make([]int, len(idx)), Open: im.cache.Load}
	for j, i := range idx {
		f.Paths[j] = items[i].Path
		f.Labels[j] = items[i].Label
	}
	if targets != nil {
		f.Targets = make([][]float32, len(idx))
		for j, i := range idx {
			f.Targets[j] = targets[i]
		}
	}
	return f
}

// trainLoader batches src with the blog's fine-tuning augmentation
// (RandomResizedCrop(Size, min_scale) + flip, ImageNet normalization),
// shuffled, dropping the last short batch as fastai's training loader does
// (a batch of one image would break BatchNorm). A set smaller than a batch
// trains as one batch.
func trainLoader(src dataset.Source, cfg Config, workers int, seed uint64) (*dataset.Loader, error) {
	pipe := dataset.TrainAugment{Size: cfg.Size, MinScale: cfg.MinScale, FlipP: 0.5, Norm: dataset.ImageNet}
	return dataset.NewLoader(src, pipe, dataset.LoaderConfig{
		BatchSize: min(cfg.BatchSize, src.Len()), Workers: workers, Shuffle: true, DropLast: true, Seed: seed,
	})
}

// evalLoader batches src in order with the evaluation transform (shorter
// side resized to size, centre crop, norm).
func evalLoader(src dataset.Source, size int, norm dataset.Normalization, batch, workers int) (*dataset.Loader, error) {
	return dataset.NewLoader(src, dataset.EvalAugment{Size: size, Norm: norm}, dataset.LoaderConfig{
		BatchSize: batch, Workers: workers, Shuffle: false,
	})
}

// metaNormalization is the sidecar form of a dataset normalization.
func metaNormalization(n dataset.Normalization) *checkpoint.Normalization {
	out := &checkpoint.Normalization{Mean: make([]float64, 3), Std: make([]float64, 3)}
	for c := range 3 {
		out.Mean[c], out.Std[c] = float64(n.Mean[c]), float64(n.Std[c])
	}
	return out
}

// datasetNormalization reads a sidecar's normalization; nil means ImageNet,
// what ppctl's classifiers are trained with.
func datasetNormalization(n *checkpoint.Normalization) dataset.Normalization {
	if n == nil || len(n.Mean) != 3 || len(n.Std) != 3 {
		return dataset.ImageNet
	}
	var out dataset.Normalization
	for c := range 3 {
		out.Mean[c], out.Std[c] = float32(n.Mean[c]), float32(n.Std[c])
	}
	return out
}

// labelsOf returns the class index of every item.
func labelsOf(items []dataset.Item) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.Label
	}
	return out
}
