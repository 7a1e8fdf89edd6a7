package ssl

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

func TestAllRotationLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		want   []int64
	}{
		{"empty", nil, []int64{}},
		{"one upright image", []int{0}, []int64{0, 1, 2, 3}},
		{"two images", []int{1, 3}, []int64{1, 3, 2, 0, 3, 1, 0, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AllRotationLabels(tc.labels); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTorchRot90TurnsLikeTheDataset: allRotations turns a batch with
// torch.Rot90 and labels it as if dataset.Rot90 had turned it further, so
// the two must turn the same way.
func TestTorchRot90TurnsLikeTheDataset(t *testing.T) {
	const n = 3
	m := dataset.NewImage(n, n)
	for i := range m.Pix {
		m.Pix[i] = uint8(7 * i)
	}
	chw := func(img *dataset.Image) []float32 {
		out := make([]float32, 3*n*n)
		dataset.ToCHW(img, out, dataset.Normalization{})
		return out
	}
	x := torch.FromFloat32(chw(m), 1, 3, n, n)
	for j := range Rotations {
		t.Run(string(rune('0'+j)), func(t *testing.T) {
			got := torch.Float32s(torch.Contiguous(torch.Rot90(x, int64(j), 2, 3)))
			if want := chw(dataset.Rot90(m, j)); !slices.Equal(got, want) {
				t.Errorf("torch.Rot90 by %d: got %v, want dataset.Rot90's %v", j, got, want)
			}
		})
	}
}

// TestAllRotationsForward: block j of the output is the RotNet's output on
// the batch turned j more (evaluation mode, so rows do not interact).
func TestAllRotationsForward(t *testing.T) {
	net, err := models.Seeded(1, func() (*RotNet, error) { return NewRotNet(tiny) })
	if err != nil {
		t.Fatal(err)
	}
	net.SetTraining(false)
	const rows, side = 2, 32
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, rows*3*side*side)
	for i := range v {
		v[i] = rng.Float32()
	}
	x := torch.FromFloat32(v, rows, 3, side, side)
	var got []float32
	var want [][]float32
	torch.NoGrad(func() {
		got = torch.Float32s(allRotations{net}.Forward(x))
		for j := range Rotations {
			want = append(want, torch.Float32s(net.Forward(torch.Rot90(x, int64(j), 2, 3))))
		}
	})
	if len(got) != Rotations*rows*Rotations {
		t.Fatalf("got %d logits, want %d (4 blocks of %d rows of 4)", len(got), Rotations*rows*Rotations, rows)
	}
	for j, w := range want {
		block := got[j*rows*Rotations : (j+1)*rows*Rotations]
		for i := range w {
			if math.Abs(float64(block[i]-w[i])) > 1e-4 {
				t.Fatalf("block %d logit %d: got %v, want %v (the batch turned %d more)", j, i, block[i], w[i], j)
			}
		}
	}
}

// TestAllRotationsTaskLoss compares the task's loss with the mean
// cross-entropy written out in float64.
func TestAllRotationsTaskLoss(t *testing.T) {
	labels := []int{1, 3}
	logits := []float32{
		0.5, -1, 2, 0, 1, 1, 1, 1, // block 0: labels 1, 3
		-2, 0.25, 3, 1, 0, 0, 0, 4, // block 1: labels 2, 0
		1, 2, 3, 4, -1, 0.5, 0, 2, // block 2: labels 3, 1
		0, 0, 0, 0, 3, -3, 2, -2, // block 3: labels 0, 2
	}
	var want float64
	rowLabels := AllRotationLabels(labels)
	for r, l := range rowLabels {
		row := logits[4*r : 4*r+4]
		var sum float64
		for _, z := range row {
			sum += math.Exp(float64(z))
		}
		want += (math.Log(sum) - float64(row[l])) / float64(len(rowLabels))
	}
	out := torch.FromFloat32(logits, 8, 4)
	got := torch.Scalar(AllRotationsTask{}.Loss(out, &dataset.Batch{Labels: labels}, true))
	if !closeTo(got, want, 1e-5) {
		t.Errorf("loss %v, want %v", got, want)
	}
}

// TestAllRotationsLossFalls: a few steps on one augmented batch fed in all
// four rotations lower the loss.
func TestAllRotationsLossFalls(t *testing.T) {
	ds := synthData(t, 8, 0, 32)
	net, err := models.Seeded(1, func() (*RotNet, error) { return NewRotNet(tiny) })
	if err != nil {
		t.Fatal(err)
	}
	b := firstBatch(t, ds, dataset.AugmentedRotNet(32), 8)
	losses := stepLosses(t, train.ModelOf(allRotations{net}), AllRotationsTask{}, b, 12, 1e-3)
	if first, last := losses[0], losses[len(losses)-1]; !(last < 0.8*first) {
		t.Errorf("loss went from %.4f to %.4f over %d steps, want a fall of at least 20%%: %v", first, last, len(losses), losses)
	}
}

// TestPretrainRotNetOptions runs one epoch of each option set and reads
// what the encoder's sidecar records.
func TestPretrainRotNetOptions(t *testing.T) {
	ds := synthData(t, 8, 4, 32)
	aug := dataset.AugmentedRotNet(32)
	tests := []struct {
		name    string
		modify  func(*RotNetConfig)
		want    map[string]string // sidecar extras beyond method, epochs, lr
		wantErr string
	}{
		{"blog default", func(*RotNetConfig) {}, map[string]string{}, ""},
		{"augmented, all rotations", func(c *RotNetConfig) {
			c.CropScale, c.AllRotations = aug.CropScale, true
		}, map[string]string{"crop_scale": "0.7,1", "all_rotations": "true"}, ""},
		{"flip and jitter", func(c *RotNetConfig) {
			c.FlipP, c.Jitter = 0.5, dataset.ColorJitter{Brightness: 0.4, Contrast: 0.4}
		}, map[string]string{"flip_p": "0.5", "jitter": "0.4,0.4,0,0"}, ""},
		{"saturation only", func(c *RotNetConfig) { c.Jitter.Saturation = 0.3 }, map[string]string{"jitter": "0,0,0.3,0"}, ""},
		{"flip above 1", func(c *RotNetConfig) { c.FlipP = 2 }, nil, "flip probability"},
		{"crop above 1", func(c *RotNetConfig) { c.CropScale = [2]float64{0.5, 2} }, nil, "crop scale"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultRotNetConfig()
			cfg.Arch, cfg.Size, cfg.Epochs, cfg.BatchSize, cfg.LR, cfg.Workers = tiny, 32, 1, 4, 1e-3, 1
			cfg.Out = filepath.Join(t.TempDir(), "run")
			tc.modify(&cfg)
			res, err := PretrainRotNet(context.Background(), ds, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Fit.Records) != 1 || res.Fit.Records[0].TrainLoss == nil || math.IsNaN(*res.Fit.Records[0].TrainLoss) {
				t.Fatalf("records %+v, want one epoch with a loss", res.Fit.Records)
			}
			if res.Fit.Records[0].Accuracy == nil {
				t.Errorf("no validation accuracy of the rotations reported")
			}
			_, meta, err := models.LoadEncoder(cfg.Out, tiny)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, v := range meta.Extra {
				if k != "method" && k != "epochs" && k != "lr" {
					got[k] = v
				}
			}
			if !mapsEqual(got, tc.want) {
				t.Errorf("sidecar extras %v, want %v", got, tc.want)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
