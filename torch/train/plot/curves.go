package plot

import (
	"fmt"
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curve is one quantity drawn for every series: the training loss in solid
// lines, the validation loss dashed, and so on.
type curve struct {
	Name   string // legend text of its line style, e.g. "train loss"
	Value  value
	Dashed bool
}

// phaseGlyphs gives each phase name a marker shape, in order of appearance.
type phaseGlyphs struct {
	names  []string
	shapes map[string]draw.GlyphDrawer
}

var glyphShapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.BoxGlyph{}, draw.RingGlyph{}, draw.SquareGlyph{}}

// newPhaseGlyphs assigns shapes to the phases of ss.
func newPhaseGlyphs(ss []series) *phaseGlyphs {
	g := &phaseGlyphs{shapes: map[string]draw.GlyphDrawer{}}
	for _, s := range ss {
		for _, sp := range s.phases() {
			if _, ok := g.shapes[sp.Name]; !ok {
				g.shapes[sp.Name] = glyphShapes[len(g.names)%len(glyphShapes)]
				g.names = append(g.names, sp.Name)
			}
		}
	}
	return g
}

// style is the marker of a record of phase name in colour col.
func (g *phaseGlyphs) style(name string, col color.Color) draw.GlyphStyle {
	shape := g.shapes[name]
	if shape == nil {
		shape = draw.CircleGlyph{}
	}
	return draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: shape}
}

// addLegend lists the phases' markers, when there is more than one phase
// or the one phase has a name.
func (g *phaseGlyphs) addLegend(l *gplot.Legend) {
	if len(g.names) == 1 && g.names[0] == "" {
		return
	}
	for _, n := range g.names {
		sc := &plotter.Scatter{GlyphStyle: g.style(n, color.Black)}
		name := n
		if name == "" {
			name = "(no phase)"
		}
		l.Add("phase "+name, sc)
	}
}

// lineStyle is the style of series i's line, dashed or solid.
func lineStyle(i int, dashed bool) draw.LineStyle {
	st := draw.LineStyle{Color: seriesColor(i), Width: vg.Points(1.5)}
	if dashed {
		st.Dashes = dashes
	}
	return st
}

// addSeriesCurves draws curve c of every series on p: a line through the
// records that have the value and a marker per record shaped by its phase.
func addSeriesCurves(p *gplot.Plot, ss []series, c curve, g *phaseGlyphs) error {
	for i, s := range ss {
		xs, ys := s.points(c.Value)
		if len(xs) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(xs))
		var phases []string
		for j := range xs {
			xy[j] = plotter.XY{X: xs[j], Y: ys[j]}
		}
		for _, r := range s.Recs {
			if _, ok := c.Value(r); ok {
				phases = append(phases, r.Phase)
			}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plot: %s of %s: %w", c.Name, s.label(false), err)
		}
		line.LineStyle = lineStyle(i, c.Dashed)
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return fmt.Errorf("plot: %s of %s: %w", c.Name, s.label(false), err)
		}
		col := seriesColor(i)
		sc.GlyphStyleFunc = func(j int) draw.GlyphStyle { return g.style(phases[j], col) }
		p.Add(line, sc)
	}
	return nil
}

// curvePanel is one panel of curves over the series, with the phase
// boundaries of the first series marked and the horizontal axis from 0.
func curvePanel(title, yLabel string, ss []series, axis Axis, curves []curve, g *phaseGlyphs) (*gplot.Plot, error) {
	p := newPanel(title, xLabel(axis), yLabel)
	for _, c := range curves {
		if err := addSeriesCurves(p, ss, c, g); err != nil {
			return nil, err
		}
	}
	if len(ss) > 0 {
		p.Add(phaseMarks{spans: ss[0].phases()})
	}
	p.X.Min = 0
	p.X.Tick.Marker = intTicks
	return p, nil
}

// seriesLegend lists the series' colours, then the curves' line styles when
// there are several, then the phases' markers.
func seriesLegend(ss []series, curves []curve, g *phaseGlyphs) *gplot.Legend {
	l := newLegend()
	many := manyStages(ss)
	for i, s := range ss {
		l.Add(s.label(many), &plotter.Line{LineStyle: lineStyle(i, false)})
	}
	if len(curves) > 1 {
		for _, c := range curves {
			st := lineStyle(0, c.Dashed)
			st.Color = color.Black
			l.Add(c.Name, &plotter.Line{LineStyle: st})
		}
	}
	g.addLegend(l)
	return l
}

// phaseMarks draws a dashed vertical line where each phase after the first
// begins and writes each phase's name at the top of its span.
type phaseMarks struct{ spans []phaseSpan }

// Plot implements gonum/plot's Plotter.
func (m phaseMarks) Plot(c draw.Canvas, plt *gplot.Plot) {
	if len(m.spans) < 2 && (len(m.spans) == 0 || m.spans[0].Name == "") {
		return
	}
	trX, _ := plt.Transforms(&c)
	line := draw.LineStyle{Color: grey, Width: vg.Points(1), Dashes: dashes}
	sty := plt.Title.TextStyle
	sty.Font = font.From(gplot.DefaultFont, 10)
	sty.Color = color.RGBA{0x55, 0x55, 0x55, 0xFF}
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	for i, sp := range m.spans {
		x := trX(sp.Start)
		if i > 0 {
			c.StrokeLine2(line, x, c.Min.Y, x, c.Max.Y)
		}
		c.FillText(sty, vg.Point{X: x + vg.Points(3), Y: c.Max.Y - vg.Points(2)}, sp.Name)
	}
}

// lossFigure is loss.png: training loss (solid) and validation loss
// (dashed) of every fold.
func lossFigure(title string, ss []series, axis Axis) (figure, error) {
	curves := []curve{{Name: "train loss", Value: trainLoss}, {Name: "valid loss", Value: validLoss, Dashed: true}}
	curves = present(ss, curves)
	g := newPhaseGlyphs(ss)
	p, err := curvePanel(title+": loss", "loss", ss, axis, curves, g)
	if err != nil {
		return figure{}, err
	}
	return figure{panels: []*gplot.Plot{p}, legend: seriesLegend(ss, curves, g)}, nil
}

// metricsFigure is metrics.png: validation accuracy and mean ROC AUC of
// every fold, one panel each (a panel only for a metric the run logged).
func metricsFigure(title string, ss []series, axis Axis) (figure, error) {
	g := newPhaseGlyphs(ss)
	var panels []*gplot.Plot
	for _, m := range present(ss, []curve{{Name: "accuracy", Value: accuracy}, {Name: "ROC AUC", Value: rocAUC}}) {
		yLabel := "validation accuracy"
		if m.Name == "ROC AUC" {
			yLabel = "validation mean ROC AUC"
		}
		p, err := curvePanel(title+": "+m.Name, yLabel, ss, axis, []curve{m}, g)
		if err != nil {
			return figure{}, err
		}
		panels = append(panels, p)
	}
	return figure{panels: panels, legend: seriesLegend(ss, nil, g)}, nil
}

// present keeps the curves that some record has.
func present(ss []series, curves []curve) []curve {
	var out []curve
	for _, c := range curves {
		if has(ss, c.Value) {
			out = append(out, c)
		}
	}
	return out
}
