package softlabel

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// Scores are a submission's marks against the true labels: the
// competition's mean column-wise ROC AUC, each column's, and accuracy
// (argmax against the true class).
type Scores struct {
	Images     int       `json:"images"`       // images scored
	Classes    []string  `json:"classes"`      // in the truth file's column order
	Accuracy   float64   `json:"accuracy"`     // fraction of images whose most probable class is the true one
	MeanROCAUC float64   `json:"mean_roc_auc"` // mean over Classes of ROCAUC
	ROCAUC     []float64 `json:"roc_auc"`      // one-vs-rest ROC AUC of each class, in Classes order
}

// ScoreFiles scores the submission at predPath (sample_submission.csv's
// format) against the labels at truthPath (train.csv's format, e.g. ppctl
// synth's test_truth.csv); see Score.
func ScoreFiles(truthPath, predPath string) (*Scores, error) {
	classes, truth, err := dataset.ReadLabels(truthPath)
	if err != nil {
		return nil, fmt.Errorf("softlabel: truth: %w", err)
	}
	pred, err := dataset.ReadPredictions(predPath)
	if err != nil {
		return nil, fmt.Errorf("softlabel: predictions: %w", err)
	}
	return Score(classes, truth, pred)
}

// Score scores pred against the true labels truth (Item.Label indexes
// classes). The submission must have one row for every image of truth and
// no other, and a column for every class and no other, in any order. A
// class that no image of truth has makes its ROC AUC undefined, which is an
// error as in scikit-learn.
func Score(classes []string, truth []dataset.Item, pred *dataset.Predictions) (*Scores, error) {
	if err := dataset.CheckClasses("the predictions", pred.Classes, classes); err != nil {
		return nil, fmt.Errorf("softlabel: score: %w", err)
	}
	col := make([]int, len(classes)) // truth class c is column col[c] of pred
	for c, name := range classes {
		col[c] = indexOf(pred.Classes, name)
	}
	row := make(map[string]int, len(pred.IDs))
	for i, id := range pred.IDs {
		row[id] = i
	}
	if err := checkIDs(truth, row); err != nil {
		return nil, err
	}
	n := len(classes)
	scores := make([]float32, len(truth)*n)
	labels := make([]int, len(truth))
	for i, it := range truth {
		p := pred.Probs[row[it.ID]]
		for c := range n {
			scores[i*n+c] = float32(p[col[c]])
		}
		labels[i] = it.Label
	}
	s := &Scores{Images: len(truth), Classes: classes}
	var err error
	if s.Accuracy, err = train.Accuracy(scores, n, labels); err != nil {
		return nil, fmt.Errorf("softlabel: score: %w", err)
	}
	if s.ROCAUC, err = train.ROCAUCPerClass(scores, n, labels); err != nil {
		var one *train.OneClassError
		if errors.As(err, &one) && one.Class >= 0 {
			return nil, fmt.Errorf("softlabel: score: the ROC AUC of %s is undefined: %d of the %d true labels are %s (%w); "+
				"score against a truth that holds every class", classes[one.Class], one.Positives, one.Samples, classes[one.Class], train.ErrUndefinedAUC)
		}
		return nil, fmt.Errorf("softlabel: score: %w", err)
	}
	for _, a := range s.ROCAUC {
		s.MeanROCAUC += a / float64(n)
	}
	return s, nil
}

// checkIDs reports truth images without a prediction and predictions of
// images not in truth, a few of each.
func checkIDs(truth []dataset.Item, row map[string]int) error {
	var missing []string
	inTruth := make(map[string]bool, len(truth))
	for _, it := range truth {
		inTruth[it.ID] = true
		if _, ok := row[it.ID]; !ok {
			missing = append(missing, it.ID)
		}
	}
	var extra []string
	for id := range row {
		if !inTruth[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d images of the truth have no prediction (%s)", len(missing), someIDs(missing)))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d predicted images are not in the truth (%s)", len(extra), someIDs(extra)))
	}
	if parts == nil {
		return nil
	}
	return fmt.Errorf("softlabel: score: %s; score a submission against the truth of the same test images", strings.Join(parts, "; "))
}

// someIDs lists up to three ids and how many more there are.
func someIDs(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
}
