package ssl

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

type evalGolden struct {
	Features [][]float32 `json:"features"`
	Labels   []int       `json:"labels"`
	Folds    []int       `json:"folds"`
	KNN      []struct {
		K           int     `json:"k"`
		Temperature float64 `json:"temperature"`
		Predictions []int   `json:"predictions"`
	} `json:"knn"`
	Linear []struct {
		L2          float64 `json:"l2"`
		Predictions []int   `json:"predictions"`
	} `json:"linear"`
}

func readEvalGolden(t *testing.T) *evalGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/eval_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g evalGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// foldRows splits the golden rows into training and held-out rows of f.
func foldRows(folds []int, f int) (tr, te []int) {
	for i, fi := range folds {
		if fi == f {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	return tr, te
}

// TestKNNMatchesScikitLearn compares every out-of-fold prediction with
// KNeighborsClassifier(metric="cosine") on the same folds
// (scripts/gen_ssl_eval_golden.py).
func TestKNNMatchesScikitLearn(t *testing.T) {
	g := readEvalGolden(t)
	unit := normalizeRows(g.Features)
	for _, c := range g.KNN {
		cfg := KNNConfig{K: c.K, Temperature: c.Temperature}
		for f := 0; f <= slices.Max(g.Folds); f++ {
			tr, te := foldRows(g.Folds, f)
			got := knnPredict(unit, g.Labels, tr, te, cfg, 3)
			for j, i := range te {
				if got[j] != c.Predictions[i] {
					t.Errorf("k=%d T=%g fold %d row %d: predicted %d, scikit-learn %d", c.K, c.Temperature, f, i, got[j], c.Predictions[i])
				}
			}
		}
	}
}

// TestLinearProbeAgreesWithScikitLearn fits the same objective as
// LogisticRegression(C = 1/(l2 n)); Adam stops near, not at, lbfgs's
// optimum, so almost every prediction must agree.
func TestLinearProbeAgreesWithScikitLearn(t *testing.T) {
	g := readEvalGolden(t)
	for _, c := range g.Linear {
		cfg := DefaultLinearConfig()
		cfg.L2 = c.L2
		agree, n := 0, 0
		for f := 0; f <= slices.Max(g.Folds); f++ {
			tr, te := foldRows(g.Folds, f)
			got := linearPredict(g.Features, g.Labels, tr, te, len(g.Features[0]), 3, cfg)
			for j, i := range te {
				n++
				if got[j] == c.Predictions[i] {
					agree++
				}
			}
		}
		if frac := float64(agree) / float64(n); frac < 0.95 {
			t.Errorf("l2=%g: %d of %d predictions agree with scikit-learn (%.2f), want at least 0.95", c.L2, agree, n, frac)
		}
	}
}

// clusters returns n rows per class around well separated centres on the
// axes, and their labels.
func clusters(classes, n int) ([][]float32, []int) {
	var feats [][]float32
	var labels []int
	for c := range classes {
		for i := range n {
			f := make([]float32, classes)
			f[c] = 1
			f[(c+1)%classes] = 0.1 * float32(i%3)
			feats = append(feats, f)
			labels = append(labels, c)
		}
	}
	return feats, labels
}

func TestJudgesOnSeparableAndUninformativeFeatures(t *testing.T) {
	feats, labels := clusters(4, 10)
	same := make([][]float32, len(feats))
	for i := range same {
		same[i] = []float32{1, 2, 3}
	}
	tests := []struct {
		name     string
		feats    [][]float32
		judge    func([][]float32, []int) (*CVResult, error)
		min, max float64
	}{
		{"knn, separable", feats, func(f [][]float32, l []int) (*CVResult, error) { return KNNAccuracy(f, l, DefaultKNNConfig()) }, 1, 1},
		{"linear, separable", feats, func(f [][]float32, l []int) (*CVResult, error) { return LinearProbe(f, l, DefaultLinearConfig()) }, 1, 1},
		// Identical features: every vote ties, class 0 wins: 10 of 40 right.
		{"knn, identical features", same, func(f [][]float32, l []int) (*CVResult, error) { return KNNAccuracy(f, l, DefaultKNNConfig()) }, 0.25, 0.25},
		{"linear, identical features", same, func(f [][]float32, l []int) (*CVResult, error) { return LinearProbe(f, l, DefaultLinearConfig()) }, 0, 0.3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.judge(tc.feats, labels)
			if err != nil {
				t.Fatal(err)
			}
			if res.Accuracy < tc.min || res.Accuracy > tc.max || len(res.FoldAccuracy) != 5 {
				t.Errorf("accuracy %.4f over %d folds, want %.2f..%.2f over 5", res.Accuracy, len(res.FoldAccuracy), tc.min, tc.max)
			}
		})
	}
}

func TestStratifiedFolds(t *testing.T) {
	labels := []int{0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3}
	const k = 3
	fold, err := stratifiedFolds(labels, k, 9)
	if err != nil {
		t.Fatal(err)
	}
	sizes := make([]int, k)
	perClass := map[int][]int{}
	for i, f := range fold {
		sizes[f]++
		if perClass[labels[i]] == nil {
			perClass[labels[i]] = make([]int, k)
		}
		perClass[labels[i]][f]++
	}
	if slices.Max(sizes)-slices.Min(sizes) > 1 {
		t.Errorf("fold sizes %v differ by more than one", sizes)
	}
	for c, n := range perClass {
		if slices.Max(n)-slices.Min(n) > 1 {
			t.Errorf("class %d spreads over the folds as %v", c, n)
		}
	}
	again, _ := stratifiedFolds(labels, k, 9)
	if !slices.Equal(fold, again) {
		t.Error("the same seed gave other folds")
	}
	for _, bad := range []struct {
		name   string
		labels []int
		k      int
	}{{"one fold", labels, 1}, {"more folds than rows", []int{0, 1}, 3}, {"unlabelled row", []int{0, -1, 1}, 2}} {
		if _, err := stratifiedFolds(bad.labels, bad.k, 1); err == nil {
			t.Errorf("%s: got no error", bad.name)
		}
	}
}

func TestKNNRejectsBadInput(t *testing.T) {
	feats, labels := clusters(2, 3)
	tests := []struct {
		name   string
		feats  [][]float32
		labels []int
		cfg    KNNConfig
	}{
		{"negative k", feats, labels, KNNConfig{K: -1}},
		{"NaN temperature", feats, labels, KNNConfig{Temperature: math.NaN()}},
		{"labels mismatch", feats, labels[:2], KNNConfig{}},
		{"ragged rows", append([][]float32{{1}}, feats[1:]...), labels, KNNConfig{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := KNNAccuracy(tc.feats, tc.labels, tc.cfg); err == nil {
				t.Error("got no error")
			}
		})
	}
}
