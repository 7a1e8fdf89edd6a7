package plot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// PseudoLabelsFile is the pseudo-label stage's output in its run directory.
const PseudoLabelsFile = "pseudolabels.csv"

// ValidPredictionsFile is what a k-fold stage writes into each fold<k>/
// directory: the fold's validation images with the label they were scored
// against and the model's probabilities, in the pseudo-labels format
// (image_id,labels,softlabels,p_<class>...; see WriteValidPredictions).
const ValidPredictionsFile = "valid_predictions.csv"

// Scores are the predictions of one evaluation, the input of confusion.png
// and roc.png: for sample i its true class Labels[i], its predicted class
// Pred[i] and its probabilities Probs[i*len(Classes) : (i+1)*len(Classes)].
type Scores struct {
	Source  string // what was scored, for titles: "pseudolabels.csv", "folds 0-2", ...
	Classes []string
	Labels  []int
	Pred    []int
	Probs   []float32
}

// Len is the number of samples.
func (s *Scores) Len() int { return len(s.Labels) }

// fromPseudoLabels turns a pseudo-labels file into scores: labels (the given
// label) is the truth, softlabels the prediction.
func fromPseudoLabels(pl *dataset.PseudoLabels, source string) *Scores {
	s := &Scores{Source: source, Classes: pl.Classes}
	for _, r := range pl.Rows {
		s.Labels = append(s.Labels, r.Label)
		s.Pred = append(s.Pred, r.Pred)
		for _, p := range r.Probs {
			s.Probs = append(s.Probs, float32(p))
		}
	}
	return s
}

// WriteValidPredictions writes one fold's validation predictions to path
// (normally RUN/fold<k>/valid_predictions.csv) in the pseudo-labels format
// that dataset.WritePseudoLabels writes: image_id, labels (the class the
// image was validated against), softlabels (the predicted class, the argmax
// of its row), then p_<class> per class, in class order. probs holds
// len(ids) rows of len(classes) probabilities. The union of a run's folds is
// then an out-of-fold pseudo-labels file.
func WriteValidPredictions(path string, classes, ids []string, labels []int, probs []float32) error {
	n := len(classes)
	if len(labels) != len(ids) || len(probs) != len(ids)*n {
		return fmt.Errorf("plot: write %s: %d ids, %d labels and %d probabilities for %d classes; pass one label and one row per id",
			path, len(ids), len(labels), len(probs), n)
	}
	pl := &dataset.PseudoLabels{Classes: classes}
	for i, id := range ids {
		row := make([]float64, n)
		for c := range row {
			row[c] = float64(probs[i*n+c])
		}
		pl.Rows = append(pl.Rows, dataset.PseudoLabel{ID: id, Label: labels[i], Pred: train.Argmax(probs[i*n : (i+1)*n]), Probs: row})
	}
	return dataset.WritePseudoLabels(path, pl)
}

// ReadRunScores reads a run's predictions: RUN/pseudolabels.csv when it
// exists, else every RUN/fold<k>/valid_predictions.csv together (their
// union is out of fold). It returns nil and no error when the run has
// neither.
func ReadRunScores(dir string) (*Scores, error) {
	path := filepath.Join(dir, PseudoLabelsFile)
	if _, err := os.Stat(path); err == nil {
		pl, err := dataset.ReadPseudoLabels(path)
		if err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		return fromPseudoLabels(pl, PseudoLabelsFile+" (out-of-fold vs given labels)"), nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "fold*", ValidPredictionsFile))
	if err != nil || len(files) == 0 {
		return nil, nil
	}
	slices.Sort(files)
	var all *Scores
	var folds []string
	for _, f := range files {
		pl, err := dataset.ReadPseudoLabels(f)
		if err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		s := fromPseudoLabels(pl, "")
		if all == nil {
			all = s
		} else if !slices.Equal(all.Classes, s.Classes) {
			return nil, fmt.Errorf("plot: %s: classes %s differ from %s's %s; all folds must share one class order",
				f, strings.Join(s.Classes, ","), files[0], strings.Join(all.Classes, ","))
		} else {
			all.Labels = append(all.Labels, s.Labels...)
			all.Pred = append(all.Pred, s.Pred...)
			all.Probs = append(all.Probs, s.Probs...)
		}
		folds = append(folds, filepath.Base(filepath.Dir(f)))
	}
	all.Source = "validation of " + strings.Join(folds, ", ")
	return all, nil
}

// ReadTruthPred scores a predictions file (sample_submission.csv's format,
// e.g. submission.csv) against a labels file (train.csv's format, e.g.
// test_truth.csv): every image of the truth must be predicted, and the
// classes must be the same (in any order; the truth's order is kept). The
// predicted class is the argmax of each row.
func ReadTruthPred(truthPath, predPath string) (*Scores, error) {
	classes, items, err := dataset.ReadLabels(truthPath)
	if err != nil {
		return nil, fmt.Errorf("plot: truth: %w", err)
	}
	pred, err := dataset.ReadPredictions(predPath)
	if err != nil {
		return nil, fmt.Errorf("plot: predictions: %w", err)
	}
	if err := dataset.CheckClasses(predPath, pred.Classes, classes); err != nil {
		return nil, fmt.Errorf("plot: predictions: %w", err)
	}
	col := make([]int, len(classes)) // col[c]: pred's column of truth's class c
	for c, name := range classes {
		col[c] = slices.Index(pred.Classes, name)
	}
	rowOf := make(map[string]int, len(pred.IDs))
	for i, id := range pred.IDs {
		rowOf[id] = i
	}
	s := &Scores{Source: filepath.Base(predPath) + " vs " + filepath.Base(truthPath), Classes: classes}
	var missing []string
	for _, it := range items {
		i, ok := rowOf[it.ID]
		if !ok {
			missing = append(missing, it.ID)
			continue
		}
		row := make([]float32, len(classes))
		for c := range row {
			row[c] = float32(pred.Probs[i][col[c]])
		}
		s.Labels = append(s.Labels, it.Label)
		s.Pred = append(s.Pred, train.Argmax(row))
		s.Probs = append(s.Probs, row...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("plot: %s: %d images of %s have no prediction (first: %s); predict the same image set",
			predPath, len(missing), truthPath, missing[0])
	}
	if s.Len() == 0 {
		return nil, errors.New("plot: " + truthPath + ": no images to score")
	}
	return s, nil
}
