package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBenchModel(t *testing.T) {
	for _, mode := range []string{"train", "infer"} {
		t.Run(mode, func(t *testing.T) {
			out, _, err := runCLI(t, "bench", "model", "--arch", "seresnext_tiny", "--size", "32", "--bs", "2",
				"--steps", "1", "--warmup", "0", "--mode", mode, "--precision", "fp32", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var r benchModelResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("not one JSON line: %v\n%s", err, out)
			}
			if r.Bench != "model" || r.Mode != mode || r.BS != 2 || r.Precision != "fp32" || !(r.ImgPerS > 0) || !(r.StepS > 0) {
				t.Errorf("result %+v", r)
			}
		})
	}
	for _, args := range [][]string{
		{"--mode", "serve"},
		{"--arch", "resnet9000"},
		{"--size", "8"},
		{"--precision", "int8"},
	} {
		_, _, err := runCLI(t, append([]string{"bench", "model"}, args...)...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: error %v (exit %d), want a usage error", args, err, exitCode(err))
		}
		if err != nil && strings.Contains(err.Error(), "goroutine") {
			t.Errorf("%v: stack trace in %q", args, err)
		}
	}
}
