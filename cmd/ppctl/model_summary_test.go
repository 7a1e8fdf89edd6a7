package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestModelSummary(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		want     []string // substrings of stdout
		wantCode int
	}{
		{"table", []string{"model", "summary", "--arch", "seresnext_tiny", "--size", "64"},
			[]string{"seresnext_tiny, input [1, 3, 64, 64]", "layer4.0", "[1, 256, 2, 2]", "182,696"}, 0},
		{"with head", []string{"model", "summary", "--arch", "seresnext_tiny", "--size", "64", "--classes", "4"},
			[]string{"head.8", "Linear", "[1, 4]", "266,240"}, 0},
		{"unknown arch", []string{"model", "summary", "--arch", "resnet50"}, nil, 2},
		{"too small", []string{"model", "summary", "--arch", "seresnext_tiny", "--size", "16"}, nil, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runCLI(t, c.args...)
			if c.wantCode != 0 {
				if err == nil || exitCode(err) != c.wantCode {
					t.Fatalf("err %v (exit %d), want exit %d", err, exitCode(err), c.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestModelSummaryJSON(t *testing.T) {
	out, _, err := runCLI(t, "model", "summary", "--arch", "seresnext_tiny", "--size", "32", "--classes", "3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Arch       string
		BodyParams int64 `json:"body_params"`
		HeadParams int64 `json:"head_params"`
		Params     int64
		Layers     []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if s.Arch != "seresnext_tiny" || s.BodyParams != 182696 || s.Params != s.BodyParams+s.HeadParams || len(s.Layers) == 0 {
		t.Errorf("summary %+v", s)
	}
}

func TestModelHelpListsTheArchs(t *testing.T) {
	for _, sub := range []string{"summary", "init"} {
		out, _, err := runCLI(t, "model", sub, "--help")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"seresnext50_32x4d", "seresnext26d_32x4d", "seresnext26t_32x4d", "seresnext_tiny"} {
			if !strings.Contains(out, a) {
				t.Errorf("model %s --help lacks %s", sub, a)
			}
		}
	}
}
