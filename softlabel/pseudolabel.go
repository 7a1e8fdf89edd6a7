package softlabel

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// PseudoLabelsFile is the name of PseudoLabel's output in the run
// directory (DESIGN section 5).
const PseudoLabelsFile = "pseudolabels.csv"

// PseudoLabelResult is what PseudoLabel produced.
type PseudoLabelResult struct {
	// Labels has one row per train.csv row, in its order: the given label,
	// the out-of-fold predicted label and probabilities (classes in
	// train.csv's order).
	Labels *dataset.PseudoLabels
	// Fold is, for each train.csv row, the fold that held it out: the
	// classifier that predicted it never trained on it.
	Fold []int
	// Folds summarises each fold.
	Folds []FoldResult
}

// PseudoLabel makes out-of-fold pseudo-labels for the training images of
// ds (DESIGN section 2, step 3): the images are split into cfg.Folds
// stratified folds on their given labels; for each fold, a classifier
// (NewClassifier: the encoder plus fastai's head) is fine_tuned on the other
// folds with the given labels, validated on the held-out fold after every
// epoch, and after its last epoch predicts the held-out fold. Every
// training image is so predicted exactly once, by the one classifier that
// did not train on it.
//
// With rt.Dir set it writes fold<k>/metrics.jsonl, fold<k>/oof.csv and
// fold<k>/complete.json per fold and pseudolabels.csv at the end; with
// rt.Resume it reads back the folds already complete. It returns when
// every fold is done, or on the first error (ctx's when cancelled).
func PseudoLabel(ctx context.Context, ds *dataset.Dataset, cfg Config, rt Runtime) (*PseudoLabelResult, error) {
	cfg, err := cfg.Resolved()
	if err != nil {
		return nil, err
	}
	folds, err := StratifiedKFold(labelsOf(ds.Train), cfg.Folds, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("softlabel: pseudo-labels of %s: %w", ds.Dir, err)
	}
	res := &PseudoLabelResult{
		Labels: &dataset.PseudoLabels{Classes: ds.Classes, Rows: make([]dataset.PseudoLabel, len(ds.Train))},
		Fold:   make([]int, len(ds.Train)),
	}
	im := newImages()
	for k, f := range folds {
		fr, rows, err := pseudoFold(ctx, ds, cfg, rt, im, k, f)
		if err != nil {
			return res, err
		}
		for j, i := range f.Valid {
			res.Labels.Rows[i] = rows[j]
			res.Fold[i] = k
		}
		res.Folds = append(res.Folds, *fr)
	}
	if rt.Dir != "" {
		if err := dataset.WritePseudoLabels(filepath.Join(rt.Dir, PseudoLabelsFile), res.Labels); err != nil {
			return res, fmt.Errorf("softlabel: %w", err)
		}
	}
	return res, nil
}

