package plot

import (
	"math"
	"slices"
	"testing"

	"github.com/ppctl/ppctl/torch/train"
)

// rec is a record of fold f (nil when f < 0), phase ph, epoch e, step s
// (none when s < 0) and training loss l.
func rec(stage string, f int, ph string, e, s int, l float64) train.Record {
	r := train.Record{Stage: stage, Phase: ph, Epoch: new(e), TrainLoss: new(l)}
	if f >= 0 {
		r.Fold = new(f)
	}
	if s >= 0 {
		r.Step = new(s)
	}
	return r
}

func TestSplitSeries(t *testing.T) {
	interleaved := []train.Record{
		rec("finetune", 1, "freeze", 0, 5, 1), rec("finetune", 0, "freeze", 0, 5, 2),
		rec("finetune", 1, "unfreeze", 0, 10, 3), rec("finetune", 0, "unfreeze", 0, 10, 4),
		{Stage: "finetune", Phase: "eval", Epoch: new(0), Accuracy: new(0.5)}, // an evaluation: not a curve point
		{Stage: "finetune", TrainLoss: new(9.0)},                              // no epoch: not a curve point
	}
	noSteps := []train.Record{rec("simclr", -1, "fit", 0, -1, 1), rec("simclr", -1, "fit", 1, 7, 0.5)}
	twoStages := []train.Record{rec("rotnet", -1, "fit", 0, 3, 1), rec("simclr", -1, "fit", 0, 3, 2), rec("rotnet", -1, "fit", 1, 6, 0.5)}
	resumed := []train.Record{ // killed after step 9, resumed from the checkpoint at step 6
		rec("finetune", -1, "fit", 0, 3, 4), rec("finetune", -1, "fit", 1, 6, 3), rec("finetune", -1, "fit", 2, 9, 2),
		rec("finetune", -1, "fit", 2, 9, 2.5), rec("finetune", -1, "fit", 3, 12, 1),
	}
	tests := []struct {
		name       string
		recs       []train.Record
		axis       Axis
		wantAxis   Axis
		wantLabels []string
		wantX      [][]float64
		wantLoss   [][]float64
	}{
		{"folds in file order are sorted", interleaved, AxisAuto, AxisStep,
			[]string{"fold 0", "fold 1"}, [][]float64{{5, 10}, {5, 10}}, [][]float64{{2, 4}, {1, 3}}},
		{"epochs asked for", interleaved, AxisEpoch, AxisEpoch,
			[]string{"fold 0", "fold 1"}, [][]float64{{1, 2}, {1, 2}}, [][]float64{{2, 4}, {1, 3}}},
		{"a record without a step means epochs", noSteps, AxisAuto, AxisEpoch,
			[]string{"simclr"}, [][]float64{{1, 2}}, [][]float64{{1, 0.5}}},
		{"steps asked for but missing count records", noSteps, AxisStep, AxisStep,
			[]string{"simclr"}, [][]float64{{1, 7}}, [][]float64{{1, 0.5}}},
		{"a resumed run's redone epochs replace the first attempt", resumed, AxisAuto, AxisStep,
			[]string{"finetune"}, [][]float64{{3, 6, 9, 12}}, [][]float64{{4, 3, 2.5, 1}}},
		{"stages apart", twoStages, AxisAuto, AxisStep,
			[]string{"rotnet", "simclr"}, [][]float64{{3, 6}, {3}}, [][]float64{{1, 0.5}, {2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss, axis := splitSeries(tc.recs, tc.axis)
			if axis != tc.wantAxis {
				t.Errorf("axis = %v, want %v", axis, tc.wantAxis)
			}
			var labels []string
			for _, s := range ss {
				labels = append(labels, s.label(manyStages(ss)))
			}
			if !slices.Equal(labels, tc.wantLabels) {
				t.Fatalf("series = %v, want %v", labels, tc.wantLabels)
			}
			for i, s := range ss {
				xs, ys := s.points(trainLoss)
				if !slices.Equal(xs, tc.wantX[i]) || !slices.Equal(ys, tc.wantLoss[i]) {
					t.Errorf("%s: points x=%v loss=%v, want x=%v loss=%v", labels[i], xs, ys, tc.wantX[i], tc.wantLoss[i])
				}
			}
		})
	}
}

func TestPhases(t *testing.T) {
	recs := []train.Record{
		rec("", 0, "freeze", 0, 4, 1), rec("", 0, "unfreeze", 0, 8, 1),
		rec("", 0, "unfreeze", 1, 12, 1), rec("", 0, "unfreeze", 2, 16, 1),
	}
	ss, _ := splitSeries(recs, AxisStep)
	got := ss[0].phases()
	want := []phaseSpan{{"freeze", 0, 4}, {"unfreeze", 4, 16}}
	if !slices.Equal(got, want) {
		t.Errorf("phases = %v, want %v", got, want)
	}
}

// TestScheduleOfMatchesRecords checks that the per-step schedule passes
// through the rate train.Fit logs at each epoch end: At((e+1)*steps) of the
// epoch's phase, at the record's step.
func TestScheduleOfMatchesRecords(t *testing.T) {
	const steps = 7
	ft := train.DefaultFineTune()
	ft.Epochs, ft.FreezeEpochs = 3, 2
	phases, err := ft.Phases(2, steps)
	if err != nil {
		t.Fatal(err)
	}
	sched := ScheduleOf(phases)
	if want := (2+3)*steps + 2; len(sched) != want {
		t.Fatalf("%d points, want %d (one per step plus each phase's end)", len(sched), want)
	}
	at := map[int][]float64{}
	for _, p := range sched {
		at[p.Step] = append(at[p.Step], p.LR)
	}
	for _, r := range synthRecordsPlan(phases, steps) {
		if !slices.Contains(at[*r.Step], *r.LR) {
			t.Errorf("step %d (%s epoch %d): record lr %g not among the schedule's %v", *r.Step, r.Phase, *r.Epoch, *r.LR, at[*r.Step])
		}
	}
}

// synthRecordsPlan is the step and lr of every epoch record train.Fit
// writes for phases (loop_step.go: lr = At(min((epoch+1)*steps, total))).
func synthRecordsPlan(phases []train.Phase, steps int) []train.Record {
	var recs []train.Record
	done := 0
	for _, ph := range phases {
		for e := range ph.Epochs {
			done += steps
			lrs, _ := ph.Schedule.At(min((e+1)*steps, ph.Schedule.TotalSteps))
			recs = append(recs, train.Record{Phase: ph.Name, Epoch: new(e), Step: new(done), LR: new(lrs[len(lrs)-1])})
		}
	}
	return recs
}

func TestScheduleRoundTrip(t *testing.T) {
	pts := []SchedulePoint{{0, 1e-4}, {1, 2.5e-4}, {2, 1.0 / 3}}
	path := t.TempDir() + "/" + ScheduleFile
	if err := WriteSchedule(path, pts); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSchedule(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, pts) {
		t.Errorf("read back %v, want %v", got, pts)
	}
}

func TestInterpolate(t *testing.T) {
	xs, ys := []float64{0, 10, 20, 20, 30}, []float64{0, 1, 2, 2, 4}
	tests := []struct{ x, want float64 }{{0, 0}, {5, 0.5}, {10, 1}, {15, 1.5}, {25, 3}, {30, 4}, {40, 6}}
	for _, tc := range tests {
		if got := interpolate(xs, ys, tc.x); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("interpolate(%g) = %g, want %g", tc.x, got, tc.want)
		}
	}
}

func TestParseAxis(t *testing.T) {
	for _, a := range []Axis{AxisAuto, AxisStep, AxisEpoch} {
		got, err := ParseAxis(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAxis(%q) = %v, %v; want %v", a.String(), got, err, a)
		}
	}
	if _, err := ParseAxis("time"); err == nil {
		t.Error(`ParseAxis("time") succeeded`)
	}
}
