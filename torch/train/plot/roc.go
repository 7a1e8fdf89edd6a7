package plot

import (
	"errors"
	"fmt"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ppctl/ppctl/torch/train"
)

// ROC writes the one-vs-rest ROC curve of every class of s to path as a PNG,
// each class's AUC in the legend and the mean over the classes in the title
// (the competition metric). A class without positive or without negative
// samples has no curve; the legend says so.
func ROC(path string, s *Scores, o Options) error {
	o, err := o.filled()
	if err != nil {
		return err
	}
	f, err := rocFigure(s)
	if err != nil {
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	return f.save(path, o)
}

// classROC is the ROC curve and AUC of one class, or why it has none.
type classROC struct {
	Curve train.ROC
	AUC   float64
	Err   error // a *train.OneClassError when the class is all or nothing
}

// classROCs computes every class's one-vs-rest curve from s.
func classROCs(s *Scores) ([]classROC, error) {
	n := len(s.Classes)
	if n == 0 || len(s.Probs) != s.Len()*n {
		return nil, fmt.Errorf("%d probabilities for %d images of %d classes", len(s.Probs), s.Len(), n)
	}
	col := make([]float32, s.Len())
	pos := make([]bool, s.Len())
	out := make([]classROC, n)
	for c := range out {
		for i := range col {
			col[i] = s.Probs[i*n+c]
			pos[i] = s.Labels[i] == c
		}
		curve, err := train.ROCCurve(col, pos)
		var one *train.OneClassError
		if errors.As(err, &one) {
			out[c].Err = err
			continue
		}
		if err != nil {
			return nil, err
		}
		auc, err := train.BinaryROCAUC(col, pos)
		if err != nil {
			return nil, err
		}
		out[c] = classROC{Curve: curve, AUC: auc}
	}
	return out, nil
}

// rocFigure draws the curves of s with the chance diagonal.
func rocFigure(s *Scores) (figure, error) {
	rocs, err := classROCs(s)
	if err != nil {
		return figure{}, err
	}
	p := newPanel("", "false positive rate", "true positive rate")
	l := newLegend()
	var sum float64
	var defined int
	for c, r := range rocs {
		if r.Err != nil {
			l.Add(fmt.Sprintf("%s (no AUC: all or no images are this class)", s.Classes[c]))
			continue
		}
		xy := make(plotter.XYs, len(r.Curve.FPR))
		for i := range xy {
			xy[i] = plotter.XY{X: r.Curve.FPR[i], Y: r.Curve.TPR[i]}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return figure{}, fmt.Errorf("ROC curve of %s: %w", s.Classes[c], err)
		}
		line.LineStyle = draw.LineStyle{Color: seriesColor(c), Width: vg.Points(2)}
		p.Add(line)
		l.Add(fmt.Sprintf("%s (AUC %.3f)", s.Classes[c], r.AUC), line)
		sum += r.AUC
		defined++
	}
	chance, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return figure{}, err
	}
	chance.LineStyle = draw.LineStyle{Color: grey, Width: vg.Points(1), Dashes: dashes}
	p.Add(chance)
	l.Add("chance (AUC 0.5)", chance)
	mean := "undefined"
	if defined == len(rocs) {
		mean = fmt.Sprintf("%.3f", sum/float64(defined))
	}
	p.Title.Text = fmt.Sprintf("ROC curves: %s\n%d images, mean AUC %s", s.Source, s.Len(), mean)
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	return figure{panels: []*gplot.Plot{p}, legend: l, square: true}, nil
}
