// Package softlabel is the second half of ppctl's recipe: learning from noisy
// labels with k-fold soft labels, as the blog does for Plant Pathology 2020.
//
// It owns, in the order a run uses them:
//
//   - stratified k-fold splits of sample indices (StratifiedKFold,
//     AssignFolds): shuffled with a seed, disjoint, covering every sample,
//     fold sizes and each class's per-fold counts within one of each other;
//   - pseudo-labelling: for each of the folds, an SSL encoder plus a
//     classification head fine-tuned on the other folds predicts the held-out
//     one, giving out-of-fold predicted classes and probabilities
//     (pseudolabels.csv);
//   - blending (Blend, SoftMode): training target w*onehot(given) +
//     (1-w)*onehot(pseudo) (Hard, the blog) or (1-w)*probabilities (Probs);
//     validation targets stay OneHot(given);
//   - soft-label fine-tuning of one model per fold on the blended targets,
//     keeping each fold's best epoch by validation loss;
//   - fold-ensemble prediction: the fold models' averaged probabilities on
//     the test images, as a submission file;
//   - scoring a submission against true labels (accuracy, mean and per-class
//     ROC AUC).
//
// The fold and blending maths (folds.go, blend.go, targets.go) are pure Go
// over slices; the training steps run through torch/train with the
// classifiers of torch/models (NewClassifier: an encoder checkpoint's exact
// weights plus fastai's head, which the blog's code meant to build but did
// not). softlabel never imports ssl: an encoder reaches it as a checkpoint
// file or a pretraining run directory.
//
// A sketch of the blog's soft-label targets for one fold:
//
//	folds, err := softlabel.StratifiedKFold(given, 3, 42)
//	...
//	b := softlabel.DefaultBlend() // weight 0.5, Hard
//	targets, err := b.Targets(given, softlabel.Pseudo{Labels: oofPred}, nClasses)
//	// train on targets[i*nClasses:(i+1)*nClasses] for i in folds[k].Train,
//	// validate on softlabel.OneHot of the given labels of folds[k].Valid.
//
// The whole recipe on a dataset folder, each step writing a run directory
// (fold<k>/metrics.jsonl, fold<k>/complete.json for Runtime.Resume,
// pseudolabels.csv, fold<k>/best.pth):
//
//	ds, err := dataset.Open(dir)
//	pl := softlabel.DefaultPseudoLabelConfig() // 2 folds, fine_tune(15)
//	pl.Encoder = "runs/simclr"
//	res, err := softlabel.PseudoLabel(ctx, ds, pl, softlabel.Runtime{Dir: "runs/pseudo", Reporter: r})
//	ft := softlabel.DefaultFineTuneSettings() // 3 folds, fine_tune(25, 1e-3, freeze 2), w 0.5 hard
//	ft.Encoder = pl.Encoder
//	fit, err := softlabel.FineTune(ctx, ds, res.Labels, ft, softlabel.Runtime{Dir: "runs/ft", Reporter: r})
//	probs, err := softlabel.Predict(ctx, ds, fit.Checkpoints(), softlabel.DefaultPredictConfig(), softlabel.Runtime{})
//	err = ds.WriteSubmission("submission.csv", probs)
//	scores, err := softlabel.ScoreFiles("test_truth.csv", "submission.csv")
//
// FineTune with nil pseudo-labels trains on the given labels alone (the
// w = 1 baseline the evidence in EVIDENCE.md compares against).
package softlabel
