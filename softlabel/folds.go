package softlabel

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Fold is one split of a k-fold cross-validation over sample indices: Valid
// is the fold itself (the held-out samples) and Train every other sample.
// Both are sorted ascending.
type Fold struct {
	Train, Valid []int
}

// StratifiedKFold splits the samples whose class labels are labels into k
// folds and returns, for each fold, the fold as Valid and the rest as Train.
//
// The folds are disjoint and cover every sample; their sizes differ by at
// most one, and so do the counts of each class across folds. Samples are
// shuffled within their class with seed, so the same labels, k and seed give
// the same folds on every machine and Go release. The folds are not
// scikit-learn's StratifiedKFold folds.
//
// It is an error if k < 2, if a label is negative, or if a class has fewer
// samples than folds (every fold must see every class).
func StratifiedKFold(labels []int, k int, seed uint64) ([]Fold, error) {
	fold, err := AssignFolds(labels, k, seed)
	if err != nil {
		return nil, err
	}
	folds := make([]Fold, k)
	for i, f := range fold { // i ascends, so both lists come out sorted
		for j := range folds {
			if j == f {
				folds[j].Valid = append(folds[j].Valid, i)
			} else {
				folds[j].Train = append(folds[j].Train, i)
			}
		}
	}
	return folds, nil
}

// AssignFolds is StratifiedKFold's assignment itself: the fold, in [0, k), of
// each sample.
//
// Each class's samples are shuffled, the classes are laid end to end in
// ascending label order, and the sequence is dealt to the folds in turn like
// cards. Dealing one sequence keeps fold sizes within one of each other;
// each class being a contiguous run of it keeps the class counts within one.
func AssignFolds(labels []int, k int, seed uint64) ([]int, error) {
	byClass, err := groupByClass(labels, k)
	if err != nil {
		return nil, err
	}
	rng := rand.NewPCG(seed, 0x5eed_f01d_5eed_f01d)
	fold := make([]int, len(labels))
	next := 0
	for _, members := range byClass {
		shuffle(members, rng)
		for _, i := range members {
			fold[i] = next
			next = (next + 1) % k
		}
	}
	return fold, nil
}

// groupByClass returns the sample indices of each class present, in
// ascending class order, after checking labels against k folds.
func groupByClass(labels []int, k int) ([][]int, error) {
	if k < 2 {
		return nil, fmt.Errorf("softlabel: %d folds: k-fold needs at least 2", k)
	}
	members := map[int][]int{}
	for i, l := range labels {
		if l < 0 {
			return nil, fmt.Errorf("softlabel: label %d of sample %d is negative; labels are class indices", l, i)
		}
		members[l] = append(members[l], i)
	}
	if len(labels) == 0 {
		return nil, errors.New("softlabel: no samples to split into folds")
	}
	classes := make([]int, 0, len(members))
	for c := range members {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	var few []string
	out := make([][]int, len(classes))
	for j, c := range classes {
		out[j] = members[c]
		if n := len(members[c]); n < k {
			few = append(few, fmt.Sprintf("class %d has %d", c, n))
		}
	}
	if few != nil {
		return nil, fmt.Errorf("softlabel: %s samples, fewer than the %d folds; "+
			"use fewer folds or add samples so that every fold holds every class",
			strings.Join(few, ", "), k)
	}
	return out, nil
}

// shuffle permutes idx uniformly (Fisher-Yates) drawing from src. It is
// written here rather than taken from math/rand/v2, whose Shuffle may change
// between Go releases; PCG's output is fixed by its specification.
func shuffle(idx []int, src *rand.PCG) {
	for i := len(idx) - 1; i > 0; i-- {
		j := int(below(src, uint64(i+1)))
		idx[i], idx[j] = idx[j], idx[i]
	}
}

// below returns a uniform integer in [0, n), n > 0, by rejecting the draws
// that would bias the remainder.
func below(src *rand.PCG, n uint64) uint64 {
	limit := -n % n // 2^64 mod n: draws below it are the biased tail
	for {
		if v := src.Uint64(); v >= limit {
			return v % n
		}
	}
}
