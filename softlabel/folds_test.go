package softlabel

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// repeat returns counts[c] copies of each class c, interleaved in a fixed
// non-sorted order so that the input order carries no stratification.
func repeat(counts ...int) []int {
	var out []int
	left := append([]int(nil), counts...)
	for more := true; more; {
		more = false
		for c := len(left) - 1; c >= 0; c-- {
			if left[c] > 0 {
				out = append(out, c)
				left[c]--
				more = true
			}
		}
	}
	return out
}

var foldTables = []struct {
	name   string
	labels []int
	k      int
}{
	{"balanced 2 classes 2 folds", repeat(6, 6), 2},
	{"uneven 4 classes 3 folds", repeat(10, 3, 7, 5), 3},
	{"plant pathology shape 2 folds", repeat(52, 9, 62, 59), 2},
	{"plant pathology shape 3 folds", repeat(52, 9, 62, 59), 3},
	{"minimum class size 5 folds", repeat(5, 5, 6), 5},
	{"one class", repeat(7), 3},
	{"sparse class ids", []int{4, 9, 4, 9, 4, 9, 4, 0, 0, 0}, 3},
}

func TestStratifiedKFoldProperties(t *testing.T) {
	for _, tt := range foldTables {
		t.Run(tt.name, func(t *testing.T) {
			folds, err := StratifiedKFold(tt.labels, tt.k, 42)
			if err != nil {
				t.Fatalf("StratifiedKFold: %v", err)
			}
			if len(folds) != tt.k {
				t.Fatalf("%d folds; want %d", len(folds), tt.k)
			}
			n := len(tt.labels)
			seen := make([]int, n)
			classes := map[int]bool{}
			for _, l := range tt.labels {
				classes[l] = true
			}
			minSize, maxSize := n, 0
			for f, fold := range folds {
				checkFold(t, f, fold, n)
				for _, i := range fold.Valid {
					seen[i]++
				}
				minSize = min(minSize, len(fold.Valid))
				maxSize = max(maxSize, len(fold.Valid))
			}
			for i, s := range seen {
				if s != 1 {
					t.Errorf("sample %d is in %d validation folds; want exactly 1", i, s)
				}
			}
			if maxSize-minSize > 1 {
				t.Errorf("fold sizes range over %d..%d; want them within one", minSize, maxSize)
			}
			for c := range classes {
				lo, hi := n, 0
				for _, fold := range folds {
					cnt := 0
					for _, i := range fold.Valid {
						if tt.labels[i] == c {
							cnt++
						}
					}
					lo, hi = min(lo, cnt), max(hi, cnt)
				}
				if hi-lo > 1 {
					t.Errorf("class %d: per-fold counts range over %d..%d; want them within one", c, lo, hi)
				}
			}
		})
	}
}

// checkFold checks that a fold's two lists are sorted, disjoint and together
// exactly 0..n-1.
func checkFold(t *testing.T, f int, fold Fold, n int) {
	t.Helper()
	if !sort.IntsAreSorted(fold.Train) || !sort.IntsAreSorted(fold.Valid) {
		t.Errorf("fold %d: indices not sorted", f)
	}
	all := append(append([]int(nil), fold.Train...), fold.Valid...)
	sort.Ints(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("fold %d: train and valid together are %v; want each of 0..%d once", f, all, n-1)
		}
	}
	if len(all) != n {
		t.Fatalf("fold %d: %d indices; want %d", f, len(all), n)
	}
}

func TestStratifiedKFoldSeeds(t *testing.T) {
	labels := repeat(20, 5, 15, 10)
	a, err := AssignFolds(labels, 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := AssignFolds(labels, 3, 42)
	if !reflect.DeepEqual(a, again) {
		t.Errorf("same seed gave %v then %v", a, again)
	}
	other, _ := AssignFolds(labels, 3, 43)
	if reflect.DeepEqual(a, other) {
		t.Errorf("seeds 42 and 43 gave the same folds %v", a)
	}
	folds, _ := StratifiedKFold(labels, 3, 42)
	for f, fold := range folds {
		for _, i := range fold.Valid {
			if a[i] != f {
				t.Errorf("sample %d: AssignFolds says fold %d, StratifiedKFold holds it out in fold %d", i, a[i], f)
			}
		}
	}
}

func TestStratifiedKFoldErrors(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		k      int
		want   []string // substrings of the error
	}{
		{"one fold", repeat(4, 4), 1, []string{"1 folds", "at least 2"}},
		{"no samples", nil, 2, []string{"no samples"}},
		{"negative label", []int{0, -1, 0, 1}, 2, []string{"label -1 of sample 1"}},
		{"small class", repeat(6, 2, 6), 3, []string{"class 1 has 2 samples", "3 folds"}},
		{"two small classes", repeat(1, 5, 2), 3, []string{"class 0 has 1, class 2 has 2 samples"}},
		{"fewer samples than folds", []int{0, 0}, 3, []string{"class 0 has 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StratifiedKFold(tt.labels, tt.k, 1)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestBelowIsUniform(t *testing.T) {
	// 6000 draws in [0, 6): each value about 1000 times; a biased or
	// off-by-one bound would leave one empty or far off.
	counts := make([]int, 6)
	src := rand.NewPCG(1, 2)
	for i := 0; i < 6000; i++ {
		counts[below(src, 6)]++
	}
	for v, c := range counts {
		if c < 850 || c > 1150 {
			t.Errorf("value %d drawn %d times of 6000; want about 1000 (counts %v)", v, c, counts)
		}
	}
}
