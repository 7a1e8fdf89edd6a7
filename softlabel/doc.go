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
// The fold and blending maths are pure Go over slices and import no torch,
// so they build and test anywhere; the training steps run through
// torch/train. softlabel never imports ssl: an encoder reaches it as a
// checkpoint file.
//
// A sketch of the blog's soft-label targets for one fold:
//
//	folds, err := softlabel.StratifiedKFold(given, 3, 42)
//	...
//	b := softlabel.DefaultBlend() // weight 0.5, Hard
//	targets, err := b.Targets(given, softlabel.Pseudo{Labels: oofPred}, nClasses)
//	// train on targets[i*nClasses:(i+1)*nClasses] for i in folds[k].Train,
//	// validate on softlabel.OneHot of the given labels of folds[k].Valid.
package softlabel