// pseudoFold trains fold k's classifier, or reads its results back on a
// resume, and returns the pseudo-labels of f.Valid in that order.
func pseudoFold(ctx context.Context, ds *dataset.Dataset, cfg Config, rt Runtime, im *images, k int, f Fold) (*FoldResult, []dataset.PseudoLabel, error) {
	dir, err := newFoldDir(rt, k)
	if err != nil {
		return nil, nil, err
	}
	if done, err := dir.completed(rt, OOFFile); err != nil || done != nil {
		if err != nil {
			return nil, nil, err
		}
		rows, err := readOOF(dir.path(OOFFile), ds, f)
		return done, rows, err
	}
	nClasses := len(ds.Classes)
	clf, err := NewClassifier(cfg, nClasses, cfg.Seed+uint64(k))
	if err != nil {
		return nil, nil, err
	}
	if err := models.ToDevice(clf, rt.Device); err != nil {
		return nil, nil, fmt.Errorf("softlabel: fold %d: move the model to %v: %w", k, rt.Device, err)
	}
	model := trainable(clf, cfg.SingleGroup)
	tl, err := trainLoader(im.files(ds.Train, f.Train, nil), cfg, rt.Workers, cfg.Seed+uint64(k))
	if err != nil {
		return nil, nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	vl, err := evalLoader(im.files(ds.Train, f.Valid, nil), cfg.Size, dataset.ImageNet, cfg.BatchSize, rt.Workers)
	if err != nil {
		return nil, nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	task := train.CrossEntropy{NumClasses: nClasses}
	fit, err := fitFold(ctx, "pseudolabel", k, dir, model, task, train.Data{Train: tl, Valid: vl}, cfg, rt)
	if err != nil {
		return nil, nil, err
	}
	ev, err := train.Evaluate(ctx, model, task, vl, rt.Device, rt.Autocast)
	if err != nil {
		return nil, nil, fmt.Errorf("softlabel: fold %d: predicting the held-out images: %w", k, err)
	}
	rows := make([]dataset.PseudoLabel, len(f.Valid))
	for r, j := range ev.Index {
		it := ds.Train[f.Valid[j]]
		probs := make([]float64, nClasses)
		for c := range probs {
			probs[c] = float64(ev.Probs[r*nClasses+c])
		}
		rows[j] = dataset.PseudoLabel{ID: it.ID, Label: it.Label, Pred: train.Argmax(ev.Probs[r*nClasses : (r+1)*nClasses]), Probs: probs}
	}
	fr := &FoldResult{Fold: k, Train: len(f.Train), Valid: len(f.Valid), Last: lastRecord(fit)}
	if dir != "" {
		oof := &dataset.PseudoLabels{Classes: ds.Classes, Rows: rows}
		if err := dataset.WritePseudoLabels(dir.path(OOFFile), oof); err != nil {
			return nil, nil, fmt.Errorf("softlabel: %w", err)
		}
	}
	return fr, rows, dir.complete(*fr)
}

// readOOF reads a finished fold's oof.csv back and checks that it holds
// exactly the fold's held-out images, in order, with train.csv's labels.
func readOOF(path string, ds *dataset.Dataset, f Fold) ([]dataset.PseudoLabel, error) {
	pl, err := dataset.ReadPseudoLabels(path)
	if err != nil {
		return nil, fmt.Errorf("softlabel: resume: %w", err)
	}
	stale := fmt.Errorf("softlabel: resume: %s does not hold this fold's held-out images of %s "+
		"(another dataset, seed or number of folds?); run without --resume, or with --force", path, ds.Dir)
	if len(pl.Rows) != len(f.Valid) || !sameClasses(pl.Classes, ds.Classes) {
		return nil, stale
	}
	for j, i := range f.Valid {
		if it := ds.Train[i]; pl.Rows[j].ID != it.ID || pl.Rows[j].Label != it.Label {
			return nil, stale
		}
	}
	return pl.Rows, nil
}

// sameClasses reports whether a and b list the same classes in the same
// order.
func sameClasses(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fitFold runs fold k's fine_tune: the schedule's phases for the model's
// groups, the fold's metrics log, extra callbacks then the runtime's.
func fitFold(ctx context.Context, stage string, k int, dir foldDir, model train.Model, task train.Task, data train.Data, cfg Config, rt Runtime, extra ...train.Callback) (*train.Result, error) {
	phases, err := cfg.Schedule.Phases(len(model.Groups()), data.Train.Len())
	if err != nil {
		return nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	log, closeLog, err := dir.metricsLog()
	if err != nil {
		return nil, err
	}
	defer closeLog()
	fc := train.DefaultConfig()
	fc.Stage, fc.Fold, fc.Phases = stage, k, phases
	fc.Device, fc.Autocast = rt.Device, rt.Autocast
	fc.Seed = cfg.Seed + uint64(k) + 1 // Fit ignores a zero seed
	fc.Reporter = rt.Reporter
	fc.Callbacks = append(append([]train.Callback{log}, extra...), rt.Callbacks...)
	res, err := train.Fit(ctx, model, task, data, fc)
	if err != nil {
		return res, fmt.Errorf("softlabel: %s fold %d: %w", stage, k, err)
	}
	return res, nil
}
