package ssl

import (
	"fmt"
	"math/rand/v2"
)

// stratifiedFolds assigns each of the labelled rows to one of k folds:
// within each class the rows are shuffled with seed and dealt round-robin,
// continuing where the previous class stopped, so that every fold gets a
// near-equal share of every class and the sizes differ by at most one.
// It returns the fold of each row.
func stratifiedFolds(labels []int, k int, seed uint64) ([]int, error) {
	if k < 2 || k > len(labels) {
		return nil, fmt.Errorf("ssl: %d folds for %d labelled images: use 2 to %d folds", k, len(labels), len(labels))
	}
	byClass := map[int][]int{}
	maxClass := -1
	for i, l := range labels {
		if l < 0 {
			return nil, fmt.Errorf("ssl: row %d has no label; evaluation needs a class for every image", i)
		}
		byClass[l] = append(byClass[l], i)
		maxClass = max(maxClass, l)
	}
	rng := rand.New(rand.NewPCG(seed, 0xf01d5))
	fold := make([]int, len(labels))
	next := 0
	for c := 0; c <= maxClass; c++ {
		rows := byClass[c]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, r := range rows {
			fold[r] = next
			next = (next + 1) % k
		}
	}
	return fold, nil
}

// CVResult is a cross-validated accuracy.
type CVResult struct {
	// Accuracy is the fraction of all rows predicted right, each row
	// predicted by the model of the fold that held it out.
	Accuracy float64
	// FoldAccuracy is the accuracy on each held-out fold.
	FoldAccuracy []float64
	// Predictions is the out-of-fold predicted class of every row.
	Predictions []int
}

// crossValidate runs predict once per fold (training rows, held-out rows)
// and scores the out-of-fold predictions against labels.
func crossValidate(labels []int, k int, seed uint64, predict func(trainRows, testRows []int) []int) (*CVResult, error) {
	fold, err := stratifiedFolds(labels, k, seed)
	if err != nil {
		return nil, err
	}
	res := &CVResult{Predictions: make([]int, len(labels))}
	right := 0
	for f := 0; f < k; f++ {
		var tr, te []int
		for i, fi := range fold {
			if fi == f {
				te = append(te, i)
			} else {
				tr = append(tr, i)
			}
		}
		pred := predict(tr, te)
		ok := 0
		for j, i := range te {
			res.Predictions[i] = pred[j]
			if pred[j] == labels[i] {
				ok++
			}
		}
		right += ok
		res.FoldAccuracy = append(res.FoldAccuracy, float64(ok)/float64(len(te)))
	}
	res.Accuracy = float64(right) / float64(len(labels))
	return res, nil
}

// checkFeatures reports rows of different widths or a label count that
// does not match, and returns the width.
func checkFeatures(feats [][]float32, labels []int) (int, error) {
	if len(feats) != len(labels) {
		return 0, fmt.Errorf("ssl: %d feature rows for %d labels", len(feats), len(labels))
	}
	if len(feats) == 0 {
		return 0, fmt.Errorf("ssl: no features to evaluate")
	}
	d := len(feats[0])
	for i, f := range feats {
		if len(f) != d || d == 0 {
			return 0, fmt.Errorf("ssl: feature row %d has %d values, row 0 has %d", i, len(f), d)
		}
	}
	return d, nil
}
