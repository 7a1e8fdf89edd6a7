package plot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCompareWritesOverlays(t *testing.T) {
	tests := []struct {
		name      string
		folds     []int // folds of each run
		out       bool  // pass Options.Out
		wantFiles []string
	}{
		{"given vs soft, 3 folds", []int{3, 3}, false, []string{CompareLossFile, CompareMetricsFile}},
		{"three runs into out", []int{1, 2, 3}, true, []string{CompareLossFile, CompareMetricsFile}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := outDir(t)
			var dirs []string
			names := []string{"given", "soft", "third"}
			for i, k := range tc.folds {
				dir := filepath.Join(root, "runs", names[i])
				writeRun(t, dir, "finetune", synthRecords(t, "finetune", k, 5, 10, 0.15*float64(len(tc.folds)-1-i)))
				dirs = append(dirs, dir)
			}
			o := Options{Width: 800, Height: 450}
			wantDir := filepath.Join(root, "runs")
			if tc.out {
				o.Out = filepath.Join(root, "pictures")
				wantDir = o.Out
			}
			files, err := Compare(dirs, o)
			if err != nil {
				t.Fatalf("Compare: %v", err)
			}
			if got := base(files); !slices.Equal(got, tc.wantFiles) {
				t.Fatalf("files = %v, want %v", got, tc.wantFiles)
			}
			for _, f := range files {
				if filepath.Dir(f) != wantDir {
					t.Errorf("%s written outside %s", f, wantDir)
				}
				img := decodePNG(t, f)
				if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 450 {
					t.Errorf("%s is %dx%d, want 800x450", f, b.Dx(), b.Dy())
				}
				if n := distinctColors(img); n < 100 {
					t.Errorf("%s has %d distinct colours, want at least 100 (is it blank?)", f, n)
				}
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	root := t.TempDir()
	good := filepath.Join(root, "good")
	writeRun(t, good, "finetune", synthRecords(t, "finetune", 1, 2, 3, 0))
	bad := filepath.Join(root, "bad")
	os.MkdirAll(bad, 0o755)
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"one run", []string{good}, "at least two"},
		{"second is not a run", []string{good, bad}, filepath.Join(bad, "metrics.jsonl")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.dirs, DefaultOptions())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compare(%v): error %v, want one mentioning %q", tc.dirs, err, tc.want)
			}
		})
	}
}

func TestRunNames(t *testing.T) {
	tests := []struct {
		name string
		dirs []string
		want []string
	}{
		{"distinct bases", []string{"runs/given", "runs/soft"}, []string{"given", "soft"}},
		{"same base", []string{"runs/a/finetune", "runs/b/finetune/"}, []string{"a/finetune", "b/finetune"}},
		{"deeper clash", []string{"x/a/b/c", "y/a/b/c"}, []string{"x/a/b/c", "y/a/b/c"}},
		{"same directory twice", []string{"r", "r"}, []string{"r", "r"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RunNames(tc.dirs); !slices.Equal(got, tc.want) {
				t.Errorf("RunNames(%v) = %v, want %v", tc.dirs, got, tc.want)
			}
		})
	}
}

func TestCommonParent(t *testing.T) {
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"siblings", []string{"/w/runs/given", "/w/runs/soft"}, "/w/runs"},
		{"cousins", []string{"/w/runs/a/x", "/w/runs/b/y"}, "/w/runs"},
		{"prefix is not a parent", []string{"/w/run/a", "/w/runs/b"}, "/w"},
		{"nothing shared", []string{"/a/x", "/b/y"}, "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := commonParent(tc.dirs); got != tc.want {
				t.Errorf("commonParent(%v) = %q, want %q", tc.dirs, got, tc.want)
			}
		})
	}
}
