package train

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/wangkuiyi/gotorch/nn"
)

// memSource is a labeled in-memory dataset: class 0 images are reddish,
// class 1 bluish, with per-image brightness so the set is not trivial.
type memSource struct {
	imgs   []*dataset.Image
	labels []int
}

func newMemSource(n, side int) *memSource {
	s := &memSource{}
	for i := 0; i < n; i++ {
		m := dataset.NewImage(side, side)
		c := i % 2
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				v := uint8(40 + (i*37+x*11+y*5)%120)
				if c == 0 {
					m.SetRGB(x, y, v+100, v/2, v/3)
				} else {
					m.SetRGB(x, y, v/3, v/2, v+100)
				}
			}
		}
		s.imgs = append(s.imgs, m)
		s.labels = append(s.labels, c)
	}
	return s
}

func (s *memSource) Len() int                           { return len(s.imgs) }
func (s *memSource) Load(i int) (*dataset.Image, error) { return s.imgs[i], nil }
func (s *memSource) Label(i int) int                    { return s.labels[i] }

// tinyNet is conv -> BN -> ReLU -> concat pool -> linear: a body group and a
// head group, enough to exercise freezing, BatchNorm and decay rules.
type tinyNet struct {
	conv *nn.Conv2dModule
	bn   *nn.BatchNorm2dModule
	fc   *nn.LinearModule
}

func newTinyNet(seed uint64) *tinyNet {
	torch.ManualSeed(seed)
	return &tinyNet{
		conv: nn.Conv2d(3, 4, 3, 1, 1, 1, 1, true, "zeros"),
		bn:   nn.BatchNorm2d(4, 1e-5, 0.1, true, true),
		fc:   nn.Linear(8, 2, true),
	}
}

func (n *tinyNet) Forward(x torch.Tensor) torch.Tensor {
	h := torch.Relu(n.bn.Forward(n.conv.Forward(x)))                                                      // (N, 4, H, W)
	p := torch.Cat([]torch.Tensor{torch.AdaptiveAvgPool2d(h, 1, 1), torch.AdaptiveMaxPool2d(h, 1, 1)}, 1) // (N, 8, 1, 1)
	return n.fc.Forward(torch.Reshape(p, -1, 8))                                                          // (N, 2)
}

func (n *tinyNet) SetTraining(on bool) { n.conv.Train(on); n.bn.Train(on); n.fc.Train(on) }

func (n *tinyNet) Groups() []Group {
	return []Group{
		{Name: "body", Params: []Param{
			{Name: "conv.weight", T: n.conv.Weight},
			{Name: "conv.bias", T: n.conv.Bias, NoDecay: true},
			{Name: "bn.weight", T: n.bn.Weight, NoDecay: true, Norm: true},
			{Name: "bn.bias", T: n.bn.Bias, NoDecay: true, Norm: true},
		}},
		{Name: "head", Params: []Param{
			{Name: "fc.weight", T: n.fc.Weight},
			{Name: "fc.bias", T: n.fc.Bias, NoDecay: true},
		}},
	}
}

