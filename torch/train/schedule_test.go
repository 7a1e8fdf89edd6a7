package train

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// relNear reports whether got is within tol of want, relative to scale.
func relNear(got, want, scale, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(scale)
}

// TestOneCycleClosedForm checks the schedule at the steps where the half
// cosines have closed forms: the start (cos pi = -1), the middle of each half
// (cos pi/2 = 0), the peak and the end (cos 0 = 1). With 200 steps and
// pct_start 0.25, step 25 is mid warm-up, 50 the peak and 125 mid annealing.
func TestOneCycleClosedForm(t *testing.T) {
	peaks := []float64{1e-5, 1e-3}
	s := DefaultOneCycle(peaks, 200)
	tests := []struct {
		name  string
		step  int
		lr    func(peak float64) float64
		beta1 float64
	}{
		{"first", 0, func(p float64) float64 { return p / 25 }, 0.95},
		{"mid warm-up", 25, func(p float64) float64 { return (p/25 + p) / 2 }, 0.90},
		{"peak", 50, func(p float64) float64 { return p }, 0.85},
		{"mid annealing", 125, func(p float64) float64 { return (p + p/1e5) / 2 }, 0.90},
		{"end", 200, func(p float64) float64 { return p / 1e5 }, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lrs, beta1 := s.At(tt.step)
			for g, p := range peaks {
				if want := tt.lr(p); !relNear(lrs[g], want, want, 1e-12) {
					t.Errorf("group %d: lr = %g; want %g", g, lrs[g], want)
				}
			}
			if !relNear(beta1, tt.beta1, 1, 1e-12) {
				t.Errorf("beta1 = %.15g; want %g", beta1, tt.beta1)
			}
		})
	}
}

// TestOneCycleShape checks what holds at every step: the rate rises strictly
// up to the peak and falls strictly after it, beta1 mirrors it, and every
// group's rate is its peak times the same factor.
func TestOneCycleShape(t *testing.T) {
	s := DefaultOneCycle([]float64{2e-4, 2e-2}, 40)
	prevLR, prevB := -1.0, 2.0
	for step := 0; step <= s.TotalSteps; step++ {
		lrs, b := s.At(step)
		rising := step <= 10 // 0.25 * 40
		if (rising && !(lrs[1] > prevLR && b < prevB)) || (!rising && !(lrs[1] < prevLR && b > prevB)) {
			t.Fatalf("step %d: lr %g beta1 %g after lr %g beta1 %g; want the one-cycle shape", step, lrs[1], b, prevLR, prevB)
		}
		if !relNear(lrs[0]*100, lrs[1], s.LRMax[1], 1e-12) {
			t.Fatalf("step %d: group rates %v are not in the ratio of their peaks", step, lrs)
		}
		prevLR, prevB = lrs[1], b
	}
}

func TestOneCycleEdgePct(t *testing.T) {
	tests := []struct {
		name          string
		pct           float64
		pos           float64
		wantLRPerPeak float64
		wantBeta1     float64
	}{
		{"no warm-up starts at the peak", 0, 0, 1, 0.85},
		{"no warm-up ends at div_final", 0, 1, 1e-5, 0.95},
		{"all warm-up ends at the peak", 1, 1, 1, 0.85},
		{"all warm-up starts at div", 1, 0, 1.0 / 25, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultOneCycle([]float64{0.1}, 10)
			s.PctStart = tt.pct
			lrs, b := s.AtPos(tt.pos)
			if want := 0.1 * tt.wantLRPerPeak; !relNear(lrs[0], want, want, 1e-12) || !relNear(b, tt.wantBeta1, 1, 1e-12) {
				t.Errorf("AtPos(%g) = %g, %g; want %g, %g", tt.pos, lrs[0], b, want, tt.wantBeta1)
			}
		})
	}
}

func TestOneCycleAtPanicsOutsideFit(t *testing.T) {
	s := DefaultOneCycle([]float64{1e-3}, 10)
	for _, step := range []int{-1, 11} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d) did not panic", step)
				}
			}()
			s.At(step)
		}()
	}
}

func TestOneCycleValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*OneCycle)
		want   string // substring of the error; "" for valid
	}{
		{"defaults", func(*OneCycle) {}, ""},
		{"zero lr allowed", func(s *OneCycle) { s.LRMax = []float64{0} }, ""},
		{"no groups", func(s *OneCycle) { s.LRMax = nil }, "no learning rate"},
		{"negative lr", func(s *OneCycle) { s.LRMax = []float64{1e-3, -1} }, "group 1"},
		{"NaN lr", func(s *OneCycle) { s.LRMax = []float64{math.NaN()} }, "group 0"},
		{"zero div", func(s *OneCycle) { s.Div = 0 }, "div 0"},
		{"zero div_final", func(s *OneCycle) { s.DivFinal = 0 }, "div_final 0"},
		{"pct above 1", func(s *OneCycle) { s.PctStart = 1.5 }, "pct_start 1.5"},
		{"no steps", func(s *OneCycle) { s.TotalSteps = 0 }, "0 steps"},
		{"momentum 1", func(s *OneCycle) { s.Moms[2] = 1 }, "moms[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultOneCycle([]float64{1e-3}, 10)
			tt.modify(&s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v; want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestEvenMultsAndSliceLRs(t *testing.T) {
	tests := []struct {
		name string
		got  []float64
		want []float64
	}{
		{"even 3", EvenMults(1e-4, 1e-2, 3), []float64{1e-4, 1e-3, 1e-2}},
		{"even 5 by sqrt 10", EvenMults(1, 100, 5), []float64{1, math.Sqrt(10), 10, 10 * math.Sqrt(10), 100}},
		{"even 1 is stop", EvenMults(1e-5, 1e-3, 1), []float64{1e-3}},
		{"even 0", EvenMults(1, 2, 0), nil},
		{"slice(stop) 3 groups", SliceLRs(0, 1e-3, 3), []float64{1e-4, 1e-4, 1e-3}},
		{"slice(stop) 1 group", SliceLRs(0, 1e-3, 1), []float64{1e-3}},
		{"slice(start, stop) 2 groups", SliceLRs(5e-6, 5e-4, 2), []float64{5e-6, 5e-4}},
		{"slice(start, stop) 1 group", SliceLRs(5e-6, 5e-4, 1), []float64{5e-4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != len(tt.want) {
				t.Fatalf("got %v; want %v", tt.got, tt.want)
			}
			for i := range tt.want {
				if !relNear(tt.got[i], tt.want[i], tt.want[i], 1e-12) {
					t.Errorf("got %v; want %v", tt.got, tt.want)
				}
			}
		})
	}
}

func TestFineTunePhases(t *testing.T) {
	ft := DefaultFineTune()
	ft.Epochs, ft.BaseLR, ft.FreezeEpochs = 25, 1e-3, 2
	tests := []struct {
		name    string
		ft      FineTune
		groups  int
		want    []Phase
		wantErr string
	}{
		{"blog soft labels, body and head", ft, 2, []Phase{
			{"freeze", 2, 1, true, OneCycle{[]float64{1e-4, 1e-3}, 25, 1e5, 0.99, DefaultMoms, 20}},
			{"unfreeze", 25, 0, true, OneCycle{[]float64{5e-6, 5e-4}, 5, 1e5, 0.3, DefaultMoms, 250}},
		}, ""},
		{"blog single group", ft, 1, []Phase{
			{"freeze", 2, 0, true, OneCycle{[]float64{1e-3}, 25, 1e5, 0.99, DefaultMoms, 20}},
			{"unfreeze", 25, 0, true, OneCycle{[]float64{5e-4}, 5, 1e5, 0.3, DefaultMoms, 250}},
		}, ""},
		{"no frozen phase still halves", FineTune{Epochs: 1, BaseLR: 2e-3, LRMult: 100, PctStart: 0.3, Div: 5, DivFinal: 1e5, Moms: DefaultMoms}, 2, []Phase{
			{"unfreeze", 1, 0, true, OneCycle{[]float64{1e-5, 1e-3}, 5, 1e5, 0.3, DefaultMoms, 10}},
		}, ""},
		{"only the frozen phase", FineTune{FreezeEpochs: 1, BaseLR: 2e-3, LRMult: 100, DivFinal: 1e5, Moms: DefaultMoms}, 3, []Phase{
			{"freeze", 1, 2, true, OneCycle{[]float64{2e-4, 2e-4, 2e-3}, 25, 1e5, 0.99, DefaultMoms, 10}},
		}, ""},
		{"no epochs", FineTune{BaseLR: 1e-3, LRMult: 100}, 2, nil, "positive total"},
		{"no groups", ft, 0, nil, "0 parameter groups"},
		{"zero lr", FineTune{Epochs: 1, LRMult: 100, Div: 5, DivFinal: 1e5}, 2, nil, "base_lr 0"},
		{"zero div", FineTune{Epochs: 1, BaseLR: 1e-3, LRMult: 100, DivFinal: 1e5}, 2, nil, `phase "unfreeze"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ft.Phases(tt.groups, 10)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Phases() error = %v; want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Phases(): %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Phases() = %+v; want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				lrs := g.Schedule.LRMax
				g.Schedule.LRMax, w.Schedule.LRMax = nil, nil
				if !reflect.DeepEqual(g, w) || len(lrs) != len(tt.want[i].Schedule.LRMax) {
					t.Errorf("phase %d = %+v (lr %v); want %+v (lr %v)", i, g, lrs, w, tt.want[i].Schedule.LRMax)
				}
				for k, want := range tt.want[i].Schedule.LRMax {
					if k < len(lrs) && !relNear(lrs[k], want, want, 1e-12) {
						t.Errorf("phase %d: lr max %v; want %v", i, lrs, tt.want[i].Schedule.LRMax)
					}
				}
			}
		})
	}
}

func TestFineTunePhasesRejectsNoSteps(t *testing.T) {
	if _, err := DefaultFineTune().Phases(2, 0); err == nil || !strings.Contains(err.Error(), "no batch") {
		t.Errorf("Phases(2, 0) error = %v; want one saying the training set yields no batch", err)
	}
}

// scheduleCase is one case of testdata/schedule_golden.json, written by
// scripts/gen_schedule_golden.py, which steps a re-implementation of
// fastai's scheduler the way fastai does (accumulated pct_train, float32
// phase boundaries).
type scheduleCase struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Groups int    `json:"groups"`
	NIter  int    `json:"n_iter"`
	Args   struct {
		Epochs       int       `json:"epochs"`
		BaseLR       *float64  `json:"base_lr"`
		FreezeEpochs *int      `json:"freeze_epochs"`
		LRMult       *float64  `json:"lr_mult"`
		PctStart     *float64  `json:"pct_start"`
		Div          *float64  `json:"div"`
		DivFinal     *float64  `json:"div_final"`
		Moms         []float64 `json:"moms"`
		LRMax        []float64 `json:"lr_max"`
	} `json:"args"`
	Phases []struct {
		Name         string    `json:"name"`
		Epochs       int       `json:"epochs"`
		FrozenGroups int       `json:"frozen_groups"`
		LRMax        []float64 `json:"lr_max"`
		Steps        []struct {
			LRs []float64 `json:"lrs"`
			Mom float64   `json:"mom"`
		} `json:"steps"`
	} `json:"phases"`
}

// plan builds the Go phases for a golden case from its arguments, leaving
// unset ones at their defaults.
func (c scheduleCase) plan(t *testing.T) []Phase {
	t.Helper()
	a := c.Args
	setF := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	if c.Kind == "one_cycle" {
		s := DefaultOneCycle(a.LRMax, 0)
		setF(&s.Div, a.Div)
		setF(&s.DivFinal, a.DivFinal)
		setF(&s.PctStart, a.PctStart)
		if a.Moms != nil {
			copy(s.Moms[:], a.Moms)
		}
		s.TotalSteps = c.Phases[0].Epochs * c.NIter
		return []Phase{{Name: "fit", Epochs: c.Phases[0].Epochs, Schedule: s}}
	}
	ft := DefaultFineTune()
	ft.Epochs = a.Epochs
	setF(&ft.BaseLR, a.BaseLR)
	setF(&ft.LRMult, a.LRMult)
	setF(&ft.PctStart, a.PctStart)
	setF(&ft.Div, a.Div)
	if a.FreezeEpochs != nil {
		ft.FreezeEpochs = *a.FreezeEpochs
	}
	phases, err := ft.Phases(c.Groups, c.NIter)
	if err != nil {
		t.Fatalf("Phases: %v", err)
	}
	return phases
}

func TestSchedulesAgainstFastaiMechanics(t *testing.T) {
	b, err := os.ReadFile("testdata/schedule_golden.json")
	if err != nil {
		t.Fatalf("read golden file (regenerate with /usr/bin/python3 scripts/gen_schedule_golden.py): %v", err)
	}
	var g struct{ Cases []scheduleCase }
	if err := json.Unmarshal(b, &g); err != nil || len(g.Cases) == 0 {
		t.Fatalf("parse golden file: %v (%d cases)", err, len(g.Cases))
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			phases := c.plan(t)
			if len(phases) != len(c.Phases) {
				t.Fatalf("%d phases; want %d", len(phases), len(c.Phases))
			}
			for i, want := range c.Phases {
				got := phases[i]
				if got.Name != want.Name || got.Epochs != want.Epochs || got.FrozenGroups != want.FrozenGroups {
					t.Errorf("phase %d = %s, %d epochs, %d frozen; want %s, %d, %d", i,
						got.Name, got.Epochs, got.FrozenGroups, want.Name, want.Epochs, want.FrozenGroups)
				}
				if got.Schedule.TotalSteps != len(want.Steps) {
					t.Fatalf("phase %d: %d steps; want %d", i, got.Schedule.TotalSteps, len(want.Steps))
				}
				for step, ws := range want.Steps {
					lrs, mom := got.Schedule.At(step)
					for k, peak := range want.LRMax {
						// fastai rounds positions to float32: allow 1e-6 of the peak.
						if !relNear(lrs[k], ws.LRs[k], peak, 1e-6) {
							t.Errorf("phase %d step %d group %d: lr = %.10g; want %.10g", i, step, k, lrs[k], ws.LRs[k])
						}
					}
					if !relNear(mom, ws.Mom, 1, 1e-6) {
						t.Errorf("phase %d step %d: beta1 = %.10g; want %.10g", i, step, mom, ws.Mom)
					}
				}
			}
		})
	}
}
