package plot

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/ppctl/ppctl/torch/train"
)

// ScheduleFile is the optional per-step learning-rate schedule in a run
// directory. When present, lr.png draws it as a thin line under the
// per-epoch rates of metrics.jsonl.
const ScheduleFile = "lr_schedule.csv"

// SchedulePoint is the learning rate of the head parameter group for the
// training batch that starts after Step batches (Step counts from 0 at the
// start of the stage, as the step field of metrics.jsonl does).
type SchedulePoint struct {
	Step int
	LR   float64
}

// ScheduleOf samples the head group's learning rate at every step of the
// phases run one after another, as train.Fit runs them: one point per
// training batch, then each phase's end value at the step where it ends
// (the rate metrics.jsonl logs for its last epoch), so a jump between
// phases shows as a vertical segment.
func ScheduleOf(phases []train.Phase) []SchedulePoint {
	var pts []SchedulePoint
	offset := 0
	for _, ph := range phases {
		n := ph.Schedule.TotalSteps
		for i := 0; i <= n; i++ {
			lrs, _ := ph.Schedule.At(i)
			pts = append(pts, SchedulePoint{Step: offset + i, LR: lrs[len(lrs)-1]})
		}
		offset += n
	}
	return pts
}

// WriteSchedule writes pts atomically as a schedule file: the header
// step,lr then one row per point.
func WriteSchedule(path string, pts []SchedulePoint) error {
	var b strings.Builder
	b.WriteString("step,lr\n")
	for _, p := range pts {
		fmt.Fprintf(&b, "%d,%s\n", p.Step, strconv.FormatFloat(p.LR, 'g', -1, 64))
	}
	if err := train.WriteFileAtomic(path, []byte(b.String())); err != nil {
		return fmt.Errorf("plot: write schedule: %w", err)
	}
	return nil
}

// ReadSchedule reads a schedule file that WriteSchedule wrote. An error
// names the file and line.
func ReadSchedule(path string) ([]SchedulePoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("plot: read schedule: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if err != nil || header[0] != "step" || header[1] != "lr" {
		return nil, fmt.Errorf("plot: %s line 1: want the header step,lr (got %q, %v); rewrite it with plot.WriteSchedule", path, header, err)
	}
	var pts []SchedulePoint
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return pts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("plot: %s: %w", path, err)
		}
		step, err1 := strconv.Atoi(rec[0])
		lr, err2 := strconv.ParseFloat(rec[1], 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("plot: %s line %d: %w", path, line, err)
		}
		pts = append(pts, SchedulePoint{Step: step, LR: lr})
	}
}

// lrFigure is lr.png: the learning rate at each epoch end of every fold and,
// when given, the per-step schedule.
func lrFigure(title string, ss []series, axis Axis, sched []SchedulePoint) (figure, error) {
	g := newPhaseGlyphs(ss)
	curves := []curve{{Name: "lr at epoch end", Value: learnRate}}
	p, err := curvePanel(title+": learning rate (head group)", "learning rate", ss, axis, curves, g)
	if err != nil {
		return figure{}, err
	}
	l := seriesLegend(ss, nil, g)
	if xy := scheduleXY(sched, ss, axis); len(xy) > 0 {
		line, err := plotter.NewLine(xy)
		if err != nil {
			return figure{}, fmt.Errorf("plot: learning-rate schedule: %w", err)
		}
		line.Color = grey
		line.Width = vg.Points(1)
		p.Add(line)
		l.Add("per-step schedule", line)
	}
	return figure{panels: []*gplot.Plot{p}, legend: l}, nil
}

// scheduleXY places the schedule on axis: steps as they are, or epochs by
// interpolating the first series' (step, epoch) pairs from (0, 0). Without
// steps in the records it cannot be placed on an epoch axis and is left out.
func scheduleXY(sched []SchedulePoint, ss []series, axis Axis) plotter.XYs {
	if len(sched) == 0 {
		return nil
	}
	var xy plotter.XYs
	if axis == AxisStep {
		for _, p := range sched {
			xy = append(xy, plotter.XY{X: float64(p.Step), Y: p.LR})
		}
		return xy
	}
	if len(ss) == 0 || len(ss[0].Steps) == 0 {
		return nil
	}
	steps := append([]float64{0}, ss[0].Steps...)
	epochs := append([]float64{0}, ss[0].X...)
	for _, p := range sched {
		xy = append(xy, plotter.XY{X: interpolate(steps, epochs, float64(p.Step)), Y: p.LR})
	}
	return xy
}

// interpolate maps x through the piecewise-linear function through (xs[i],
// ys[i]) (xs ascending), extending its last segment beyond the ends.
func interpolate(xs, ys []float64, x float64) float64 {
	n := len(xs)
	if n == 1 {
		return ys[0]
	}
	i := 1
	for i < n-1 && xs[i] < x {
		i++
	}
	dx := xs[i] - xs[i-1]
	if dx == 0 {
		return ys[i]
	}
	return ys[i-1] + (x-xs[i-1])*(ys[i]-ys[i-1])/dx
}