func tinyData(t *testing.T, n, bs int) Data {
	t.Helper()
	src := newMemSource(n, 8)
	pipe := dataset.EvalAugment{Size: 8}
	tr, err := dataset.NewLoader(src, pipe, dataset.LoaderConfig{BatchSize: bs, Workers: 2, Shuffle: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	va, err := dataset.NewLoader(newMemSource(8, 8), pipe, dataset.LoaderConfig{BatchSize: bs, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return Data{Train: tr, Valid: va}
}

func fitTiny(t *testing.T, ctx context.Context, epochs int, obs Reporter) (*Result, error) {
	t.Helper()
	net := newTinyNet(11)
	data := tinyData(t, 16, 4)
	cfg := DefaultConfig()
	cfg.Stage = "test"
	cfg.Seed = 5
	cfg.Reporter = obs
	cfg.Phases = []Phase{OnePhase(epochs, 3e-2, 2, data.Train.Len())}
	return Fit(ctx, net, CrossEntropy{NumClasses: 2}, data, cfg)
}

func trainLosses(r *Result) []float64 {
	var out []float64
	for _, rec := range r.Records {
		out = append(out, *rec.TrainLoss)
	}
	return out
}

func TestFitLowersTheLoss(t *testing.T) {
	res, err := fitTiny(t, context.Background(), 6, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := trainLosses(res)
	if !(l[len(l)-1] < 0.7*l[0]) {
		t.Errorf("training loss did not fall by 30%%: %v", l)
	}
	last := res.Records[len(res.Records)-1]
	if last.ValidLoss == nil || last.Accuracy == nil || last.ROCAUC == nil {
		t.Fatalf("validation figures missing: %+v", last)
	}
	if *last.Accuracy < 0.75 {
		t.Errorf("validation accuracy %.2f on a colour-separable set", *last.Accuracy)
	}
	if res.Steps != 6*4 {
		t.Errorf("%d steps, want 24", res.Steps)
	}
}

func TestFitIsReproducible(t *testing.T) {
	a, err := fitTiny(t, context.Background(), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fitTiny(t, context.Background(), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	la, lb := trainLosses(a), trainLosses(b)
	for i := range la {
		if la[i] != lb[i] || *a.Records[i].ValidLoss != *b.Records[i].ValidLoss {
			t.Fatalf("epoch %d: losses %v/%v and %v/%v differ with the same seed", i, la[i], *a.Records[i].ValidLoss, lb[i], *b.Records[i].ValidLoss)
		}
	}
}

// cancelAt cancels the context when the given global step finishes.
type cancelAt struct {
	cancel func()
	at     int
	seen   int
}

func (c *cancelAt) StartPhase(PhaseInfo) {}
func (c *cancelAt) EndEpoch(Record)      {}
func (c *cancelAt) EndPhase()            {}
func (c *cancelAt) Finish(Summary)       {}
func (c *cancelAt) Step(s StepInfo) {
	if s.Valid {
		return
	}
	c.seen++
	if c.seen == c.at {
		c.cancel()
	}
}

func TestFitStopsWithinOneStepOfCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	obs := &cancelAt{cancel: cancel, at: 3}
	res, err := fitTiny(t, ctx, 5, obs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if res.Steps != 3 {
		t.Errorf("%d steps ran, want 3 (cancelled after the third)", res.Steps)
	}
}

func snapshot(ps []Param) [][]float32 {
	out := make([][]float32, len(ps))
	for i, p := range ps {
		out[i] = torch.Float32s(p.T)
	}
	return out
}

func same(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFineTuneFreezesTheBodyButItsBatchNorm runs fine_tune's frozen phase
// only and checks what moved: the head and the body's BatchNorm, not the
// body's convolution.
func TestFineTuneFreezesTheBodyButItsBatchNorm(t *testing.T) {
	net := newTinyNet(2)
	data := tinyData(t, 8, 4)
	ft := DefaultFineTune()
	ft.Epochs, ft.FreezeEpochs = 0, 1
	phases, err := ft.Phases(2, data.Train.Len())
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Phases = phases
	groups := net.Groups()
	before := snapshot(append(append([]Param{}, groups[0].Params...), groups[1].Params...))
	if _, err := Fit(context.Background(), net, CrossEntropy{NumClasses: 2}, data, cfg); err != nil {
		t.Fatal(err)
	}
	after := snapshot(append(append([]Param{}, groups[0].Params...), groups[1].Params...))
	names := []string{"conv.weight", "conv.bias", "bn.weight", "bn.bias", "fc.weight", "fc.bias"}
	wantMoved := []bool{false, false, true, true, true, true}
	for i, name := range names {
		if moved := !same(before[i], after[i]); moved != wantMoved[i] {
			t.Errorf("%s moved=%v, want %v", name, moved, wantMoved[i])
		}
	}
	for _, p := range groups[0].Params {
		if !torch.RequiresGrad(p.T) {
			t.Errorf("%s still frozen after Fit", p.Name)
		}
	}
}

func TestCallbacks(t *testing.T) {
	loss := func(v float64) Record { return Record{ValidLoss: &v} }
	var saved []float64
	sb := &SaveBest{Save: func(r Record) error { saved = append(saved, *r.ValidLoss); return nil }}
	es := &EarlyStop{Patience: 2}
	seq := []float64{1.0, 0.8, 0.9, 0.7, 0.75, 0.72}
	var stopAt = -1
	for i, v := range seq {
		if err := sb.EpochEnd(context.Background(), loss(v)); err != nil {
			t.Fatal(err)
		}
		if err := es.EpochEnd(context.Background(), loss(v)); errors.Is(err, ErrStop) && stopAt < 0 {
			stopAt = i
		}
	}
	if want := []float64{1.0, 0.8, 0.7}; len(saved) != 3 || saved[0] != want[0] || saved[1] != want[1] || saved[2] != want[2] {
		t.Errorf("SaveBest saved at %v, want %v", saved, want)
	}
	if sb.Best != 0.7 {
		t.Errorf("best %v", sb.Best)
	}
	if stopAt != 5 {
		t.Errorf("EarlyStop(patience 2) stopped at epoch %d, want 5", stopAt)
	}
	if _, err := monitored(Record{}, "bogus"); err == nil {
		t.Error("unknown monitor accepted")
	}
	if math.IsNaN(sb.Best) {
		t.Error("NaN best")
	}
}

// TestFineTuneTinySEResNeXt runs fastai's fine_tune (one frozen epoch, one
// unfrozen) on the tiny backbone with its fastai head: the loop's path for
// pseudo-labelling and soft-label fine-tuning.
func TestFineTuneTinySEResNeXt(t *testing.T) {
	clf, err := models.Seeded(1, func() (*models.Classifier, error) {
		return models.NewClassifier(models.ClassifierConfig{Arch: "seresnext_tiny", Classes: 2, Head: models.DefaultHeadConfig()})
	})
	if err != nil {
		t.Fatal(err)
	}
	src := newMemSource(16, 32)
	tr, _ := dataset.NewLoader(src, dataset.EvalAugment{Size: 32}, dataset.LoaderConfig{BatchSize: 8, Workers: 2, Shuffle: true})
	va, _ := dataset.NewLoader(newMemSource(8, 32), dataset.EvalAugment{Size: 32}, dataset.LoaderConfig{BatchSize: 8, Workers: 1})
	ft := DefaultFineTune()
	ft.Epochs, ft.FreezeEpochs, ft.BaseLR = 2, 1, 1e-2
	model := ModelOf(clf)
	phases, err := ft.Phases(len(model.Groups()), tr.Len())
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Phases = phases
	res, err := Fit(context.Background(), model, CrossEntropy{NumClasses: 2}, Data{Train: tr, Valid: va}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 3 || res.Records[0].Phase != "freeze" || res.Records[2].Phase != "unfreeze" {
		t.Fatalf("records %+v", res.Records)
	}
	for _, r := range res.Records {
		if math.IsNaN(*r.TrainLoss) || r.ValidLoss == nil {
			t.Errorf("bad record %+v", r)
		}
	}
}

// TestFitWritesARunDirectory is the end-to-end check: a 2-epoch
// run of a tiny model, with gradient accumulation and clipping, logs into a
// run directory whose manifest and metrics lines follow DESIGN section 5.
func TestFitWritesARunDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	run, err := OpenRun(dir, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.WriteManifest(Manifest{Stage: "test", Config: map[string]int{"epochs": 2}, Device: "cpu", Threads: 1, Precision: "fp32", Seed: 5}); err != nil {
		t.Fatal(err)
	}
	net := newTinyNet(11)
	data := tinyData(t, 16, 4)
	cfg := DefaultConfig()
	cfg.Stage, cfg.Fold, cfg.Seed, cfg.Accum, cfg.ClipNorm = "test", 0, 5, 2, 0.5
	cfg.Phases = []Phase{OnePhase(2, 3e-2, 2, data.Train.Len())}
	cfg.Callbacks = []Callback{CallbackFunc(func(_ context.Context, r Record) error { return run.Log(r) })}
	res, fitErr := Fit(context.Background(), net, CrossEntropy{NumClasses: 2}, data, cfg)
	if err := run.Close(fitErr); err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 {
		t.Fatalf("%d records", len(res.Records))
	}
	if res.Steps != 8 || res.Updates != 4 {
		t.Errorf("%d batches and %d optimizer steps, want 8 and 4 with Accum 2", res.Steps, res.Updates)
	}
	m, err := ReadManifest(dir)
	if err != nil || m.Status != StatusOK || m.Stage != "test" || m.EndTime.IsZero() {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d metrics lines, want 2:\n%s", len(lines), raw)
	}
	allowed := map[string]bool{"time": true, "stage": true, "fold": true, "phase": true, "epoch": true, "step": true, "lr": true,
		"train_loss": true, "valid_loss": true, "accuracy": true, "roc_auc": true, "img_per_s": true}
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for k := range obj {
			if !allowed[k] {
				t.Errorf("line %d: field %q is not in the schema", i+1, k)
			}
		}
		for _, k := range []string{"time", "stage", "fold", "phase", "epoch", "step", "lr", "train_loss", "valid_loss", "accuracy", "img_per_s"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, line)
			}
		}
		if obj["epoch"] != float64(i) || obj["step"] != float64(4*(i+1)) || obj["fold"] != float64(0) {
			t.Errorf("line %d: epoch %v step %v fold %v", i+1, obj["epoch"], obj["step"], obj["fold"])
		}
	}
}
