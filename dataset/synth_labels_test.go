package dataset

import (
	"math"
	"testing"
)

func TestSynthClassCounts(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		imbalance bool
		want      [4]int
	}{
		// The competition's own train.csv counts.
		{"competition size", 1821, true, [4]int{516, 91, 622, 592}},
		// 400*516/1821 = 113.34, 400*91/1821 = 19.99, 400*622/1821 = 136.63,
		// 400*592/1821 = 130.04: floors sum to 398, the two largest
		// remainders (multiple_diseases, rust) get one more each.
		{"demo size", 400, true, [4]int{113, 20, 137, 130}},
		{"one image goes to the largest class", 1, true, [4]int{0, 0, 1, 0}},
		{"balanced, ties to the earlier class", 10, false, [4]int{3, 3, 2, 2}},
		{"balanced, divisible", 8, false, [4]int{2, 2, 2, 2}},
		{"empty", 0, true, [4]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := synthClassCounts(tc.n, tc.imbalance); got != tc.want {
				t.Errorf("synthClassCounts(%d, %v) = %v, want %v", tc.n, tc.imbalance, got, tc.want)
			}
		})
	}
}

func TestSynthClassCountsSumAndShare(t *testing.T) {
	for n := 0; n <= 300; n++ {
		for _, imbalance := range []bool{false, true} {
			counts := synthClassCounts(n, imbalance)
			if s := counts[0] + counts[1] + counts[2] + counts[3]; s != n {
				t.Fatalf("synthClassCounts(%d, %v) = %v sums to %d", n, imbalance, counts, s)
			}
			for c, k := range counts {
				exact := float64(n) / 4
				if imbalance {
					exact = float64(n*competitionCounts[c]) / 1821
				}
				if math.Abs(float64(k)-exact) >= 1 {
					t.Fatalf("synthClassCounts(%d, %v)[%v] = %d, more than 1 from its share %.2f", n, imbalance, SynthClass(c), k, exact)
				}
			}
		}
	}
}

func TestSynthLabelsNoise(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		noise float64
		tol   float64 // allowed |flip rate - noise|
	}{
		{"no noise", 1000, 0, 0},
		{"all labels replaced", 1000, 1, 0},
		// Binomial standard deviation sqrt(0.2*0.8/1e5) = 0.00126: 4 sigma.
		{"twenty percent", 100000, 0.2, 0.005},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clean, given := synthLabels(tc.n, true, tc.noise, synthRNG(7, streamTrainLabels))
			var moved [4][4]int // clean class -> given class, for replaced labels
			flips := 0
			for i := range clean {
				if clean[i] != given[i] {
					flips++
					moved[clean[i]][given[i]]++
				}
			}
			if rate := float64(flips) / float64(tc.n); math.Abs(rate-tc.noise) > tc.tol {
				t.Errorf("replaced %d of %d labels (rate %.4f), want rate %v +- %v", flips, tc.n, rate, tc.noise, tc.tol)
			}
			if got, want := synthCount(clean), synthClassCounts(tc.n, true); [4]int(got) != want {
				t.Errorf("clean class counts %v, want %v", got, want)
			}
			if tc.noise != 0.2 {
				return
			}
			// Each replaced label goes to one of the 3 other classes with
			// probability 1/3: 4 binomial standard deviations.
			for c := range moved {
				total := moved[c][0] + moved[c][1] + moved[c][2] + moved[c][3]
				sd := math.Sqrt(float64(total) * 2 / 9)
				for o, k := range moved[c] {
					if o == c {
						continue
					}
					if math.Abs(float64(k)-float64(total)/3) > 4*sd {
						t.Errorf("%v relabeled as %v %d times of %d, want about a third", SynthClass(c), SynthClass(o), k, total)
					}
				}
			}
		})
	}
}

func TestSynthLabelsShuffledAndReproducible(t *testing.T) {
	a, _ := synthLabels(200, false, 0.2, synthRNG(1, streamTrainLabels))
	b, _ := synthLabels(200, false, 0.2, synthRNG(1, streamTrainLabels))
	c, _ := synthLabels(200, false, 0.2, synthRNG(2, streamTrainLabels))
	same, runs := true, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed: label %d is %v and %v", i, a[i], b[i])
		}
		same = same && a[i] == c[i]
		if i > 0 && a[i] != a[i-1] {
			runs++
		}
	}
	if same {
		t.Errorf("seeds 1 and 2 gave the same labels")
	}
	// Unshuffled, the 4 classes would form 3 changes; shuffled about 150.
	if runs < 100 {
		t.Errorf("labels change class %d times in 200, want them shuffled (about 150)", runs)
	}
}

func TestSynthClassString(t *testing.T) {
	tests := []struct {
		c    SynthClass
		want string
	}{
		{SynthHealthy, "healthy"},
		{SynthMultipleDiseases, "multiple_diseases"},
		{SynthRust, "rust"},
		{SynthScab, "scab"},
		{SynthClass(4), "SynthClass(4)"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("SynthClass(%d).String() = %q, want %q", int(tc.c), got, tc.want)
		}
	}
	if got, want := SynthClasses(), []string{"healthy", "multiple_diseases", "rust", "scab"}; len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("SynthClasses() = %v, want %v", got, want)
	}
}
