package plot

import (
	"fmt"
	"strings"
)

// Axis says what the horizontal axis of a training curve counts.
type Axis int

// The horizontal axes of training curves.
const (
	// AxisAuto counts training steps when every epoch record of the run has
	// one, cumulative epochs otherwise.
	AxisAuto Axis = iota
	// AxisStep counts training batches since the stage (or fold) began, the
	// records' step field.
	AxisStep
	// AxisEpoch counts epochs since the stage (or fold) began, over all its
	// phases: the first epoch ends at 1.
	AxisEpoch
)

// String is the axis's name as ParseAxis reads it.
func (a Axis) String() string {
	switch a {
	case AxisAuto:
		return "auto"
	case AxisStep:
		return "step"
	case AxisEpoch:
		return "epoch"
	}
	return fmt.Sprintf("Axis(%d)", int(a))
}

// ParseAxis reads "auto", "step" or "epoch".
func ParseAxis(s string) (Axis, error) {
	for _, a := range []Axis{AxisAuto, AxisStep, AxisEpoch} {
		if strings.EqualFold(s, a.String()) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("plot: x axis %q: choose auto, step or epoch", s)
}

// Options say how the pictures look and where Run and Compare write them.
type Options struct {
	// Out is the directory the PNG files go to. Default (""): Run writes
	// into the run directory it reads, Compare into the runs' common parent
	// directory. It is created when missing.
	Out string
	// Name labels the run in titles. Default (""): the run directory's base
	// name. Compare ignores it and names each run by its directory.
	Name string
	// Width and Height are the size of every picture in pixels. Default
	// 1000 x 600; zero means the default. Each must be 200 to 8000.
	Width, Height int
	// DPI is the resolution that turns the fonts' point sizes into pixels.
	// Default 96; zero means the default. Larger values make the text
	// larger in a picture of the same size.
	DPI int
	// X is what the horizontal axis of the training curves counts. Default
	// AxisAuto.
	X Axis
}

// DefaultOptions returns 1000 x 600 pixel pictures at 96 DPI, curves against
// training steps where the records have them, written into each run.
func DefaultOptions() Options {
	return Options{Width: 1000, Height: 600, DPI: 96, X: AxisAuto}
}

// filled returns o with zero fields set to their defaults, or an error
// naming a field out of range.
func (o Options) filled() (Options, error) {
	def := DefaultOptions()
	if o.Width == 0 {
		o.Width = def.Width
	}
	if o.Height == 0 {
		o.Height = def.Height
	}
	if o.DPI == 0 {
		o.DPI = def.DPI
	}
	switch {
	case o.Width < 200 || o.Width > 8000 || o.Height < 200 || o.Height > 8000:
		return o, fmt.Errorf("plot: picture size %dx%d pixels: choose 200 to 8000 for each side", o.Width, o.Height)
	case o.DPI < 24 || o.DPI > 1200:
		return o, fmt.Errorf("plot: %d DPI: choose 24 to 1200 (default 96)", o.DPI)
	case o.X < AxisAuto || o.X > AxisEpoch:
		return o, fmt.Errorf("plot: x axis %v: choose auto, step or epoch", o.X)
	}
	return o, nil
}

// Validate reports a field out of range, naming it, as Run would.
func (o Options) Validate() error {
	_, err := o.filled()
	return err
}
