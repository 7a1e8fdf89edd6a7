package softlabel

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// PredictConfig says how Predict runs the fold models.
type PredictConfig struct {
	// TTA is the number of views averaged per image: 1 the image itself,
	// 2 also its horizontal mirror. Default 1; zero means 1.
	TTA int
	// BatchSize is images per forward pass. Default 32; zero means 32.
	BatchSize int
	// Arch, Size are used for a checkpoint without a sidecar (one that
	// PyTorch wrote): its backbone and the side of its centre crop. Such a
	// checkpoint's outputs are taken in train.csv's class order, its images
	// normalised with ImageNet's statistics. Default "" and 0: a checkpoint
	// without a sidecar is refused.
	Arch string
	Size int
}

// DefaultPredictConfig returns no test-time augmentation and batches of 32.
func DefaultPredictConfig() PredictConfig { return PredictConfig{TTA: 1, BatchSize: 32} }

// ModelPaths returns the classifiers that path names: a fine-tuning run
// directory gives every fold<k>/best.pth in fold order, a file gives
// itself.
func ModelPaths(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("softlabel: models: %w (pass a ppctl finetune run directory or a .pth file)", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	folds, err := foldDirs(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range folds {
		p := filepath.Join(path, f, BestFile)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("softlabel: models: %w", err)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("softlabel: %s holds no fold<k>/%s: is it a ppctl finetune run, and did a fold finish?", path, BestFile)
	}
	return out, nil
}

// Predict returns, for every test.csv image of ds in its order, the class
// probabilities (train.csv's class order) averaged over the classifiers at
// paths and, with cfg.TTA 2, over each image and its mirror. Each model
// sees the images as its sidecar says (centre crop of its image size, its
// normalization). Rows sum to 1.
func Predict(ctx context.Context, ds *dataset.Dataset, paths []string, cfg PredictConfig, rt Runtime) ([][]float64, error) {
	if cfg.TTA == 0 {
		cfg.TTA = 1
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	switch {
	case cfg.TTA != 1 && cfg.TTA != 2:
		return nil, fmt.Errorf("softlabel: test-time augmentation of %d views: choose 1 (none) or 2 (with the mirror image)", cfg.TTA)
	case len(paths) == 0:
		return nil, errors.New("softlabel: no models to predict with")
	case len(ds.Test) == 0:
		return nil, fmt.Errorf("softlabel: %s has no test images (test.csv) to predict", ds.Dir)
	}
	sums := make([][]float64, len(ds.Test))
	for i := range sums {
		sums[i] = make([]float64, len(ds.Classes))
	}
	im := newImages()
	all := make([]int, len(ds.Test))
	for i := range all {
		all[i] = i
	}
	src := im.files(ds.Test, all, nil)
	for _, p := range paths {
		if err := predictOne(ctx, p, ds.Classes, src, cfg, rt, sums); err != nil {
			return nil, err
		}
	}
	for _, row := range sums {
		var t float64
		for _, v := range row {
			t += v
		}
		for c := range row {
			row[c] /= t
		}
	}
	return sums, nil
}

// predictOne adds the probabilities of the classifier at path to sums.
func predictOne(ctx context.Context, path string, classes []string, src dataset.Source, cfg PredictConfig, rt Runtime, sums [][]float64) error {
	lc, err := loadClassifier(path, classes, cfg)
	if err != nil {
		return err
	}
	if err := models.ToDevice(lc.clf, rt.Device); err != nil {
		return fmt.Errorf("softlabel: %s: move the model to %v: %w", path, rt.Device, err)
	}
	lc.clf.SetTraining(false)
	loader, err := evalLoader(src, lc.size, lc.norm, cfg.BatchSize, rt.Workers)
	if err != nil {
		return fmt.Errorf("softlabel: %w", err)
	}
	n := len(classes)
	for b, err := range loader.Epoch(ctx, 0) {
		if err != nil {
			return fmt.Errorf("softlabel: predicting with %s: %w", path, err)
		}
		var probs []float32
		err := torch.Scoped(func() { probs = batchProbs(lc.clf, b, cfg.TTA, rt) })
		if err != nil {
			return fmt.Errorf("softlabel: predicting with %s: %w", path, err)
		}
		for r, i := range b.Index {
			for c := range n {
				sums[i][lc.toDS[c]] += float64(probs[r*n+c])
			}
		}
	}
	return ctx.Err()
}

// batchProbs returns the softmax probabilities of a batch (N x classes,
// row-major), summed over the tta views (the image, then its mirror).
func batchProbs(clf *models.Classifier, b *dataset.Batch, tta int, rt Runtime) []float32 {
	var out []float32
	torch.NoGrad(func() {
		x := train.Input(b, rt.Device, false) // (N, 3, H, W)
		views := []torch.Tensor{x}
		if tta == 2 {
			views = append(views, torch.Flip(x, 3)) // (N, 3, H, W), mirrored left to right
		}
		for _, v := range views {
			var logits torch.Tensor
			torch.Autocast(rt.Device, rt.Autocast, func() { logits = clf.Forward(v) }) // (N, classes)
			f32 := torch.To(logits, torch.Float32)
			p := torch.Float32s(torch.Softmax(f32, 1)) // N*classes
			runtime.KeepAlive(f32)
			if out == nil {
				out = p
				continue
			}
			for i := range out {
				out[i] += p[i]
			}
		}
		runtime.KeepAlive(views)
	})
	return out
}

// loaded is a classifier ready to predict: how to prepare its images and
// where its outputs go among train.csv's classes.
type loaded struct {
	clf  *models.Classifier
	size int
	norm dataset.Normalization
	toDS []int // output c of the model is class toDS[c] of train.csv
}

// loadClassifier reads a classifier checkpoint and checks its classes
// against train.csv's.
func loadClassifier(path string, classes []string, cfg PredictConfig) (*loaded, error) {
	meta, err := checkpoint.ReadMeta(path)
	if err != nil {
		return nil, fmt.Errorf("softlabel: %w", err)
	}
	if meta == nil {
		if cfg.Arch == "" || cfg.Size == 0 {
			return nil, fmt.Errorf("softlabel: %s has no sidecar %s saying its arch, classes and image size; "+
				"use a ppctl finetune checkpoint, or give the arch and size", path, checkpoint.SidecarPath(path))
		}
		meta = &checkpoint.Meta{Kind: "classifier", Arch: cfg.Arch, Classes: classes, ImageSize: cfg.Size}
	}
	if meta.Kind != "classifier" {
		return nil, fmt.Errorf("softlabel: %s is a %q checkpoint, not a classifier: predict with the fold models of ppctl finetune", path, meta.Kind)
	}
	if err := dataset.CheckClasses(path, meta.Classes, classes); err != nil {
		return nil, fmt.Errorf("softlabel: the model's classes (%s) are not train.csv's: %w", strings.Join(meta.Classes, ","), err)
	}
	lc := &loaded{size: meta.ImageSize, norm: datasetNormalization(meta.Normalization), toDS: make([]int, len(meta.Classes))}
	if lc.size <= 0 {
		lc.size = cfg.Size
	}
	if lc.size <= 0 {
		return nil, fmt.Errorf("softlabel: %s's sidecar records no image size", path)
	}
	for c, name := range meta.Classes {
		lc.toDS[c] = indexOf(classes, name)
	}
	lc.clf, err = models.NewClassifier(models.ClassifierConfig{Arch: meta.Arch, Classes: int64(len(meta.Classes)), Head: models.DefaultHeadConfig()})
	if err != nil {
		return nil, fmt.Errorf("softlabel: %s: %w", path, err)
	}
	if _, err := models.LoadCheckpoint(path, lc.clf, models.LoadOptions{Arch: meta.Arch}); err != nil {
		return nil, fmt.Errorf("softlabel: %w", err)
	}
	return lc, nil
}

// foldDirs returns the fold<k> subdirectories of dir, in fold order.
func foldDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("softlabel: models: %w", err)
	}
	type fold struct {
		name string
		k    int
	}
	var fs []fold
	for _, e := range entries {
		if k, ok := strings.CutPrefix(e.Name(), "fold"); ok && e.IsDir() {
			if n, err := strconv.Atoi(k); err == nil && n >= 0 && strconv.Itoa(n) == k {
				fs = append(fs, fold{e.Name(), n})
			}
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].k < fs[j].k })
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out, nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
