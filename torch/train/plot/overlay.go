package plot

import (
	"fmt"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/plotter"

	"github.com/ppctl/ppctl/torch/train"
)

// The pictures Compare writes.
const (
	CompareLossFile    = "compare_loss.png"    // training and validation loss of every run
	CompareMetricsFile = "compare_metrics.png" // validation accuracy and ROC AUC of every run
)

// RunNames names each run directory for a legend: its base name, or as many
// trailing path elements as it takes to tell the runs apart
// (runs/a/finetune and runs/b/finetune become a/finetune and b/finetune).
func RunNames(dirs []string) []string {
	names := make([]string, len(dirs))
	for depth := 1; ; depth++ {
		seen := map[string]int{}
		for i, d := range dirs {
			parts := strings.Split(filepath.ToSlash(filepath.Clean(d)), "/")
			names[i] = strings.Join(parts[max(len(parts)-depth, 0):], "/")
			seen[names[i]]++
		}
		unique := len(seen) == len(dirs)
		if unique || depth > 64 {
			return names
		}
	}
}

// commonParent is the deepest directory holding all of dirs.
func commonParent(dirs []string) string {
	var common []string
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			abs = d
		}
		parts := strings.Split(filepath.Dir(abs), string(filepath.Separator))
		if i == 0 {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	p := strings.Join(common, string(filepath.Separator))
	if p == "" {
		return string(filepath.Separator)
	}
	return p
}

// Compare overlays the runs in dirs, labelled by RunNames: compare_loss.png
// (training and validation loss) and compare_metrics.png (validation
// accuracy and ROC AUC), one colour per run with every fold of a run drawn
// in its colour. They go into o.Out, by default the runs' common parent
// directory. It returns the paths written.
func Compare(dirs []string, o Options) ([]string, error) {
	o, err := o.filled()
	if err != nil {
		return nil, err
	}
	if len(dirs) < 2 {
		return nil, fmt.Errorf("plot: compare %d runs: give at least two run directories", len(dirs))
	}
	names := RunNames(dirs)
	runs := make([][]series, len(dirs))
	axis := o.X
	if axis == AxisAuto {
		axis = AxisStep
	}
	for i, dir := range dirs {
		d, err := readRun(dir, names[i])
		if err != nil {
			return nil, err
		}
		ss, a := splitSeries(d.recs, o.X)
		if len(ss) == 0 {
			return nil, fmt.Errorf("plot: %s: no epoch records to plot; did the run finish its first epoch?",
				filepath.Join(dir, train.MetricsFile))
		}
		if a == AxisEpoch {
			axis = AxisEpoch // one run without steps puts them all on epochs
		}
		runs[i] = ss
	}
	for i := range runs {
		runs[i], _ = splitSeries(flatten(runs[i]), axis)
	}
	out := o.Out
	if out == "" {
		out = commonParent(dirs)
	}
	var written []string
	for _, fig := range []struct {
		file   string
		curves []curve
	}{
		{CompareLossFile, []curve{{Name: "train loss", Value: trainLoss}, {Name: "valid loss", Value: validLoss}}},
		{CompareMetricsFile, []curve{{Name: "validation accuracy", Value: accuracy}, {Name: "validation ROC AUC", Value: rocAUC}}},
	} {
		f, err := compareFigure(names, runs, axis, fig.curves)
		if err != nil {
			return written, fmt.Errorf("plot: %s: %w", fig.file, err)
		}
		if len(f.panels) == 0 {
			continue
		}
		path := filepath.Join(out, fig.file)
		if err := f.save(path, o); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// flatten is the records of ss in series order.
func flatten(ss []series) []train.Record {
	var recs []train.Record
	for _, s := range ss {
		recs = append(recs, s.Recs...)
	}
	return recs
}

// compareFigure has a panel per curve that some run logged; in each, run
// i's folds are drawn in colour i.
func compareFigure(names []string, runs [][]series, axis Axis, curves []curve) (figure, error) {
	var f figure
	for _, c := range curves {
		p := newPanel("", xLabel(axis), c.Name)
		any := false
		for i, ss := range runs {
			for _, s := range ss {
				xs, ys := s.points(c.Value)
				if len(xs) == 0 {
					continue
				}
				xy := make(plotter.XYs, len(xs))
				for j := range xs {
					xy[j] = plotter.XY{X: xs[j], Y: ys[j]}
				}
				line, sc, err := plotter.NewLinePoints(xy)
				if err != nil {
					return figure{}, fmt.Errorf("%s of %s %s: %w", c.Name, names[i], s.label(false), err)
				}
				line.LineStyle = lineStyle(i, false)
				sc.Color, sc.Radius = seriesColor(i), line.Width*1.5
				p.Add(line, sc)
				any = true
			}
		}
		if !any {
			continue
		}
		p.Title.Text = c.Name + " of " + strings.Join(names, " vs ")
		p.X.Min = 0
		p.X.Tick.Marker = intTicks
		f.panels = append(f.panels, p)
	}
	f.legend = newLegend()
	for i, n := range names {
		label := n
		if k := len(runs[i]); k > 1 {
			label = fmt.Sprintf("%s (%d folds)", n, k)
		}
		f.legend.Add(label, &plotter.Line{LineStyle: lineStyle(i, false)})
	}
	return f, nil
}
