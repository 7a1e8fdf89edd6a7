package ssl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

const tiny = "seresnext_tiny"

// synthData writes a tiny synthetic dataset (n training, nTest test images
// of size px) and opens it.
func synthData(t *testing.T, n, nTest, size int) *dataset.Dataset {
	t.Helper()
	dir := t.TempDir()
	if _, err := dataset.Synthesize(context.Background(), dir, dataset.SynthConfig{Train: n, Test: nTest, Size: size, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// firstBatch returns the first batch of ds's training images through pipe.
func firstBatch(t *testing.T, ds *dataset.Dataset, pipe dataset.Pipeline, n int) *dataset.Batch {
	t.Helper()
	var paths []string
	for _, it := range ds.Train[:n] {
		paths = append(paths, it.Path)
	}
	cache := dataset.NewCache(dataset.CacheConfig{})
	l, err := dataset.NewLoader(&dataset.Files{Paths: paths, Open: cache.Load}, pipe, dataset.LoaderConfig{BatchSize: n, Workers: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for b, err := range l.Epoch(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatal("no batch")
	return nil
}

// stepLosses runs steps AdamW updates of model on the fixed batch b and
// returns the training loss before each.
func stepLosses(t *testing.T, model train.Model, task train.Task, b *dataset.Batch, steps int, lr float64) []float64 {
	t.Helper()
	var params []torch.Tensor
	for _, g := range model.Groups() {
		for _, p := range g.Params {
			params = append(params, p.T)
		}
	}
	opt := torch.NewAdamW([]torch.ParamGroup{{Params: params, LR: lr, Beta1: 0.9, Beta2: 0.99, Eps: 1e-5}})
	x := torch.FromFloat32(b.X, int64(b.Shape[0]), int64(b.Shape[1]), int64(b.Shape[2]), int64(b.Shape[3]))
	model.SetTraining(true)
	var losses []float64
	for range steps {
		err := torch.Scoped(func() {
			loss := task.Loss(model.Forward(x), b, true)
			losses = append(losses, torch.Scalar(loss))
			torch.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return losses
}

// TestPretextLossFallsOnAFixedBatch is the end-to-end check of both
// pretexts: a few optimizer steps on one batch must lower the loss.
func TestPretextLossFallsOnAFixedBatch(t *testing.T) {
	ds := synthData(t, 8, 0, 32)
	tests := []struct {
		name  string
		build func() (train.Model, error)
		task  train.Task
		pipe  dataset.Pipeline
	}{
		{"rotnet", func() (train.Model, error) {
			r, err := NewRotNet(tiny)
			return train.ModelOf(r), err
		}, train.CrossEntropy{NumClasses: Rotations}, dataset.RotNetAugment{Size: 32}},
		{"simclr", func() (train.Model, error) {
			s, err := NewSimCLR(tiny, DefaultProjectionConfig())
			return train.ModelOf(s), err
		}, ContrastiveTask{Temperature: 0.5}, dataset.SimCLRAugment{Resize: 32, Train: true,
			Crop: dataset.RandomResizedCrop{Size: 32}, FlipP: 0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			model, err := models.Seeded(1, tc.build)
			if err != nil {
				t.Fatal(err)
			}
			b := firstBatch(t, ds, tc.pipe, 8)
			losses := stepLosses(t, model, tc.task, b, 12, 1e-3)
			first, last := losses[0], losses[len(losses)-1]
			t.Logf("losses %v", losses)
			if !(last < 0.8*first) {
				t.Errorf("loss went from %.4f to %.4f over %d steps, want a fall of at least 20%%: %v", first, last, len(losses), losses)
			}
		})
	}
}

func TestPretrainWritesTheEncoder(t *testing.T) {
	ds := synthData(t, 12, 4, 32)
	common := func(p *PretrainConfig, out string) {
		p.Arch, p.Epochs, p.BatchSize, p.LR, p.Workers, p.Out = tiny, 1, 4, 1e-3, 1, out
	}
	tests := []struct {
		name   string
		run    func(out string, resume bool) (*Result, error)
		epochs int
		size   int
	}{
		{"rotnet", func(out string, resume bool) (*Result, error) {
			cfg := DefaultRotNetConfig()
			common(&cfg.PretrainConfig, out)
			cfg.Size, cfg.Resume = 32, resume
			return PretrainRotNet(context.Background(), ds, cfg)
		}, 1, 32},
		{"simclr", func(out string, resume bool) (*Result, error) {
			cfg := DefaultSimCLRConfig()
			common(&cfg.PretrainConfig, out)
			cfg.Augment.Resize, cfg.Augment.Crop.Size, cfg.Resume = 32, 24, resume
			return PretrainSimCLR(context.Background(), ds, cfg)
		}, 1, 24},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			res, err := tc.run(out, false)
			if err != nil {
				t.Fatal(err)
			}
			if res.Skipped || len(res.Fit.Records) != tc.epochs {
				t.Fatalf("skipped %v, %d records; want a run of %d epoch", res.Skipped, len(res.Fit.Records), tc.epochs)
			}
			for _, f := range []string{models.EncoderFile, ModelFile, models.EncoderFile + ".json", ModelFile + ".json"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			enc, meta, err := models.LoadEncoder(out, "")
			if err != nil {
				t.Fatal(err)
			}
			if meta.Kind != models.KindEncoder || meta.Arch != tiny || meta.ImageSize != tc.size || meta.Extra["method"] != tc.name {
				t.Errorf("sidecar %+v: want kind encoder, arch %s, image size %d, method %s", meta, tiny, tc.size, tc.name)
			}
			if enc.Arch() != tiny {
				t.Errorf("encoder arch %s", enc.Arch())
			}
			again, err := tc.run(out, true)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Skipped || again.Fit != nil {
				t.Errorf("a resumed finished run trained again (skipped %v)", again.Skipped)
			}
		})
	}
}

func TestPretrainStopsWhenCancelled(t *testing.T) {
	ds := synthData(t, 8, 0, 32)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := DefaultRotNetConfig()
	cfg.Arch, cfg.Size, cfg.BatchSize, cfg.Epochs = tiny, 32, 4, 1
	_, err := PretrainRotNet(ctx, ds, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestPretrainRejectsBadConfig(t *testing.T) {
	ds := synthData(t, 4, 0, 32)
	tests := []struct {
		name   string
		modify func(*SimCLRConfig)
		want   string
	}{
		{"negative temperature", func(c *SimCLRConfig) { c.Temperature = -1 }, "temperature -1"},
		{"negative rate", func(c *SimCLRConfig) { c.LR = -1 }, "learning rate -1"},
		{"validation fraction 1", func(c *SimCLRConfig) { c.ValidPct = 1 }, "validation fraction 1"},
		{"unknown arch", func(c *SimCLRConfig) { c.Arch = "resnet9000" }, "unknown arch"},
		{"unknown precision", func(c *SimCLRConfig) { c.Precision = "fp8" }, "precision \"fp8\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultSimCLRConfig()
			cfg.Arch, cfg.Epochs, cfg.BatchSize = tiny, 1, 2
			cfg.Augment.Resize, cfg.Augment.Crop.Size = 32, 32
			tc.modify(&cfg)
			_, err := PretrainSimCLR(context.Background(), ds, cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
