package ssl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// ModelFile is the whole pretext model (encoder and head or projection) in
// a pretraining run directory, next to models.EncoderFile.
const ModelFile = "model.pth"

// KindPretext is the sidecar kind of ModelFile.
const KindPretext = "ssl"

// PretrainConfig holds the settings both pretexts share. Zero fields take
// the defaults stated where a default exists.
type PretrainConfig struct {
	// Arch is the backbone's timm name (default "seresnext50_32x4d", the
	// blog's; zero means the default).
	Arch string
	// Epochs is the length of fit_one_cycle (default 25; zero means the
	// default).
	Epochs int
	// LR is fit_one_cycle's peak learning rate (default 1e-4; zero means
	// the default).
	LR float64
	// BatchSize is images per batch (default 64 for RotNet, fastai's, and
	// 32 for SimCLR, the blog's, whose batches hold two views each; zero
	// means the default).
	BatchSize int
	// ValidPct is the fraction of images held out for validation (default
	// 0.2; zero means no validation).
	ValidPct float64
	// Seed seeds the weights, the split, the data order and the
	// augmentations (default 42; zero is a seed like any other).
	Seed uint64
	// Workers is the number of data-loading goroutines (default 0: one per
	// core).
	Workers int
	// Cache configures the decode-once image cache (default: 1 GiB in
	// memory, shorter side as the pretext needs; a zero Side means that).
	Cache dataset.CacheConfig
	// Train holds the loop's optimizer settings (default
	// train.DefaultConfig(): fastai's AdamW); its Phases, Stage, Reporter,
	// Seed and Callbacks are set from the fields here.
	Train train.Config `json:"-"`
	// Device is where training runs (default the CPU; a CUDA GPU with a
	// CUDA build of libtorch). The network moves there for the fit and
	// back to the CPU afterwards.
	Device torch.Device `json:"-"`
	// Precision is "fp32" (default; zero means it), "bf16" or "fp16": the
	// autocast dtype, recorded in the sidecars.
	Precision string
	// Reporter shows progress (nil shows nothing). The caller calls its
	// Finish when the stage is over.
	Reporter train.Reporter `json:"-"`
	// Callbacks run after every epoch, after the run's metrics logging.
	Callbacks []train.Callback `json:"-"`
	// Run, when set, receives every epoch's record (metrics.jsonl) and,
	// when Out is empty, gives the directory to write to.
	Run *train.Run `json:"-"`
	// Out is the directory that receives encoder.pth and model.pth with
	// their sidecars (default "": Run's directory, or nothing written).
	Out string
	// Resume returns the encoder already in Out without training, when
	// Out holds encoder.pth (default false: train, overwriting it).
	Resume bool
}

// defaultPretrain returns the shared defaults with the given batch size.
func defaultPretrain(batch int) PretrainConfig {
	return PretrainConfig{Arch: models.DefaultConfig().Arch, Epochs: 25, LR: 1e-4, BatchSize: batch,
		ValidPct: 0.2, Seed: 42, Train: train.DefaultConfig(), Precision: "fp32"}
}

// filled returns p with zero fields defaulted and checks what is left.
func (p PretrainConfig) filled(batch, side int) (PretrainConfig, error) {
	def := defaultPretrain(batch)
	if p.Arch == "" {
		p.Arch = def.Arch
	}
	if p.Epochs == 0 {
		p.Epochs = def.Epochs
	}
	if p.LR == 0 {
		p.LR = def.LR
	}
	if p.BatchSize == 0 {
		p.BatchSize = batch
	}
	if p.Train.Beta2 == 0 && p.Train.Eps == 0 {
		p.Train = train.DefaultConfig()
	}
	if p.Cache.Side == 0 {
		p.Cache.Side = side
		if p.Cache.BudgetBytes == 0 {
			p.Cache.BudgetBytes = dataset.DefaultCacheConfig().BudgetBytes
		}
	}
	if p.Precision == "" {
		p.Precision = def.Precision
	}
	if p.Out == "" && p.Run != nil {
		p.Out = p.Run.Dir()
	}
	switch {
	case p.Epochs < 0 || p.BatchSize < 0 || p.Workers < 0:
		return p, fmt.Errorf("ssl: epochs %d, batch size %d, workers %d: give positive numbers", p.Epochs, p.BatchSize, p.Workers)
	case !(p.LR > 0):
		return p, fmt.Errorf("ssl: learning rate %v: give a positive rate such as 1e-4", p.LR)
	case !(p.ValidPct >= 0 && p.ValidPct < 1):
		return p, fmt.Errorf("ssl: validation fraction %v: give 0 (no validation) up to below 1", p.ValidPct)
	}
	if _, err := models.LookupVariant(p.Arch); err != nil {
		return p, err
	}
	return p, nil
}

