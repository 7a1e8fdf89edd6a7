package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchDataPrintsColdAndWarm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, _, err := runCLI(t, "synth", "--out", dir, "--n", "4", "--ntest", "1", "--size", "48", "--seed", "1"); err != nil {
		t.Fatalf("synth: %v", err)
	}
	t.Run("json", func(t *testing.T) {
		out, _, err := runCLI(t, "bench", "data", "--data", dir, "--size", "16", "--resize", "32", "--bs", "2", "--workers", "2", "--warm-epochs", "1", "--json")
		if err != nil {
			t.Fatalf("bench data: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("got %d lines, want 2:\n%s", len(lines), out)
		}
		for i, mode := range []string{"cold", "warm"} {
			var rec map[string]any
			if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
				t.Fatalf("line %d is not JSON: %v\n%s", i, err, lines[i])
			}
			for _, f := range []string{"bench", "size", "bs", "mode", "workers", "img_per_s"} {
				if _, ok := rec[f]; !ok {
					t.Errorf("line %d lacks field %q: %s", i, f, lines[i])
				}
			}
			if rec["bench"] != "data" || rec["mode"] != mode || rec["size"] != 16.0 || rec["bs"] != 2.0 || rec["workers"] != 2.0 || rec["images"] != 5.0 {
				t.Errorf("line %d: got %s, want bench data, mode %s, size 16, bs 2, workers 2, 5 images", i, lines[i], mode)
			}
			if v, _ := rec["img_per_s"].(float64); !(v > 0) {
				t.Errorf("line %d: img_per_s %v, want positive", i, rec["img_per_s"])
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		out, _, err := runCLI(t, "bench", "data", "--data", dir, "--size", "16", "--resize", "32", "--limit", "2", "--warm-epochs", "1")
		if err != nil {
			t.Fatalf("bench data: %v", err)
		}
		if !strings.Contains(out, "data cold") || !strings.Contains(out, "data warm") || !strings.Contains(out, "2 images") {
			t.Errorf("output lacks the cold and warm lines for 2 images:\n%s", out)
		}
	})
}

func TestBenchDataRejectsBadFlags(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no data", nil, 2, "--data is required"},
		{"zero size", []string{"--data", empty, "--size", "0"}, 2, "must be positive"},
		{"negative workers", []string{"--data", empty, "--workers", "-1"}, 2, "must not be negative"},
		{"no images", []string{"--data", empty}, 1, "no .jpg or .png files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, append([]string{"bench", "data"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.code {
				t.Errorf("got %v (exit %d), want exit %d and an error containing %q", err, exitCode(err), tt.code, tt.want)
			}
		})
	}
}
