// Package train is the training loop every stage of ppctl shares: RotNet,
// SimCLR, pseudo-labelling and soft-label fine-tuning all call Fit and
// differ only in their Model, Task and data.
//
// It holds fastai's schedules (fit_one_cycle's learning rate and momentum,
// fine_tune's frozen and unfrozen phases), the loop (AdamW with fastai's
// defaults and no decay on biases and BatchNorm, frozen body groups whose
// BatchNorm keeps training, accumulation, clipping, autocast, a memory scope
// per step, validation, callbacks such as SaveBest and EarlyStop,
// cancellation within one batch), the metrics (accuracy, confusion matrix,
// ROC curve and mean column-wise ROC AUC, pure Go and checked against
// scikit-learn), and what a run leaves behind: run directories (OpenRun,
// Run.WriteManifest, Run.Log, Run.Close) holding each command's
// manifest.json, metrics.jsonl and checkpoints as DESIGN section 5 lays out,
// and a Reporter that shows progress (bar, plain, quiet, json) and
// fastai's epoch table.
//
// Matrices are row-major n x c and held flat: row i of m is
// m[i*c : (i+1)*c], the layout a batch of logits, probabilities or soft
// targets has when it leaves libtorch. Labels are class indices in [0, c).
//
// A fine_tune of a classifier reads:
//
//	ft := train.DefaultFineTune()
//	ft.Epochs, ft.BaseLR, ft.FreezeEpochs = 25, 1e-3, 2
//	model := train.ModelOf(classifier)          // body and head groups
//	phases, err := ft.Phases(len(model.Groups()), trainLoader.Len())
//	cfg := train.DefaultConfig()
//	cfg.Phases = phases
//	res, err := train.Fit(ctx, model, train.SoftCrossEntropy{NumClasses: 4},
//		train.Data{Train: trainLoader, Valid: validLoader}, cfg)
//
// A schedule holds no state: its values are a function of the step, so a
// resumed run only needs the step it stopped at:
//
//	s := train.DefaultOneCycle([]float64{1e-4}, 25*stepsPerEpoch)
//	lrs, beta1 := s.At(step) // one rate per parameter group
package train
