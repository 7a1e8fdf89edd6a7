package models

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

func tinyState(t *testing.T) (*SEResNeXt, map[string]torch.Tensor) {
	t.Helper()
	m, err := New(Config{Arch: "seresnext_tiny"})
	if err != nil {
		t.Fatal(err)
	}
	sd := map[string]torch.Tensor{}
	for j, e := range m.StateDict() {
		r := recipe(e.Name, j, e.Tensor.Shape())
		if len(e.Tensor.Shape()) == 0 {
			r = torch.Reshape(r)
		}
		sd[e.Name] = r
	}
	return m, sd
}

func TestLoadReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(sd map[string]torch.Tensor)
		opt    LoadOptions
		want   []string // substrings of the error; none: success
		wantIs error
	}{
		{"exact", func(map[string]torch.Tensor) {}, LoadOptions{}, nil, nil},
		{"missing", func(sd map[string]torch.Tensor) { delete(sd, "layer1.0.conv2.weight") },
			LoadOptions{}, []string{"1 missing", "layer1.0.conv2.weight"}, nil},
		{"unexpected", func(sd map[string]torch.Tensor) { sd["fc.weight"] = torch.Zeros(torch.Float32, 3, 256) },
			LoadOptions{}, []string{"1 unexpected", "fc.weight"}, nil},
		{"mis-shaped", func(sd map[string]torch.Tensor) { sd["bn1.weight"] = torch.Zeros(torch.Float32, 17) },
			LoadOptions{}, []string{"1 mis-shaped", "bn1.weight: checkpoint [17], model [16]"}, nil},
		{"non-strict tolerates missing and unexpected", func(sd map[string]torch.Tensor) {
			delete(sd, "layer1.0.conv2.weight")
			sd["fc.weight"] = torch.Zeros(torch.Float32, 3, 256)
		}, LoadOptions{NonStrict: true}, nil, nil},
		{"non-strict still refuses a wrong shape", func(sd map[string]torch.Tensor) { sd["bn1.weight"] = torch.Zeros(torch.Float32, 17) },
			LoadOptions{NonStrict: true}, []string{"mis-shaped"}, nil},
		{"old checkpoint without counters", func(sd map[string]torch.Tensor) {
			for k := range sd {
				if strings.HasSuffix(k, "num_batches_tracked") {
					delete(sd, k)
				}
			}
		}, LoadOptions{}, nil, nil},
		{"arch mismatch", func(map[string]torch.Tensor) {}, LoadOptions{Arch: "seresnext50_32x4d"},
			[]string{"seresnext50_32x4d", "seresnext_tiny", "--arch"}, ErrArchMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, sd := tinyState(t)
			c.edit(sd)
			err := Load(m, sd, c.opt)
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				got := torch.Float32s(m.Stem.BN1.Weight())
				want := torch.Float32s(recipe("bn1.weight", 13, []int64{16}))
				if got[3] != want[3] {
					t.Errorf("bn1.weight[3] = %v after Load, want %v", got[3], want[3])
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if c.wantIs != nil && !errors.Is(err, c.wantIs) {
				t.Errorf("error %v is not %v", err, c.wantIs)
			}
			var le *LoadError
			if c.wantIs == nil && !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
		})
	}
}

func TestLoadFailureCopiesNothing(t *testing.T) {
	m, sd := tinyState(t)
	before := torch.Float32s(m.Stem.BN1.Weight())
	delete(sd, "layer4.0.conv1.weight")
	if err := Load(m, sd, LoadOptions{}); err == nil {
		t.Fatal("no error")
	}
	after := torch.Float32s(m.Stem.BN1.Weight())
	for i := range before {
		if before[i] != after[i] {
			t.Fatal("a failed Load changed the model")
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	cases := []struct {
		name  string
		build func() (Layer, error)
		kind  string
	}{
		{"body", func() (Layer, error) { return New(Config{Arch: "seresnext_tiny"}) }, "encoder"},
		{"classifier", func() (Layer, error) {
			return NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
		}, "classifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := Seeded(5, c.build)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.pth")
			if err := SaveCheckpoint(path, src, nil); err != nil {
				t.Fatal(err)
			}
			dst, err := Seeded(6, c.build)
			if err != nil {
				t.Fatal(err)
			}
			meta, err := LoadCheckpoint(path, dst, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if meta == nil || meta.Kind != c.kind || meta.Arch != "seresnext_tiny" {
				t.Errorf("sidecar %+v, want kind %s arch seresnext_tiny", meta, c.kind)
			}
			se, de := src.Entries(""), dst.Entries("")
			for i := range se {
				a, b := torch.Float32s(se[i].Tensor), torch.Float32s(de[i].Tensor)
				for k := range a {
					if a[k] != b[k] {
						t.Fatalf("%s[%d] = %v after the round trip, want %v", se[i].Name, k, b[k], a[k])
					}
				}
			}
			big, err := New(Config{Arch: "seresnext26d_32x4d"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := LoadCheckpoint(path, big, LoadOptions{}); !errors.Is(err, ErrArchMismatch) {
				t.Errorf("loading a seresnext_tiny checkpoint into seresnext26d: %v, want ErrArchMismatch", err)
			}
		})
	}
}
