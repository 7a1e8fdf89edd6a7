package softlabel

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestBlendTargets(t *testing.T) {
	tests := []struct {
		name   string
		blend  Blend
		given  []int
		pseudo Pseudo
		want   []float32 // 3 classes a row
	}{
		{"hard, agreeing", Blend{0.5, Hard}, []int{1}, Pseudo{Labels: []int{1}}, []float32{0, 1, 0}},
		{"hard, disagreeing (the blog)", Blend{0.5, Hard}, []int{0, 2}, Pseudo{Labels: []int{2, 1}},
			[]float32{0.5, 0, 0.5, 0, 0.5, 0.5}},
		{"hard, weight 0.7", Blend{0.7, Hard}, []int{2}, Pseudo{Labels: []int{0}}, []float32{0.3, 0, 0.7}},
		{"hard, weight 1 is the given labels", Blend{1, Hard}, []int{0, 1}, Pseudo{Labels: []int{2, 2}},
			[]float32{1, 0, 0, 0, 1, 0}},
		{"hard, weight 0 is the pseudo-labels", Blend{0, Hard}, []int{0, 1}, Pseudo{Labels: []int{2, 0}},
			[]float32{0, 0, 1, 1, 0, 0}},
		{"hard ignores probs", Blend{0.5, Hard}, []int{0}, Pseudo{Labels: []int{0}, Probs: []float32{0, 0, 1}},
			[]float32{1, 0, 0}},
		{"probs, weight 0.7 (the winner)", Blend{0.7, Probs}, []int{1}, Pseudo{Probs: []float32{0.5, 0.25, 0.25}},
			[]float32{0.15, 0.775, 0.075}},
		{"probs ignores labels", Blend{0.5, Probs}, []int{0}, Pseudo{Labels: []int{2}, Probs: []float32{0, 1, 0}},
			[]float32{0.5, 0.5, 0}},
		{"probs, rounded row renormalised", Blend{0, Probs}, []int{0}, Pseudo{Probs: []float32{0.5, 0.25, 0.245}},
			[]float32{0.5 / 0.995, 0.25 / 0.995, 0.245 / 0.995}},
		{"probs, weight 1 is the given labels", Blend{1, Probs}, []int{2}, Pseudo{Probs: []float32{0.2, 0.3, 0.5}},
			[]float32{0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.blend.Targets(tt.given, tt.pseudo, 3)
			if err != nil {
				t.Fatalf("Targets: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Targets = %v; want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(float64(got[i]-tt.want[i])) > 1e-6 {
					t.Fatalf("Targets = %v; want %v", got, tt.want)
				}
			}
			for r := 0; r < len(got)/3; r++ {
				sum := float64(got[3*r]) + float64(got[3*r+1]) + float64(got[3*r+2])
				if math.Abs(sum-1) > 1e-6 {
					t.Errorf("row %d sums to %.9g; want 1", r, sum)
				}
			}
		})
	}
}

func TestBlendErrors(t *testing.T) {
	tests := []struct {
		name   string
		blend  Blend
		given  []int
		pseudo Pseudo
		want   string
	}{
		{"weight above 1", Blend{1.5, Hard}, []int{0}, Pseudo{Labels: []int{0}}, "weight 1.5 is outside [0, 1]"},
		{"negative weight", Blend{-0.1, Hard}, []int{0}, Pseudo{Labels: []int{0}}, "outside [0, 1]"},
		{"NaN weight", Blend{math.NaN(), Hard}, []int{0}, Pseudo{Labels: []int{0}}, "outside [0, 1]"},
		{"too few pseudo-labels", Blend{0.5, Hard}, []int{0, 1}, Pseudo{Labels: []int{0}}, "1 pseudo-labels for 2 samples"},
		{"hard without labels", Blend{0.5, Hard}, []int{0}, Pseudo{Probs: []float32{1, 0, 0}}, "0 pseudo-labels for 1 samples"},
		{"pseudo-label out of range", Blend{0.5, Hard}, []int{0}, Pseudo{Labels: []int{3}}, "pseudo-labels: label 3 of sample 0"},
		{"given label out of range", Blend{0.5, Hard}, []int{-1}, Pseudo{Labels: []int{0}}, "given labels: label -1"},
		{"no samples", Blend{0.5, Hard}, nil, Pseudo{}, "no samples"},
		{"short probs", Blend{0.5, Probs}, []int{0}, Pseudo{Probs: []float32{1, 0}}, "2 pseudo-label probabilities for 1 samples of 3 classes; want 3"},
		{"logits for probs", Blend{0.5, Probs}, []int{0}, Pseudo{Probs: []float32{2.5, -1, 0.3}}, "not a probability"},
		{"row not summing to 1", Blend{0.5, Probs}, []int{0}, Pseudo{Probs: []float32{0.5, 0.5, 0.5}}, "sum to 1.5"},
		{"NaN probability", Blend{0.5, Probs}, []int{0}, Pseudo{Probs: []float32{float32(math.NaN()), 0.5, 0.5}}, "class 0 for sample 0"},
		{"unknown mode", Blend{0.5, SoftMode(7)}, []int{0}, Pseudo{Labels: []int{0}}, "SoftMode(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.blend.Targets(tt.given, tt.pseudo, 3)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Targets error = %v; want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestOneHot(t *testing.T) {
	got, err := OneHot([]int{2, 0, 1}, 3)
	want := []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}
	if err != nil || len(got) != len(want) {
		t.Fatalf("OneHot = %v, %v; want %v", got, err, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("OneHot = %v; want %v", got, want)
		}
	}
	for _, bad := range []struct {
		labels   []int
		nClasses int
	}{{[]int{3}, 3}, {[]int{0}, 0}, {nil, 2}} {
		if _, err := OneHot(bad.labels, bad.nClasses); err == nil {
			t.Errorf("OneHot(%v, %d) gave no error", bad.labels, bad.nClasses)
		}
	}
}

func TestSoftMode(t *testing.T) {
	tests := []struct {
		flag string
		mode SoftMode
	}{{"hard", Hard}, {"probs", Probs}}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			m, err := ParseSoftMode(tt.flag)
			if err != nil || m != tt.mode {
				t.Errorf("ParseSoftMode(%q) = %v, %v; want %v", tt.flag, m, err, tt.mode)
			}
			if s := tt.mode.String(); s != tt.flag {
				t.Errorf("String() = %q; want %q", s, tt.flag)
			}
			b, err := json.Marshal(struct{ Soft SoftMode }{tt.mode})
			if want := `{"Soft":"` + tt.flag + `"}`; err != nil || string(b) != want {
				t.Errorf("json = %s, %v; want %s", b, err, want)
			}
			var back struct{ Soft SoftMode }
			if err := json.Unmarshal(b, &back); err != nil || back.Soft != tt.mode {
				t.Errorf("json round trip = %v, %v; want %v", back.Soft, err, tt.mode)
			}
		})
	}
	for _, bad := range []string{"", "Hard", "soft", "prob"} {
		if _, err := ParseSoftMode(bad); err == nil || !strings.Contains(err.Error(), "hard") {
			t.Errorf("ParseSoftMode(%q) error = %v; want one listing the valid values", bad, err)
		}
	}
	if _, err := json.Marshal(SoftMode(5)); err == nil {
		t.Error("marshalling SoftMode(5) gave no error")
	}
	if d := DefaultBlend(); d.Weight != 0.5 || d.Mode != Hard {
		t.Errorf("DefaultBlend() = %+v; want weight 0.5, Hard", d)
	}
}
