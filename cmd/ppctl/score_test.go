package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScoreCommand(t *testing.T) {
	dir := t.TempDir()
	truth := filepath.Join(dir, "truth.csv")
	pred := filepath.Join(dir, "pred.csv")
	// Two of three right (c is given rust's highest score); every class
	// ranks its positives first, so each ROC AUC is 1.
	os.WriteFile(truth, []byte("image_id,healthy,rust\na,1,0\nb,0,1\nc,0,1\n"), 0o644)
	os.WriteFile(pred, []byte("image_id,rust,healthy\nc,0.9,0.1\nb,0.4,0.6\na,0.3,0.7\n"), 0o644)

	out, _, err := runCLI(t, "score", "--truth", truth, "--pred", pred)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"images 3", "accuracy 0.6667", "mean ROC AUC 1.0000", "ROC AUC healthy 1.0000", "ROC AUC rust 1.0000"}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("table has %d lines; want %d:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		if got := strings.Join(strings.Fields(l), " "); got != want[i] {
			t.Errorf("line %d = %q; want %q", i, got, want[i])
		}
	}

	out, _, err = runCLI(t, "score", "--truth", truth, "--pred", pred, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Images   int       `json:"images"`
		Accuracy float64   `json:"accuracy"`
		Mean     float64   `json:"mean_roc_auc"`
		PerClass []float64 `json:"roc_auc"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Images != 3 || got.Mean != 1 || len(got.PerClass) != 2 || got.Accuracy < 0.66 || got.Accuracy > 0.67 {
		t.Errorf("--json = %s (%v); want 3 images, accuracy 2/3, mean 1", out, err)
	}

	t.Run("errors", func(t *testing.T) {
		other := filepath.Join(dir, "other.csv")
		os.WriteFile(other, []byte("image_id,healthy,rust\na,0.5,0.5\nz,0.5,0.5\n"), 0o644)
		tests := []struct {
			name string
			args []string
			want string
			code int
		}{
			{"no files", []string{"score"}, "--truth FILE and --pred FILE are both required", 2},
			{"mismatched ids", []string{"score", "--truth", truth, "--pred", other}, "2 images of the truth have no prediction (b, c)", 1},
			{"missing file", []string{"score", "--truth", truth, "--pred", filepath.Join(dir, "none.csv")}, "none.csv", 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := runCLI(t, tt.args...)
				if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.code {
					t.Errorf("error = %v (exit %d); want exit %d mentioning %q", err, exitCode(err), tt.code, tt.want)
				}
			})
		}
	})
}
