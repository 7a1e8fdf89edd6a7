package plot

import (
	"testing"
)

func TestValueTicksDistinct(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
	}{
		{"narrow loss range", 2.19, 2.33},
		{"unit range", 0, 1},
		{"learning rates", 1e-8, 4.6e-4},
		{"very narrow", 0.70001, 0.70009},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, tk := range valueTicks.Ticks(tc.lo, tc.hi) {
				if tk.Label == "" {
					continue
				}
				if seen[tk.Label] {
					t.Errorf("label %q repeats in %v", tk.Label, valueTicks.Ticks(tc.lo, tc.hi))
				}
				seen[tk.Label] = true
			}
			if len(seen) < 2 {
				t.Errorf("%d labelled ticks on [%g, %g], want at least 2", len(seen), tc.lo, tc.hi)
			}
		})
	}
}

func TestIntTicks(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   float64
		wantStep float64
	}{
		{"few epochs", 0, 5, 1},
		{"steps", 0, 50, 10},
		{"many steps", 0, 1200, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var major []float64
			for _, tk := range intTicks.Ticks(tc.lo, tc.hi) {
				if tk.Label != "" {
					major = append(major, tk.Value)
				}
			}
			if len(major) < 2 || len(major) > 9 {
				t.Fatalf("%d labelled ticks %v, want 2 to 9", len(major), major)
			}
			if got := major[1] - major[0]; got != tc.wantStep {
				t.Errorf("spacing %g, want %g", got, tc.wantStep)
			}
		})
	}
}
