package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch/models"
)

// tinyEncoderFile saves a seeded tiny body as name in a temp directory.
func tinyEncoderFile(t *testing.T, name string) string {
	t.Helper()
	enc, err := models.Seeded(9, func() (*models.SEResNeXt, error) { return models.New(models.Config{Arch: "seresnext_tiny"}) })
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := models.SaveEncoder(path, enc, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEvalPrintsTheFigureLast(t *testing.T) {
	data := sslDataset(t)
	st := tinyEncoderFile(t, "enc.safetensors")
	random := []string{"--encoder", "random", "--arch", "seresnext_tiny"}
	tests := []struct {
		name string
		args []string
		want string // regexp of the last line
	}{
		{"knn, random init", append([]string{"eval", "knn", "--data", data, "--size", "32"}, random...), `^knn_accuracy (0|1)\.\d{4}$`},
		{"knn, safetensors body, k 3, 4 folds", []string{"eval", "knn", "--data", data, "--encoder", st, "--k", "3", "--folds", "4", "--size", "32"}, `^knn_accuracy (0|1)\.\d{4}$`},
		{"linear, random init, concat pool", append([]string{"eval", "linear", "--data", data, "--size", "32", "--pool", "concat", "--steps", "50"}, random...), `^linear_accuracy (0|1)\.\d{4}$`},
		{"knn, truth.csv labels", append([]string{"eval", "knn", "--data", data, "--size", "32", "--labels", filepath.Join(data, "truth.csv")}, random...), `^knn_accuracy (0|1)\.\d{4}$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if got := lastLine(stdout); !regexp.MustCompile(tc.want).MatchString(got) {
				t.Errorf("last line %q does not match %s", got, tc.want)
			}
		})
	}
}

func TestEvalJSON(t *testing.T) {
	data := sslDataset(t)
	stdout, _, err := runCLI(t, "eval", "knn", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--size", "32", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Metric string    `json:"metric"`
		Value  *float64  `json:"value"`
		Folds  []float64 `json:"fold_values"`
		Images int       `json:"images"`
		Dim    int       `json:"dim"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if got.Metric != "knn_accuracy" || got.Value == nil || len(got.Folds) != 5 || got.Images != 16 || got.Dim != 256 {
		t.Errorf("got %+v, want knn_accuracy over 5 folds of 16 images, 256 features", got)
	}
}

func TestEmbedWritesOneRowPerImage(t *testing.T) {
	data := sslDataset(t)
	st := tinyEncoderFile(t, "enc.pth")
	tests := []struct {
		name       string
		args       []string
		rows, cols int
	}{
		{"all images, avg pool", []string{"--encoder", st, "--size", "32"}, 20, 1 + 256},
		{"train, concat pool", []string{"--encoder", st, "--size", "32", "--split", "train", "--pool", "concat"}, 16, 1 + 512},
		{"test, random init", []string{"--encoder", "random", "--arch", "seresnext_tiny", "--split", "test", "--size", "32"}, 4, 1 + 256},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "emb.csv")
			stdout, stderr, err := runCLI(t, append([]string{"embed", "--data", data, "--out", out}, tc.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tc.rows+1 || len(recs[0]) != tc.cols || recs[0][0] != "image_id" || recs[0][1] != "f0" {
				t.Errorf("%d lines of %d columns (header %v), want %d rows of %d columns after image_id,f0,...",
					len(recs), len(recs[0]), recs[0][:2], tc.rows, tc.cols)
			}
			if !strings.HasPrefix(lastLine(stdout), "wrote "+out) {
				t.Errorf("last line %q", lastLine(stdout))
			}
		})
	}
}

func TestEvalAndEmbedErrors(t *testing.T) {
	data := sslDataset(t)
	badLabels := filepath.Join(t.TempDir(), "labels.csv")
	if err := os.WriteFile(badLabels, []byte("image_id,healthy,multiple_diseases,rust,scab\nNope_1,1,0,0,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	emb := filepath.Join(t.TempDir(), "emb.csv")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"knn without encoder", []string{"eval", "knn", "--data", data}, 2, "--encoder and --data are required"},
		{"random without arch", []string{"eval", "knn", "--data", data, "--encoder", "random"}, 2, "needs --arch"},
		{"missing encoder", []string{"eval", "linear", "--data", data, "--encoder", filepath.Join(data, "nope.pth")}, 1, "does not exist"},
		{"dataset as encoder", []string{"eval", "knn", "--data", data, "--encoder", data}, 1, "holds no encoder.pth"},
		{"bad pool", []string{"eval", "knn", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--pool", "sum"}, 2, "--pool"},
		{"one fold", []string{"eval", "knn", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--folds", "1"}, 2, "--folds"},
		{"zero k", []string{"eval", "knn", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--k", "0"}, 2, "--k"},
		{"unknown image in labels", []string{"eval", "knn", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--labels", badLabels}, 1, "not in the dataset"},
		{"embed without out", []string{"embed", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny"}, 2, "--out FILE is required"},
		{"embed bad split", []string{"embed", "--data", data, "--encoder", "random", "--arch", "seresnext_tiny", "--out", emb, "--split", "valid"}, 2, "--split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := exitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d (%v)", got, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestEvalHelp(t *testing.T) {
	for _, args := range [][]string{{"eval", "knn", "--help"}, {"eval", "linear", "--help"}, {"embed", "--help"}} {
		out, _, err := runCLI(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"--encoder", "--data", "--size", "PPCTL_ENCODER", "random"} {
			if !strings.Contains(out, w) {
				t.Errorf("%v: help does not mention %q", args, w)
			}
		}
	}
}
