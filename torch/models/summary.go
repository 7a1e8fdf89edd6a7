package models

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ppctl/ppctl/torch"
)

// Row is one line of a model summary: a stem, block, pooling step or head
// layer with its output shape and parameter count.
type Row struct {
	Name   string  `json:"name"`
	Type   string  `json:"type"`
	Output []int64 `json:"output"`
	Params int64   `json:"params"`
}

// Summary describes a model on one input size, as torchinfo does.
type Summary struct {
	Arch       string  `json:"arch"`
	Input      []int64 `json:"input"`
	Rows       []Row   `json:"layers"`
	BodyParams int64   `json:"body_params"`
	HeadParams int64   `json:"head_params"`
	Params     int64   `json:"params"`
}

// Summarize runs one size x size image through m (a *SEResNeXt or a
// *Classifier) in evaluation mode without autograd and records each step's
// output shape; m's mode is restored. The head is timm's fc for a body
// with classes, the fastai head for a classifier.
func Summarize(m Layer, size int64) (s Summary, err error) {
	if size < 32 {
		return s, fmt.Errorf("models: summary at %dx%d: the body downsamples by 32, use --size 32 or more", size, size)
	}
	var enc *SEResNeXt
	var head Layer
	prefix := ""
	switch v := m.(type) {
	case *SEResNeXt:
		enc = v
	case *Classifier:
		enc, head, prefix = v.Encoder, v.Head, "encoder."
	default:
		return s, fmt.Errorf("models: cannot summarize a %T", m)
	}
	was := enc.Training()
	m.SetTraining(false)
	defer m.SetTraining(was)
	s = Summary{Arch: enc.Arch(), Input: []int64{1, 3, size, size}}
	err = torch.Try(func() {
		torch.NoGrad(func() {
			x := enc.summarizeBody(&s, prefix, torch.Zeros(torch.Float32, 1, 3, size, size))
			if head != nil {
				summarizeHead(&s, head, x)
			}
		})
	})
	for _, r := range s.Rows {
		if strings.HasPrefix(r.Name, "head.") || r.Name == "fc" {
			s.HeadParams += r.Params
		} else {
			s.BodyParams += r.Params
		}
	}
	s.Params = s.BodyParams + s.HeadParams
	return s, err
}

func (m *SEResNeXt) summarizeBody(s *Summary, prefix string, x torch.Tensor) torch.Tensor {
	x = m.Stem.Forward(x) // (1, C0, H/4, W/4)
	s.Rows = append(s.Rows, Row{prefix + "stem", "Stem(" + m.Stem.Type.String() + ")", x.Shape(), CountParameters(m.Stem)})
	for i, stage := range m.Stages {
		for j, b := range stage {
			x = b.Forward(x) // (1, C, H', W')
			s.Rows = append(s.Rows, Row{fmt.Sprintf("%slayer%d.%d", prefix, i+1, j), "Bottleneck", x.Shape(), CountParameters(b)})
		}
	}
	if m.FC != nil {
		p := meanDims(x, false, 2, 3) // (1, C)
		s.Rows = append(s.Rows, Row{"global_pool", "AvgPool", p.Shape(), 0})
		y := m.FC.Forward(p) // (1, Classes)
		s.Rows = append(s.Rows, Row{"fc", "Linear", y.Shape(), CountParameters(m.FC)})
	}
	return x
}

func summarizeHead(s *Summary, head Layer, x torch.Tensor) {
	seq, ok := head.(*Sequential)
	if !ok {
		y := head.Forward(x)
		s.Rows = append(s.Rows, Row{"head", typeName(head), y.Shape(), CountParameters(head)})
		return
	}
	for i, l := range seq.Layers {
		x = l.Forward(x)
		s.Rows = append(s.Rows, Row{fmt.Sprintf("head.%d", i), typeName(l), x.Shape(), CountParameters(l)})
	}
}

func typeName(l Layer) string {
	n := fmt.Sprintf("%T", l)
	return n[strings.LastIndex(n, ".")+1:]
}

// Format writes s as a table: one row per step, then the counts.
func (s Summary) Format(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s, input %s\n", s.Arch, shapeText(s.Input))
	fmt.Fprintf(tw, "layer\ttype\toutput\t%12s\n", "params")
	for _, r := range s.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%12s\n", r.Name, r.Type, shapeText(r.Output), thousands(r.Params))
	}
	fmt.Fprintf(tw, "body\t\t\t%12s\n", thousands(s.BodyParams))
	fmt.Fprintf(tw, "head\t\t\t%12s\n", thousands(s.HeadParams))
	fmt.Fprintf(tw, "total\t\t\t%12s\n", thousands(s.Params))
	return tw.Flush()
}

func shapeText(s []int64) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// thousands writes n with comma separators, as torchinfo does.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
