package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ppctl/ppctl/torch/train"
)

// seriesColors tell folds, classes and runs apart: the Okabe-Ito palette for
// colour-blind readers without its yellow (too pale on white), then a few
// darker extras for long lists.
var seriesColors = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x00, 0x00, 0xFF}, // black
	{0x88, 0x44, 0x00, 0xFF}, // brown
	{0x66, 0x66, 0x66, 0xFF}, // grey
}

// seriesColor is the colour of the i-th fold, class or run.
func seriesColor(i int) color.RGBA { return seriesColors[i%len(seriesColors)] }

// grey draws guides: phase boundaries, the chance diagonal.
var grey = color.RGBA{0x99, 0x99, 0x99, 0xFF}

// dashes is the dash pattern of a second line style (validation loss, the
// chance line).
var dashes = []vg.Length{vg.Points(6), vg.Points(3)}

// figure is one picture: panels side by side, sharing one legend drawn to
// their right, outside the data so it never hides a curve.
type figure struct {
	panels []*gplot.Plot
	legend *gplot.Legend // nil: no legend column
	square bool          // keep the panels' area square (a matrix, a ROC plot)
}

// newPanel returns a plot with our title, axis labels and a light grid.
func newPanel(title, xLabel, yLabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Y.Tick.Marker = valueTicks
	p.Add(newGrid())
	return p
}

// newLegend returns an empty legend in the figure's text style.
func newLegend() *gplot.Legend {
	l := gplot.NewLegend()
	l.Top, l.Left = true, true
	l.TextStyle.Font = font.From(gplot.DefaultFont, 11)
	l.Padding = vg.Points(3)
	return &l
}

// save draws f at o's size and writes it atomically to path as a PNG.
// gonum/plot panics on some degenerate inputs; that comes back as an error.
func (f figure) save(path string, o Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: draw %s: %v", path, r)
		}
	}()
	img := image.NewRGBA(image.Rect(0, 0, o.Width, o.Height))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(o.DPI))
	f.draw(draw.New(c))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	a, err := train.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(a); err != nil {
		a.Abort()
		return fmt.Errorf("plot: write %s: %w", path, err)
	}
	if err := a.Commit(); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// draw lays the panels out in one row with the legend in a column on the
// right; square panels and their legend are centred together.
func (f figure) draw(dc draw.Canvas) {
	pad := vg.Points(10)
	dc = draw.Crop(dc, pad, -pad, pad, -pad)
	legendW := vg.Length(0)
	if f.legend != nil {
		legendW = min(f.legend.Rectangle(dc).Size().X+2*pad, dc.Size().X/2)
	}
	if f.square && len(f.panels) > 0 {
		n := vg.Length(len(f.panels))
		side := min((dc.Size().X-legendW)/n, dc.Size().Y)
		extra := dc.Size().X - legendW - side*n
		dc = draw.Crop(dc, extra/2, -extra/2, 0, 0)
	}
	if f.legend != nil {
		legendC := draw.Crop(dc, dc.Size().X-legendW+2*pad, 0, 0, -vg.Points(24))
		f.legend.Draw(legendC)
		dc = draw.Crop(dc, 0, -legendW, 0, 0)
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(f.panels), PadX: vg.Points(24)}
	canvases := gplot.Align([][]*gplot.Plot{f.panels}, tiles, dc)
	for i, p := range f.panels {
		p.Draw(canvases[0][i])
	}
}

// newGrid returns light grid lines at the major ticks.
func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	light := color.RGBA{0xE0, 0xE0, 0xE0, 0xFF}
	g.Vertical.Color, g.Horizontal.Color = light, light
	return g
}

// intTicks marks whole numbers (steps, epochs) at a 1, 2 or 5 times a power
// of ten spacing, at most about eight labels, with minor ticks between.
var intTicks = gplot.TickerFunc(func(lo, hi float64) []gplot.Tick {
	span := hi - lo
	step := 1.0
	for span/step > 8 {
		switch s := step / math.Pow(10, math.Floor(math.Log10(step))); s {
		case 1:
			step *= 2
		case 2:
			step *= 2.5
		default:
			step *= 2
		}
	}
	var ticks []gplot.Tick
	minor := step / 5
	if step < 5 {
		minor = 0
	}
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, gplot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
		for k := 1; minor > 0 && k < 5 && v+float64(k)*minor <= hi; k++ {
			ticks = append(ticks, gplot.Tick{Value: v + float64(k)*minor})
		}
	}
	return ticks
})

// valueTicks are gonum/plot's default ticks with labels given as many
// significant digits as it takes to tell them apart (its own labels can
// repeat, "2.2 2.2 2.3", on a narrow range).
var valueTicks = gplot.TickerFunc(func(lo, hi float64) []gplot.Tick {
	ticks := gplot.DefaultTicks{}.Ticks(lo, hi)
	for digits := 1; digits <= 12; digits++ {
		seen := map[string]bool{}
		distinct := true
		for i, t := range ticks {
			if t.Label == "" {
				continue
			}
			ticks[i].Label = strconv.FormatFloat(t.Value, 'g', digits, 64)
			distinct = distinct && !seen[ticks[i].Label]
			seen[ticks[i].Label] = true
		}
		if distinct {
			break
		}
	}
	return ticks
})