// autocast returns the autocast dtype of p.Precision.
func (p PretrainConfig) autocast() (torch.DType, error) {
	switch p.Precision {
	case "fp32":
		return torch.Float32, nil
	case "bf16":
		return torch.BFloat16, nil
	case "fp16":
		return torch.Float16, nil
	}
	return 0, fmt.Errorf("ssl: precision %q: use fp32, bf16 or fp16", p.Precision)
}

// Result is what a pretraining returns.
type Result struct {
	// Encoder is the trained body (in training mode, on the CPU).
	Encoder *models.SEResNeXt
	// Fit is the loop's summary, one record per epoch; nil when Skipped.
	Fit *train.Result
	// EncoderPath and ModelPath are the files written ("" when there is no
	// output directory; ModelPath is "" when Skipped).
	EncoderPath, ModelPath string
	// Skipped is true when Resume found a finished encoder and returned it.
	Skipped bool
}

// resumed returns the finished encoder of p.Out when p.Resume asks for it
// and there is one, or nil.
func (p PretrainConfig) resumed() (*Result, error) {
	if !p.Resume || p.Out == "" {
		return nil, nil
	}
	path := filepath.Join(p.Out, models.EncoderFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	enc, _, err := models.LoadEncoder(path, p.Arch)
	if err != nil {
		return nil, fmt.Errorf("ssl: resume: %w (delete it, or pass --force to train afresh)", err)
	}
	return &Result{Encoder: enc, EncoderPath: path, Skipped: true}, nil
}

// split divides paths into training and validation lists: the last
// ValidPct of them when ordered (RotNet's sorted list), a seeded random
// ValidPct otherwise (fastai's RandomSplitter).
func split(paths []string, validPct float64, ordered bool, seed uint64) (trainP, validP []string) {
	nValid := int(validPct * float64(len(paths)))
	if ordered {
		cut := len(paths) - nValid
		return paths[:cut], paths[cut:]
	}
	perm := rand.New(rand.NewPCG(seed, 0x5eed5)).Perm(len(paths))
	for i, j := range perm {
		if i < nValid {
			validP = append(validP, paths[j])
		} else {
			trainP = append(trainP, paths[j])
		}
	}
	return trainP, validP
}

// loaders builds the training and (when validP is not empty) validation
// loaders over one shared cache. Training drops a short last batch when
// there is at least one full batch, as fastai's training loader does.
func (p PretrainConfig) loaders(trainP, validP []string, trainPipe, validPipe dataset.Pipeline) (train.Data, error) {
	if len(trainP) == 0 {
		return train.Data{}, errors.New("ssl: no training images left after the validation split; lower the validation fraction or add images")
	}
	cache := dataset.NewCache(p.Cache)
	lc := dataset.LoaderConfig{BatchSize: p.BatchSize, Workers: p.Workers, Shuffle: true,
		DropLast: len(trainP) > p.BatchSize, Seed: p.Seed}
	tl, err := dataset.NewLoader(&dataset.Files{Paths: trainP, Open: cache.Load}, trainPipe, lc)
	if err != nil {
		return train.Data{}, fmt.Errorf("ssl: training data: %w", err)
	}
	data := train.Data{Train: tl}
	if len(validP) > 0 {
		lc.Shuffle, lc.DropLast = false, false
		if data.Valid, err = dataset.NewLoader(&dataset.Files{Paths: validP, Open: cache.Load}, validPipe, lc); err != nil {
			return train.Data{}, fmt.Errorf("ssl: validation data: %w", err)
		}
	}
	return data, nil
}

// pretext is what the two pretexts train: a grouped network whose body is
// an SE-ResNeXt.
type pretext interface {
	train.Grouped
	body() *models.SEResNeXt
}

// fit runs fit_one_cycle on net and writes the outputs; meta describes the
// encoder's inputs (image size, method).
func (p PretrainConfig) fit(ctx context.Context, stage string, net pretext, task train.Task, data train.Data, meta checkpoint.Meta) (*Result, error) {
	ac, err := p.autocast()
	if err != nil {
		return nil, err
	}
	model := train.ModelOf(net)
	cfg := p.Train
	cfg.Stage, cfg.Fold, cfg.Seed, cfg.Reporter, cfg.Device, cfg.Autocast = stage, -1, p.Seed, p.Reporter, p.Device, ac
	cfg.Phases = []train.Phase{train.OnePhase(p.Epochs, p.LR, len(model.Groups()), data.Train.Len())}
	cfg.Callbacks = nil
	if p.Run != nil {
		run := p.Run
		cfg.Callbacks = append(cfg.Callbacks, train.CallbackFunc(func(_ context.Context, r train.Record) error { return run.Log(r) }))
	}
	cfg.Callbacks = append(cfg.Callbacks, p.Callbacks...)
	if err := models.ToDevice(net, p.Device); err != nil {
		return nil, fmt.Errorf("ssl: move the %s network to %v: %w", stage, p.Device, err)
	}
	fr, err := train.Fit(ctx, model, task, data, cfg)
	// The encoder comes back on the CPU whatever it trained on, as Result
	// promises; a failed move back is reported unless training failed first.
	if backErr := models.ToDevice(net, torch.CPU); err == nil && backErr != nil {
		err = fmt.Errorf("ssl: move the encoder back to the CPU: %w", backErr)
	}
	res := &Result{Encoder: net.body(), Fit: fr}
	if err != nil {
		return res, err
	}
	return res, p.save(res, stage, net, meta)
}

// save writes encoder.pth and model.pth into p.Out (nothing without one).
func (p PretrainConfig) save(res *Result, method string, net pretext, meta checkpoint.Meta) error {
	if p.Out == "" {
		return nil
	}
	if err := os.MkdirAll(p.Out, 0o755); err != nil {
		return fmt.Errorf("ssl: output directory: %w", err)
	}
	meta.Precision = p.Precision
	meta.LibtorchVersion = torch.LibInfo().Version
	meta.Normalization = &checkpoint.Normalization{Mean: []float64{0, 0, 0}, Std: []float64{1, 1, 1}}
	extra := map[string]string{"method": method, "epochs": strconv.Itoa(p.Epochs),
		"lr": strconv.FormatFloat(p.LR, 'g', -1, 64)}
	for k, v := range meta.Extra {
		extra[k] = v
	}
	meta.Extra = extra
	res.EncoderPath = filepath.Join(p.Out, models.EncoderFile)
	if err := models.SaveEncoder(res.EncoderPath, res.Encoder, &meta); err != nil {
		return err
	}
	whole := meta
	whole.Kind, whole.Arch = KindPretext, res.Encoder.Arch()
	res.ModelPath = filepath.Join(p.Out, ModelFile)
	es := net.Entries("")
	if err := checkpoint.SaveOrdered(res.ModelPath, models.Names(es), models.StateMap(net), &whole); err != nil {
		return fmt.Errorf("ssl: save %s: %w", res.ModelPath, err)
	}
	return nil
}

// trainable returns the non-buffer entries of es.
func trainable(es []models.Entry) []models.Entry {
	var out []models.Entry
	for _, e := range es {
		if !e.Buffer {
			out = append(out, e)
		}
	}
	return out
}
