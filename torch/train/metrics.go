package train

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrUndefinedAUC is what every ROC AUC error matches with errors.Is when the
// labels of a column hold only one class: with no positive (or no negative)
// sample the area is 0/0. scikit-learn's roc_auc_score raises in that case.
var ErrUndefinedAUC = errors.New("ROC AUC is undefined when the labels hold only one class")

// OneClassError reports a ROC AUC that cannot be computed because every
// sample of a class column is positive, or every one is negative. It matches
// ErrUndefinedAUC.
type OneClassError struct {
	Class     int // the class column; -1 when the call was binary
	Positives int // samples whose label is this class
	Samples   int // samples in all
}

// Error names the class and the counts and says what to do.
func (e *OneClassError) Error() string {
	if e.Class < 0 {
		return fmt.Sprintf("train: binary ROC AUC is undefined: %d of %d samples are positive; "+
			"evaluate on a set that holds both positive and negative samples", e.Positives, e.Samples)
	}
	return fmt.Sprintf("train: ROC AUC of class %d is undefined: %d of %d samples are of that class; "+
		"evaluate on a set that holds this class and others too (e.g. a stratified fold)",
		e.Class, e.Positives, e.Samples)
}

// Is makes errors.Is(err, ErrUndefinedAUC) true.
func (e *OneClassError) Is(target error) bool { return target == ErrUndefinedAUC }

// Argmax returns the index of the largest value of row, the first one when
// several are equal (as numpy's and torch's argmax do). NaN is never the
// largest. It returns -1 for an empty row.
func Argmax(row []float32) int {
	best := -1
	for i, v := range row {
		if v != v { // NaN
			continue
		}
		if best < 0 || v > row[best] {
			best = i
		}
	}
	return best
}

// ArgmaxRows returns the argmax of each row of the n x nClasses matrix m: the
// predicted class of scores, or the hard label of soft targets.
func ArgmaxRows(m []float32, nClasses int) ([]int, error) {
	n, err := rows(m, nClasses, "matrix")
	if err != nil {
		return nil, err
	}
	out := make([]int, n)
	for i := range out {
		out[i] = Argmax(m[i*nClasses : (i+1)*nClasses])
		if out[i] < 0 {
			return nil, fmt.Errorf("train: row %d of the matrix is all NaN", i)
		}
	}
	return out, nil
}

// Accuracy is the fraction of rows of scores (n x nClasses) whose argmax is
// the row's label.
func Accuracy(scores []float32, nClasses int, labels []int) (float64, error) {
	pred, err := ArgmaxRows(scores, nClasses)
	if err != nil {
		return 0, err
	}
	if err := checkLabels(labels, len(pred), nClasses); err != nil {
		return 0, err
	}
	if len(pred) == 0 {
		return 0, errors.New("train: accuracy of no samples: pass at least one row")
	}
	hit := 0
	for i, p := range pred {
		if p == labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred)), nil
}

// SoftAccuracy is Accuracy for soft targets: the fraction of rows where the
// argmax of scores equals the argmax of targets (both n x nClasses), the
// metric the blog uses for blended labels.
func SoftAccuracy(scores, targets []float32, nClasses int) (float64, error) {
	labels, err := ArgmaxRows(targets, nClasses)
	if err != nil {
		return 0, fmt.Errorf("train: targets: %w", err)
	}
	return Accuracy(scores, nClasses, labels)
}

// ConfusionMatrix counts (truth, pred) pairs: cell [t][p] is the number of
// samples of class t predicted as p, so rows are true classes and columns
// predictions (scikit-learn's confusion_matrix layout).
func ConfusionMatrix(truth, pred []int, nClasses int) ([][]int, error) {
	if err := checkLabels(truth, len(truth), nClasses); err != nil {
		return nil, fmt.Errorf("train: truth: %w", err)
	}
	if err := checkLabels(pred, len(truth), nClasses); err != nil {
		return nil, fmt.Errorf("train: predictions: %w", err)
	}
	cm := make([][]int, nClasses)
	for i := range cm {
		cm[i] = make([]int, nClasses)
	}
	for i, t := range truth {
		cm[t][pred[i]]++
	}
	return cm, nil
}

// BinaryROCAUC is the area under the ROC curve of scores against positive:
// the probability that a random positive sample scores above a random
// negative one, ties counting one half (the Mann-Whitney U statistic over
// P*N). That is exactly the trapezoidal area scikit-learn's roc_auc_score
// computes, because its ROC curve joins tied scores by one straight segment.
// It returns a *OneClassError when all samples are positive or all negative.
func BinaryROCAUC(scores []float32, positive []bool) (float64, error) {
	if len(scores) != len(positive) {
		return 0, fmt.Errorf("train: ROC AUC: %d scores but %d labels; pass one label per score",
			len(scores), len(positive))
	}
	order, err := sortedByScore(scores)
	if err != nil {
		return 0, err
	}
	var pos, neg, negBelow, area float64
	for lo := 0; lo < len(order); {
		hi := lo
		var p, n float64
		for ; hi < len(order) && scores[order[hi]] == scores[order[lo]]; hi++ {
			if positive[order[hi]] {
				p++
			} else {
				n++
			}
		}
		area += p*negBelow + 0.5*p*n // each positive beats the negatives below, ties half
		negBelow += n
		pos += p
		neg += n
		lo = hi
	}
	if pos == 0 || neg == 0 {
		return 0, &OneClassError{Class: -1, Positives: int(pos), Samples: len(scores)}
	}
	return area / (pos * neg), nil
}

