package models

import (
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

func TestHeadLayout(t *testing.T) {
	cases := []struct {
		name string
		cfg  HeadConfig
		want []string // names of the head's tensors without the BN buffers
	}{
		{"fastai defaults", DefaultHeadConfig(), []string{"2.weight", "2.bias", "4.weight", "6.weight", "6.bias", "8.weight"}},
		{"zero dropout leaves the layers out", HeadConfig{Dropout: []float64{0}},
			[]string{"2.weight", "2.bias", "3.weight", "5.weight", "5.bias", "6.weight"}},
		{"no hidden layer", HeadConfig{Hidden: []int64{}}, []string{"2.weight", "2.bias", "4.weight"}},
		{"two hidden layers", HeadConfig{Hidden: []int64{32, 16}, Dropout: []float64{0.1, 0.2, 0.3}},
			[]string{"2.weight", "2.bias", "4.weight", "6.weight", "6.bias", "8.weight", "10.weight", "10.bias", "12.weight"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := NewHead(8, 3, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range h.Entries("") {
				if !e.Buffer {
					got = append(got, e.Name)
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("parameters %v, want %v", got, c.want)
			}
			y := Infer(h, torch.Zeros(torch.Float32, 2, 8, 3, 3)) // (N, nf, h, w)
			if got := y.Shape(); !equal(got, []int64{2, 3}) {
				t.Errorf("output shape %v, want [2 3]", got)
			}
		})
	}
}

func TestHeadRejectsBadSettings(t *testing.T) {
	cases := []struct {
		name      string
		nf, out   int64
		cfg       HeadConfig
		wantInErr string
	}{
		{"no classes", 8, 0, DefaultHeadConfig(), "positive"},
		{"dropout count", 8, 3, HeadConfig{Dropout: []float64{0.1, 0.2, 0.3}}, "2 linear layers but 3 dropout"},
		{"dropout of one", 8, 3, HeadConfig{Dropout: []float64{1}}, "dropout in [0, 1)"},
		{"zero width", 8, 3, HeadConfig{Hidden: []int64{0}}, "widths must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewHead(c.nf, c.out, c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
				t.Errorf("NewHead(%d, %d, %+v) error %v, want one containing %q", c.nf, c.out, c.cfg, err, c.wantInErr)
			}
		})
	}
}

func TestConcatPoolIsMaxThenMean(t *testing.T) {
	// One image, two channels of 2x2.
	x := torch.FromFloat32([]float32{1, 2, 3, 6, -1, -2, -3, -6}, 1, 2, 2, 2)
	got := torch.Float32s(Flatten{}.Forward(ConcatPool{}.Forward(x)))
	want := []float32{6, -1, 3, -3} // max c0, max c1, mean c0, mean c1
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("concat pool = %v, want %v", got, want)
		}
	}
}

func TestDropoutProbabilities(t *testing.T) {
	x := recipeInput(1, 4)
	cases := []struct {
		name     string
		p        float64
		training bool
		zero     bool // all outputs zero; otherwise identical to x
	}{
		{"p=0 trains as identity", 0, true, false},
		{"eval is identity", 0.9, false, false},
		{"p=1 drops everything", 1, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDropout(c.p)
			d.SetTraining(c.training)
			got, in := torch.Float32s(d.Forward(x)), torch.Float32s(x)
			for i := range got {
				if (c.zero && got[i] != 0) || (!c.zero && got[i] != in[i]) {
					t.Fatalf("element %d = %v (input %v)", i, got[i], in[i])
				}
			}
		})
	}
}

func TestFastaiHeadInit(t *testing.T) {
	h, err := NewHead(64, 4, DefaultHeadConfig())
	if err != nil {
		t.Fatal(err)
	}
	es := map[string]Entry{}
	for _, e := range h.Entries("") {
		es[e.Name] = e
	}
	for _, n := range []string{"2.bias", "6.bias"} {
		for _, v := range torch.Float32s(es[n].Tensor) {
			if v != 1e-3 {
				t.Fatalf("%s = %v, want fastai's 1e-3", n, v)
			}
		}
	}
	// kaiming_normal_ (fan_in): std sqrt(2/128) for the first linear layer.
	w := torch.Float32s(es["4.weight"].Tensor)
	var sq float64
	for _, v := range w {
		sq += float64(v) * float64(v)
	}
	if std, want := sq/float64(len(w)), 2.0/128; std < 0.9*want || std > 1.1*want {
		t.Errorf("4.weight variance %.5f, want about 2/fan_in = %.5f", std, want)
	}
}
