package plot

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// testClasses are the four Plant Pathology classes.
var testClasses = []string{"healthy", "multiple_diseases", "rust", "scab"}

// synthRecords returns the records of a k-fold fine_tune: per fold one
// frozen epoch then unfrozen ones, stepsPerEpoch batches each, losses
// falling and metrics rising, each fold a little apart. The learning rate
// is the schedule's at each epoch end, as train.Fit logs it.
func synthRecords(t *testing.T, stage string, folds, epochs, stepsPerEpoch int, offset float64) []train.Record {
	t.Helper()
	ft := train.DefaultFineTune()
	ft.Epochs = epochs - 1
	phases, err := ft.Phases(2, stepsPerEpoch)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var recs []train.Record
	for f := range folds {
		step, e := 0, 0
		for _, ph := range phases {
			for epoch := range ph.Epochs {
				step += stepsPerEpoch
				e++
				lrs, _ := ph.Schedule.At(min((epoch+1)*stepsPerEpoch, ph.Schedule.TotalSteps))
				x := float64(e)
				r := train.Record{
					Time: start.Add(time.Duration(len(recs)) * time.Second), Stage: stage, Phase: ph.Name,
					Epoch: new(epoch), Step: new(step), LR: new(lrs[len(lrs)-1]),
					TrainLoss: new(offset + 1.2*math.Exp(-x/2) + 0.03*float64(f)),
					ValidLoss: new(offset + 1.3*math.Exp(-x/3) + 0.05*float64(f) + 0.1),
					Accuracy:  new(min(0.4+0.1*x-0.02*float64(f)-offset/4, 1)),
					ROCAUC:    new(min(0.6+0.07*x-0.01*float64(f)-offset/8, 1)),
					ImgPerS:   new(50.0),
				}
				if folds > 1 {
					r.Fold = new(f)
				}
				recs = append(recs, r)
			}
		}
	}
	return recs
}

// writeRun writes a run directory with a manifest and the records.
func writeRun(t *testing.T, dir, stage string, recs []train.Record) {
	t.Helper()
	run, err := train.OpenRun(dir, train.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.WriteManifest(train.Manifest{Stage: stage, Config: map[string]int{"epochs": 5}, Device: "cpu", Precision: "fp32"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := run.Log(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Close(nil); err != nil {
		t.Fatal(err)
	}
}

// synthPseudoLabels returns perRow images per (given, predicted) pair with
// count[given][pred] images each; the probabilities put 0.7 on the
// prediction and share the rest.
func synthPseudoLabels(counts [][]int) *dataset.PseudoLabels {
	pl := &dataset.PseudoLabels{Classes: testClasses}
	n := len(testClasses)
	id := 0
	for given, row := range counts {
		for pred, k := range row {
			for j := range k {
				probs := make([]float64, n)
				for c := range probs {
					probs[c] = 0.3 / float64(n-1)
				}
				// vary the confidence so that the ROC curves have many points
				probs[pred] = 0.55 + 0.4*float64(j)/float64(max(k, 1))
				rest := (1 - probs[pred]) / float64(n-1)
				for c := range probs {
					if c != pred {
						probs[c] = rest
					}
				}
				pl.Rows = append(pl.Rows, dataset.PseudoLabel{ID: "Train_" + strconv.Itoa(id), Label: given, Pred: pred, Probs: probs})
				id++
			}
		}
	}
	return pl
}

// testCounts is a confusion matrix with distinct counts in every row.
var testCounts = [][]int{
	{12, 1, 2, 0},
	{2, 5, 3, 1},
	{0, 1, 14, 3},
	{1, 0, 4, 11},
}

// decodePNG reads a PNG file.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// distinctColors counts the different colours of img.
func distinctColors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// base names the files in paths.
func base(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// outDir is a fresh directory for a test's files, or, when PPCTL_PLOT_KEEP
// names a directory, a subdirectory of it named for the test, kept so the
// pictures can be looked at.
func outDir(t *testing.T) string {
	t.Helper()
	keep := os.Getenv("PPCTL_PLOT_KEEP")
	if keep == "" {
		return t.TempDir()
	}
	dir := filepath.Join(keep, filepath.FromSlash(t.Name()))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}