// ROCAUCPerClass returns the one-vs-rest ROC AUC of each class column of
// scores (n x nClasses) against labels, as scikit-learn's roc_auc_score with
// average=None does on the one-hot labels. A column whose labels hold one
// class only is a *OneClassError naming the class.
func ROCAUCPerClass(scores []float32, nClasses int, labels []int) ([]float64, error) {
	n, err := rows(scores, nClasses, "scores")
	if err != nil {
		return nil, err
	}
	if err := checkLabels(labels, n, nClasses); err != nil {
		return nil, err
	}
	col := make([]float32, n)
	pos := make([]bool, n)
	aucs := make([]float64, nClasses)
	for c := range aucs {
		for i := 0; i < n; i++ {
			col[i] = scores[i*nClasses+c]
			pos[i] = labels[i] == c
		}
		auc, err := BinaryROCAUC(col, pos)
		var one *OneClassError
		if errors.As(err, &one) {
			one.Class = c
		}
		if err != nil {
			return nil, err
		}
		aucs[c] = auc
	}
	return aucs, nil
}

// MeanROCAUC is the competition metric: the mean over class columns of the
// one-vs-rest ROC AUC (scikit-learn's roc_auc_score with average="macro" on
// one-hot labels). For soft targets pass ArgmaxRows(targets).
func MeanROCAUC(scores []float32, nClasses int, labels []int) (float64, error) {
	aucs, err := ROCAUCPerClass(scores, nClasses, labels)
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, a := range aucs {
		sum += a
	}
	return sum / float64(len(aucs)), nil
}

// ROC is a receiver operating characteristic curve: point i is the false and
// true positive rates of predicting positive when score >= Thresholds[i].
// Point 0 is (0, 0) at threshold +Inf; the last point is (1, 1).
type ROC struct {
	FPR, TPR, Thresholds []float64
}

// ROCCurve returns one ROC point per distinct score, highest threshold first,
// as scikit-learn's roc_curve with drop_intermediate=False does, except that
// the first threshold is +Inf (scikit-learn 1.2 writes max score + 1). It
// returns a *OneClassError when all samples are positive or all negative.
func ROCCurve(scores []float32, positive []bool) (ROC, error) {
	if len(scores) != len(positive) {
		return ROC{}, fmt.Errorf("train: ROC curve: %d scores but %d labels; pass one label per score",
			len(scores), len(positive))
	}
	order, err := sortedByScore(scores)
	if err != nil {
		return ROC{}, err
	}
	var P, N int
	for _, p := range positive {
		if p {
			P++
		} else {
			N++
		}
	}
	if P == 0 || N == 0 {
		return ROC{}, &OneClassError{Class: -1, Positives: P, Samples: len(scores)}
	}
	r := ROC{FPR: []float64{0}, TPR: []float64{0}, Thresholds: []float64{math.Inf(1)}}
	tp, fp := 0, 0
	for hi := len(order) - 1; hi >= 0; { // from the highest score down
		s := scores[order[hi]]
		for ; hi >= 0 && scores[order[hi]] == s; hi-- {
			if positive[order[hi]] {
				tp++
			} else {
				fp++
			}
		}
		r.FPR = append(r.FPR, float64(fp)/float64(N))
		r.TPR = append(r.TPR, float64(tp)/float64(P))
		r.Thresholds = append(r.Thresholds, float64(s))
	}
	return r, nil
}

// sortedByScore returns the indices of scores in ascending score order, or an
// error naming the first NaN.
func sortedByScore(scores []float32) ([]int, error) {
	order := make([]int, len(scores))
	for i, s := range scores {
		if s != s {
			return nil, fmt.Errorf("train: score %d is NaN; check the model's outputs for divergence", i)
		}
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] < scores[order[b]] })
	return order, nil
}

// rows checks that m is a whole number of rows of nClasses and returns the
// row count.
func rows(m []float32, nClasses int, what string) (int, error) {
	if nClasses < 1 {
		return 0, fmt.Errorf("train: %d classes: need at least one", nClasses)
	}
	if len(m)%nClasses != 0 {
		return 0, fmt.Errorf("train: %s holds %d values, not a whole number of rows of %d classes",
			what, len(m), nClasses)
	}
	return len(m) / nClasses, nil
}

// checkLabels checks that labels has n entries, each in [0, nClasses).
func checkLabels(labels []int, n, nClasses int) error {
	if len(labels) != n {
		return fmt.Errorf("train: %d labels for %d rows; pass one label per row", len(labels), n)
	}
	for i, l := range labels {
		if l < 0 || l >= nClasses {
			return fmt.Errorf("train: label %d of sample %d is outside [0, %d)", l, i, nClasses)
		}
	}
	return nil
}
