package models

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

func TestParameterCounts(t *testing.T) {
	raw, err := os.ReadFile("testdata/counts.json")
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/gen_models_golden.py)", err)
	}
	var fromPyTorch map[string]struct{ Body, FC1000 int64 }
	if err := json.Unmarshal(raw, &fromPyTorch); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		arch    string
		classes int64
		want    int64
	}{
		// timm's published counts for seresnext50_32x4d.
		{"seresnext50 with fc (timm)", "seresnext50_32x4d", 1000, 27_559_896},
		{"seresnext50 body (timm)", "seresnext50_32x4d", 0, 25_510_896},
	}
	for _, arch := range Archs() {
		c, ok := fromPyTorch[arch]
		if !ok {
			t.Errorf("counts.json has no %s", arch)
			continue
		}
		cases = append(cases,
			struct {
				name    string
				arch    string
				classes int64
				want    int64
			}{arch + " body (reference)", arch, 0, c.Body},
			struct {
				name    string
				arch    string
				classes int64
				want    int64
			}{arch + " with fc (reference)", arch, 1000, c.FC1000})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := withFC(t, c.arch, c.classes > 0)
			var got int64
			for _, e := range es {
				if !e.Buffer {
					got += torch.Numel(e.Tensor)
				}
			}
			if got != c.want {
				t.Errorf("CountParameters(%s, %d classes) = %d, want %d", c.arch, c.classes, got, c.want)
			}
		})
	}
}

var built = map[string]*SEResNeXt{}

// withFC returns the entries of arch with a 1000-class fc, or without the
// fc's entries: one model per arch serves both (building seresnext50 takes
// a while).
func withFC(t *testing.T, arch string, fc bool) []Entry {
	t.Helper()
	m, ok := built[arch]
	if !ok {
		var err error
		if m, err = New(Config{Arch: arch, Classes: 1000}); err != nil {
			t.Fatal(err)
		}
		built[arch] = m
	}
	es := m.StateDict()
	if fc {
		return es
	}
	var body []Entry
	for _, e := range es {
		if !strings.HasPrefix(e.Name, "fc.") {
			body = append(body, e)
		}
	}
	return body
}

// entries is a fixed list of entries posing as a Layer.
type entries []Entry

func (es entries) Forward(x torch.Tensor) torch.Tensor { return x }
func (es entries) SetTraining(bool)                    {}
func (es entries) Entries(string) []Entry              { return es }

// readKeys reads a "name shape" list written by gen_models_golden.py.
func readKeys(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/gen_models_golden.py)", err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, shape, _ := strings.Cut(sc.Text(), " ")
		out = append(out, [2]string{name, shape})
	}
	return out
}

func TestStateKeysAndShapesMatchPyTorch(t *testing.T) {
	type model struct {
		file  string
		build func() (Layer, error)
	}
	var cases []model
	for _, arch := range Archs() {
		cases = append(cases,
			model{"keys_" + arch + ".txt", func() (Layer, error) { return entries(withFC(t, arch, false)), nil }},
			model{"keys_" + arch + "_fc1000.txt", func() (Layer, error) { return entries(withFC(t, arch, true)), nil }})
	}
	cases = append(cases, model{"keys_seresnext_tiny_head4.txt", func() (Layer, error) {
		return NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
	}})
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			want := readKeys(t, "testdata/"+c.file)
			m, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			got := m.Entries("")
			if len(got) != len(want) {
				t.Errorf("%d entries, PyTorch has %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				g := [2]string{got[i].Name, shapeString(got[i].Tensor.Shape())}
				if g != want[i] {
					t.Fatalf("entry %d = %s %s, PyTorch has %s %s", i, g[0], g[1], want[i][0], want[i][1])
				}
			}
		})
	}
}

func TestMakeDivisible(t *testing.T) {
	cases := []struct {
		name     string
		channels int64
		want     int64
	}{
		{"seresnext50 layer1", 256, 16},
		{"seresnext50 layer4", 2048, 128},
		{"rounds half up", 200, 16}, // 12.5 -> 16
		{"rounds down", 184, 8},     // 11.5 -> 8
		{"never below the divisor", 32, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DefaultSEConfig().ReducedChannels(c.channels); got != c.want {
				t.Errorf("ReducedChannels(%d) = %d, want %d", c.channels, got, c.want)
			}
		})
	}
}

func TestLookupVariantNamesTheKnownArchs(t *testing.T) {
	_, err := LookupVariant("resnet50")
	if err == nil {
		t.Fatal("no error for an unknown arch")
	}
	for _, a := range Archs() {
		if !strings.Contains(err.Error(), a) {
			t.Errorf("error %q does not list %s", err, a)
		}
	}
	tiny := 0
	for _, a := range Archs() {
		if strings.Contains(a, "tiny") {
			tiny++
		}
	}
	if tiny == 0 {
		t.Error("no member's name contains \"tiny\"")
	}
}
