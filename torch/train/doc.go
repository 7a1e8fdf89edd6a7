// Package train holds what every training stage of ppctl shares: the
// learning-rate and momentum schedules of fastai's fit_one_cycle and
// fine_tune, and the classification metrics (accuracy, confusion matrix, ROC
// curve and mean column-wise ROC AUC). The training loop itself (optimizer,
// accumulation, callbacks, run directories, progress) joins it later.
//
// Everything here so far is pure Go over plain slices, so it builds and tests
// without libtorch.
//
// Matrices are row-major n x c and held flat: row i of m is
// m[i*c : (i+1)*c], the layout a batch of logits, probabilities or soft
// targets has when it leaves libtorch. Labels are class indices in [0, c).
//
// A schedule is asked for its values step by step:
//
//	s := train.DefaultOneCycle([]float64{1e-4}, 25*stepsPerEpoch)
//	for step := 0; step < s.TotalSteps; step++ {
//		lrs, beta1 := s.At(step) // one rate per parameter group
//		...
//	}
//
// A schedule holds no state: its values are a function of the step, so a
// resumed run only needs the step it stopped at. A fine_tune is a plan of
// one-cycle phases:
//
//	ft := train.DefaultFineTune()
//	ft.Epochs, ft.BaseLR, ft.FreezeEpochs = 25, 1e-3, 2
//	phases, err := ft.Phases(2, stepsPerEpoch) // body and head groups
//
// Metrics compare with scikit-learn (see testdata/metrics_golden.json):
//
//	auc, err := train.MeanROCAUC(probs, nClasses, labels)
package train
