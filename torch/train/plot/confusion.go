package plot

import (
	"fmt"
	"image/color"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ppctl/ppctl/torch/train"
)

// Confusion writes the confusion matrix of s to path as a PNG: rows are the
// true classes, columns the predicted ones (train.ConfusionMatrix's layout),
// each cell showing its count and its share of the row, darker for larger
// counts.
func Confusion(path string, s *Scores, o Options) error {
	o, err := o.filled()
	if err != nil {
		return err
	}
	f, _, err := confusionFigure(s)
	if err != nil {
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	return f.save(path, o)
}

// confusionFigure builds the picture and returns the cells plotter, which
// records where it drew each cell.
func confusionFigure(s *Scores) (figure, *cells, error) {
	n := len(s.Classes)
	cm, err := train.ConfusionMatrix(s.Labels, s.Pred, n)
	if err != nil {
		return figure{}, nil, err
	}
	correct := 0
	for c := range cm {
		correct += cm[c][c]
	}
	title := fmt.Sprintf("confusion matrix: %s\n%d images, accuracy %.3f", s.Source, s.Len(), float64(correct)/float64(max(s.Len(), 1)))
	p := newPanel(title, "predicted class", "true class")
	p.Title.TextStyle.Font.Size = vg.Points(12)
	cl := newCells(cm)
	p.Add(cl)
	var xt, yt []gplot.Tick
	for c, name := range s.Classes {
		label := strings.ReplaceAll(name, "_", "\n")
		xt = append(xt, gplot.Tick{Value: float64(c), Label: label})
		yt = append(yt, gplot.Tick{Value: float64(n - 1 - c), Label: label})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = gplot.ConstantTicks(xt), gplot.ConstantTicks(yt)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	return figure{panels: []*gplot.Plot{p}, square: true}, cl, nil
}

// cells draws a confusion matrix as coloured squares with their counts.
type cells struct {
	cm    [][]int
	max   int
	cmap  palette.ColorMap
	drawn [][]vg.Rectangle // drawn[t][p]: where cell (t, p) went, for tests
}

// newCells returns the plotter of cm.
func newCells(cm [][]int) *cells {
	c := &cells{cm: cm, cmap: cellMap}
	for _, row := range cm {
		for _, v := range row {
			c.max = max(c.max, v)
		}
	}
	return c
}

// cellMap runs from white through light blue to navy with luminance
// falling monotonically (moreland's luminance interpolation), so a darker
// cell always holds more images.
var cellMap = func() palette.ColorMap {
	m, err := moreland.NewLuminance([]color.Color{ // dark to light, as NewLuminance wants
		color.RGBA{0x0B, 0x2E, 0x6B, 0xFF},
		color.RGBA{0x7F, 0xB2, 0xDB, 0xFF},
		color.RGBA{0xFF, 0xFF, 0xFF, 0xFF},
	})
	if err != nil {
		panic(err) // the controls above are in order of luminance
	}
	m.SetMin(0)
	m.SetMax(1)
	return palette.Reverse(m)
}()

// color is the fill of a cell counting v: white for 0, darker as v grows
// to navy at the largest count.
func (c *cells) color(v int) color.Color {
	t := 0.0
	if c.max > 0 {
		t = float64(v) / float64(c.max)
	}
	col, err := c.cmap.At(t)
	if err != nil {
		return color.White
	}
	return col
}

// Plot implements gonum/plot's Plotter.
func (c *cells) Plot(dc draw.Canvas, plt *gplot.Plot) {
	trX, trY := plt.Transforms(&dc)
	n := len(c.cm)
	border := draw.LineStyle{Color: color.RGBA{0xCC, 0xCC, 0xCC, 0xFF}, Width: vg.Points(0.5)}
	sty := plt.Title.TextStyle
	sty.Font = font.From(gplot.DefaultFont, 11)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.drawn = make([][]vg.Rectangle, n)
	for t, row := range c.cm {
		total := 0
		for _, v := range row {
			total += v
		}
		c.drawn[t] = make([]vg.Rectangle, n)
		for p, v := range row {
			y := float64(n - 1 - t)
			r := vg.Rectangle{
				Min: vg.Point{X: trX(float64(p) - 0.5), Y: trY(y - 0.5)},
				Max: vg.Point{X: trX(float64(p) + 0.5), Y: trY(y + 0.5)},
			}
			c.drawn[t][p] = r
			fill := c.color(v)
			dc.FillPolygon(fill, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
			dc.StrokeLines(border, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
			sty.Color = color.Black
			if luminance(fill) < 0.45 {
				sty.Color = color.White
			}
			share := 0.0
			if total > 0 {
				share = 100 * float64(v) / float64(total)
			}
			dc.FillText(sty, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, fmt.Sprintf("%d\n%.0f%%", v, share))
		}
	}
}

// luminance is the relative luminance of c in [0, 1] (Rec. 709 weights on
// the gamma-encoded channels, enough to pick a readable text colour).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xFFFF
}
