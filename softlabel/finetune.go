package softlabel

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
	"github.com/ppctl/ppctl/torch/train/plot"
)

// FineTuneConfig is Config plus the blend of given and pseudo-labels.
type FineTuneConfig struct {
	Config
	// Blend mixes the given labels with the pseudo-labels into the training
	// targets. Default DefaultBlend() (weight 0.5, Hard); it is ignored
	// when FineTune gets no pseudo-labels.
	Blend Blend `json:"blend"`
}

// DefaultFineTuneSettings returns DefaultFineTuneConfig with
// DefaultBlend, the blog's downstream task.
func DefaultFineTuneSettings() FineTuneConfig {
	return FineTuneConfig{Config: DefaultFineTuneConfig(), Blend: DefaultBlend()}
}

// FineTuneResult is what FineTune produced.
type FineTuneResult struct {
	// Folds summarises each fold; Folds[k].Checkpoint is its best.pth.
	Folds []FoldResult
}

// Checkpoints returns every fold's best.pth, in fold order: the models
// Predict averages.
func (r *FineTuneResult) Checkpoints() []string {
	out := make([]string, len(r.Folds))
	for i, f := range r.Folds {
		out[i] = f.Checkpoint
	}
	return out
}

// FineTune trains one classifier per stratified fold on soft targets
// (DESIGN section 2, step 4): each training image's target is
// cfg.Blend.Targets of its given label and its pseudo-label from soft
// (matched by image id); without soft (nil) the targets are the given
// labels alone, the w = 1 baseline. Validation is always against the given
// labels (train.SoftCrossEntropy), with accuracy and ROC AUC per epoch. The
// epoch of lowest validation loss is kept as rt.Dir/fold<k>/best.pth
// (train.SaveBest), a classifier checkpoint whose sidecar records the arch,
// class names, image size and normalization. rt.Dir is required;
// rt.Resume skips folds whose best.pth and complete.json exist.
func FineTune(ctx context.Context, ds *dataset.Dataset, soft *dataset.PseudoLabels, cfg FineTuneConfig, rt Runtime) (*FineTuneResult, error) {
	if rt.Dir == "" {
		return nil, errors.New("softlabel: fine-tuning needs a run directory (Runtime.Dir) for its fold models")
	}
	c, err := cfg.Config.Resolved()
	if err != nil {
		return nil, err
	}
	targets, err := TrainTargets(ds, soft, cfg.Blend)
	if err != nil {
		return nil, err
	}
	folds, err := StratifiedKFold(labelsOf(ds.Train), c.Folds, c.Seed)
	if err != nil {
		return nil, fmt.Errorf("softlabel: fine-tuning on %s: %w", ds.Dir, err)
	}
	res := &FineTuneResult{}
	im := newImages()
	for k, f := range folds {
		fr, err := fineTuneFold(ctx, ds, targets, c, rt, im, k, f)
		if err != nil {
			return res, err
		}
		res.Folds = append(res.Folds, *fr)
	}
	return res, nil
}

// fineTuneFold trains fold k, or reads its summary back on a resume.
func fineTuneFold(ctx context.Context, ds *dataset.Dataset, targets [][]float32, cfg Config, rt Runtime, im *images, k int, f Fold) (*FoldResult, error) {
	dir, err := newFoldDir(rt, k)
	if err != nil {
		return nil, err
	}
	if done, err := dir.completed(rt, BestFile); err != nil || done != nil {
		return done, err
	}
	nClasses := len(ds.Classes)
	clf, err := NewClassifier(cfg, nClasses, cfg.Seed+uint64(k))
	if err != nil {
		return nil, err
	}
	if err := models.ToDevice(clf, rt.Device); err != nil {
		return nil, fmt.Errorf("softlabel: fold %d: move the model to %v: %w", k, rt.Device, err)
	}
	tl, err := trainLoader(im.files(ds.Train, f.Train, targets), cfg, rt.Workers, cfg.Seed+uint64(k))
	if err != nil {
		return nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	vl, err := evalLoader(im.files(ds.Train, f.Valid, nil), cfg.Size, dataset.ImageNet, cfg.BatchSize, rt.Workers)
	if err != nil {
		return nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	path := dir.path(BestFile)
	best := &train.SaveBest{Monitor: "valid_loss", Save: func(r train.Record) error {
		return models.SaveCheckpoint(path, clf, classifierMeta(rt.Meta, ds.Classes, cfg.Size, r))
	}}
	data := train.Data{Train: tl, Valid: vl}
	fit, err := fitFold(ctx, "finetune", k, dir, trainable(clf, cfg.SingleGroup), train.SoftCrossEntropy{NumClasses: nClasses}, data, cfg, rt, best)
	if err != nil {
		return nil, err
	}
	if best.BestAt == nil {
		return nil, fmt.Errorf("softlabel: fold %d: no epoch had a finite validation loss, so there is no best model to keep", k)
	}
	if err := writeValidPredictions(ctx, dir.path(plot.ValidPredictionsFile), path, clf, ds, f, vl, rt); err != nil {
		return nil, fmt.Errorf("softlabel: fold %d: %w", k, err)
	}
	fr := &FoldResult{Fold: k, Train: len(f.Train), Valid: len(f.Valid), Best: best.BestAt, Last: lastRecord(fit), Checkpoint: path}
	return fr, dir.complete(*fr)
}

// writeValidPredictions reloads the fold's best checkpoint into clf and
// writes its predictions on the held-out images to out (plot's
// valid_predictions.csv, which `ppctl plot` draws as a confusion matrix and
// ROC curves against the given labels).
func writeValidPredictions(ctx context.Context, out, best string, clf *models.Classifier, ds *dataset.Dataset, f Fold, vl *dataset.Loader, rt Runtime) error {
	if _, err := models.LoadCheckpoint(best, clf, models.LoadOptions{}); err != nil {
		return fmt.Errorf("reload the best model: %w", err)
	}
	ev, err := train.Evaluate(ctx, train.ModelOf(clf), train.SoftCrossEntropy{NumClasses: len(ds.Classes)}, vl, rt.Device, rt.Autocast)
	if err != nil {
		return err
	}
	ids := make([]string, len(ev.Index))
	for j, i := range ev.Index {
		ids[j] = ds.Train[f.Valid[i]].ID
	}
	return plot.WriteValidPredictions(out, ds.Classes, ids, ev.Labels, ev.Probs)
}

// classifierMeta is the sidecar of a fold's best.pth: base plus what
// Predict needs to prepare images (classes, size, normalization) and where
// the epoch came from.
func classifierMeta(base checkpoint.Meta, classes []string, size int, r train.Record) *checkpoint.Meta {
	m := base
	m.Kind = "classifier"
	m.Classes = append([]string(nil), classes...)
	m.ImageSize = size
	m.Normalization = metaNormalization(dataset.ImageNet)
	m.Extra = map[string]string{"stage": r.Stage}
	for k, v := range base.Extra {
		m.Extra[k] = v
	}
	if r.Fold != nil {
		m.Extra["fold"] = strconv.Itoa(*r.Fold)
	}
	if r.Epoch != nil {
		m.Extra["phase"], m.Extra["epoch"] = r.Phase, strconv.Itoa(*r.Epoch)
	}
	if r.ValidLoss != nil {
		m.Extra["valid_loss"] = strconv.FormatFloat(*r.ValidLoss, 'g', 8, 64)
	}
	return &m
}
