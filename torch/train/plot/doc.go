// Package plot draws the PNG pictures of training runs: loss, learning-rate
// and metric curves from metrics.jsonl, the confusion matrix and per-class
// ROC curves of a run's predictions, and overlays of several runs. It is
// pure Go (gonum.org/v1/plot); it reads run directories through the readers
// of torch/train and dataset and calls no tensor code.
//
// # What it draws
//
// Run(dir, opts) writes into a run directory (or opts.Out):
//
//   - loss.png: training loss (solid) and validation loss (dashed) of every
//     fold, against training steps or cumulative epochs (Options.X); each
//     marker's shape is its phase ("freeze", "unfreeze", "fit") and a
//     dashed vertical line marks where a phase begins.
//   - lr.png: the head group's learning rate at every epoch end, plus the
//     per-step schedule when the run holds lr_schedule.csv (ScheduleOf and
//     WriteSchedule make one from a fine-tuning plan).
//   - metrics.png: validation accuracy and mean ROC AUC per epoch and fold.
//   - confusion.png and roc.png: from pseudolabels.csv when present, else
//     from every fold<k>/valid_predictions.csv.
//
// Compare(dirs, opts) writes compare_loss.png and compare_metrics.png, one
// colour per run (RunNames labels them), e.g. given labels vs soft labels.
// ReadTruthPred scores a submission against a labels file and WriteScores
// draws its confusion matrix and ROC curves.
//
// # Validation predictions
//
// A k-fold stage that wants confusion.png and roc.png writes each fold's
// validation predictions to fold<k>/valid_predictions.csv with
// WriteValidPredictions. The format is the pseudo-labels file's (DESIGN
// section 5), so the folds together are an out-of-fold pseudo-labels file:
//
//	image_id,labels,softlabels,p_healthy,p_multiple_diseases,p_rust,p_scab
//	Train_7,rust,rust,0.02,0.03,0.91,0.04
//	Train_9,scab,healthy,0.51,0.05,0.04,0.40
//
// labels is the class the image was validated against, softlabels the
// predicted class (the row's argmax), then one probability per class in
// class order.
//
// # Usage
//
//	files, err := plot.Run("runs/soft", plot.DefaultOptions())
//	...
//	files, err = plot.Compare([]string{"runs/given", "runs/soft"}, plot.DefaultOptions())
package plot
