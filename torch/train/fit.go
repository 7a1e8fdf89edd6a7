package train

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
)

// Config says how Fit trains. The zero value of every field but Phases is
// usable; DefaultConfig fills fastai's optimizer defaults.
type Config struct {
	// Stage and Fold label the metrics records ("rotnet", "finetune", ...);
	// Fold < 0 means the stage is not folded.
	Stage string
	Fold  int
	// Phases are the fit_one_cycle calls to run in order, each with its own
	// schedule and frozen groups: FineTune.Phases for fine_tune, OnePhase for
	// a plain fit_one_cycle. Their schedules count training batches.
	Phases []Phase
	// Device the model already lives on; batches are moved there. Default
	// the CPU.
	Device torch.Device
	// Autocast is the mixed-precision dtype (torch.BFloat16 or
	// torch.Float16); zero or torch.Float32 trains in plain float32.
	Autocast torch.DType
	// ChannelsLast feeds batches in NHWC memory order (the model should be
	// converted too). Default false.
	ChannelsLast bool
	// Accum accumulates gradients over Accum batches before each optimizer
	// step, for large effective batches on small memory. Default 1; zero
	// means 1.
	Accum int
	// ClipNorm clips the gradients' joint L2 norm before each optimizer
	// step. Zero means no clipping.
	ClipNorm float64
	// WeightDecay, Beta2 and Eps configure AdamW: fastai's 0.01, 0.99 and
	// 1e-5 by DefaultConfig. Beta1 follows each phase's momentum schedule.
	WeightDecay, Beta2, Eps float64
	// Seed seeds libtorch (weight init is the caller's; this drives dropout).
	// Zero leaves the generator as it is.
	Seed uint64
	// Threads is libtorch's CPU thread count for the loop, set on the OS
	// thread Fit locks (OpenMP counts are per thread). Zero keeps that
	// thread's count, which is every core unless changed there.
	Threads int
	// Callbacks run after every epoch, in order.
	Callbacks []Callback
	// Reporter shows progress (bars, table rows, JSON lines); nil reports
	// nothing. Fit calls StartPhase, Step, EndEpoch and EndPhase; Finish is
	// the caller's, once its whole stage is done.
	Reporter Reporter
}

// DefaultConfig returns fastai's optimizer settings (AdamW, weight decay
// 0.01 except on biases and BatchNorm, betas 0.9/0.99, eps 1e-5), one batch
// per step, fp32 on the CPU, and no phases: the caller adds them.
func DefaultConfig() Config {
	return Config{Fold: -1, Accum: 1, WeightDecay: 0.01, Beta2: 0.99, Eps: 1e-5}
}

// OnePhase returns the single phase of fit_one_cycle(epochs, lrMax) for a
// model of nGroups groups (every group at lrMax) over stepsPerEpoch batches,
// with fastai's other defaults.
func OnePhase(epochs int, lrMax float64, nGroups, stepsPerEpoch int) Phase {
	lrs := make([]float64, nGroups)
	for i := range lrs {
		lrs[i] = lrMax
	}
	return Phase{Name: "fit", Epochs: epochs, FreshOptimizer: true,
		Schedule: DefaultOneCycle(lrs, epochs*stepsPerEpoch)}
}

// Data is what Fit reads: the training loader and an optional validation
// loader (nil skips validation).
type Data struct {
	Train, Valid *dataset.Loader
}

// Result summarises a Fit.
type Result struct {
	Records []Record // one per epoch, as logged
	Steps   int      // training batches run
	Updates int      // optimizer steps taken (Steps / Accum, rounded up per epoch)
	Stopped bool     // a callback (early stopping) ended training early
}

// ErrStop is returned by a Callback to end training after the current epoch
// without an error (early stopping).
var ErrStop = errors.New("train: stop requested")

// Fit trains model on data according to cfg: every phase's epochs, each a
// training pass (one optimizer step every cfg.Accum batches, the schedule
// setting rates and beta1 per batch) and a validation pass, then the
// callbacks. It returns when the phases end, a callback stops it, or ctx is
// cancelled (within one batch; the error is then ctx.Err()).
func Fit(ctx context.Context, model Model, task Task, data Data, cfg Config) (*Result, error) {
	if data.Train == nil || data.Train.Len() == 0 {
		return nil, fmt.Errorf("train: %s: no training batches (the training set is empty or smaller than one batch with drop-last)", cfg.Stage)
	}
	if len(cfg.Phases) == 0 {
		return nil, fmt.Errorf("train: %s: no phases to run", cfg.Stage)
	}
	if cfg.Accum <= 0 {
		cfg.Accum = 1
	}
	// Grad mode and autocast are per OS thread in libtorch.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if cfg.Threads > 0 {
		torch.SetThreads(cfg.Threads)
	}
	if cfg.Seed != 0 {
		torch.ManualSeed(cfg.Seed)
	}
	l := &loop{model: model, task: task, data: data, cfg: cfg, res: &Result{}}
	groups := model.Groups()
	for _, ph := range cfg.Phases {
		if err := ph.Schedule.Validate(); err != nil {
			return l.res, fmt.Errorf("train: %s phase %q: %w", cfg.Stage, ph.Name, err)
		}
		if len(ph.Schedule.LRMax) != len(groups) {
			return l.res, fmt.Errorf("train: %s phase %q has rates for %d groups; the model has %d", cfg.Stage, ph.Name, len(ph.Schedule.LRMax), len(groups))
		}
	}
	for _, ph := range cfg.Phases {
		stop, err := l.phase(ctx, groups, ph)
		if err != nil || stop {
			l.res.Stopped = stop
			return l.res, err
		}
	}
	freeze(groups, 0)
	return l.res, nil
}

// loop is the state of one Fit.
type loop struct {
	model Model
	task  Task
	data  Data
	cfg   Config
	opt   *torch.AdamW
	res   *Result
}

// phase runs one fit_one_cycle call and reports whether a callback stopped
// training.
func (l *loop) phase(ctx context.Context, groups []Group, ph Phase) (bool, error) {
	freeze(groups, ph.FrozenGroups)
	if ph.FreshOptimizer || l.opt == nil {
		l.opt = newOptimizer(groups, l.cfg)
	}
	steps := l.data.Train.Len()
	if r := l.cfg.Reporter; r != nil {
		info := PhaseInfo{Stage: l.cfg.Stage, Phase: ph.Name, Epochs: ph.Epochs, Steps: steps}
		if l.cfg.Fold >= 0 {
			info.Fold = new(l.cfg.Fold)
		}
		if l.data.Valid != nil {
			info.ValidSteps = l.data.Valid.Len()
		}
		r.StartPhase(info)
		defer r.EndPhase()
	}
	for epoch := 0; epoch < ph.Epochs; epoch++ {
		start := time.Now()
		trainLoss, images, err := l.trainEpoch(ctx, ph, epoch)
		if err != nil {
			return false, err
		}
		rec := Record{Stage: l.cfg.Stage, Phase: ph.Name, Epoch: new(epoch), Step: new(l.res.Steps),
			TrainLoss: new(trainLoss), ImgPerS: new(float64(images) / time.Since(start).Seconds())}
		if l.cfg.Fold >= 0 {
			rec.Fold = new(l.cfg.Fold)
		}
		lrs, _ := ph.Schedule.At(min((epoch+1)*steps, ph.Schedule.TotalSteps))
		rec.LR = new(lrs[len(lrs)-1])
		if l.data.Valid != nil && l.data.Valid.Len() > 0 {
			ev, err := evaluate(ctx, l.model, l.task, l.data.Valid, l.cfg.Device, l.cfg.Autocast, l.cfg.Reporter, epoch)
			if err != nil {
				return false, err
			}
			ev.fill(&rec)
		}
		l.res.Records = append(l.res.Records, rec)
		if l.cfg.Reporter != nil {
			l.cfg.Reporter.EndEpoch(rec)
		}
		for _, cb := range l.cfg.Callbacks {
			if err := cb.EpochEnd(ctx, rec); err != nil {
				if errors.Is(err, ErrStop) {
					return true, nil
				}
				return false, err
			}
		}
	}
	return false, nil
}

// newOptimizer builds AdamW over groups, splitting each into a decayed and
// an undecayed part (fastai's wd_bn_bias=False); optimizer group 2i and
// 2i+1 belong to model group i.
func newOptimizer(groups []Group, cfg Config) *torch.AdamW {
	var pg []torch.ParamGroup
	for _, g := range groups {
		var decay, plain []torch.Tensor
		for _, p := range g.Params {
			if p.NoDecay {
				plain = append(plain, p.T)
			} else {
				decay = append(decay, p.T)
			}
		}
		pg = append(pg,
			torch.ParamGroup{Name: g.Name, Params: decay, Beta2: cfg.Beta2, Eps: cfg.Eps, WeightDecay: cfg.WeightDecay},
			torch.ParamGroup{Name: g.Name + ".no_decay", Params: plain, Beta2: cfg.Beta2, Eps: cfg.Eps})
	}
	return torch.NewAdamW(pg)
}

// setHyper applies the schedule's rates (one per model group) and beta1.
func setHyper(opt *torch.AdamW, lrs []float64, beta1 float64) {
	for i := range opt.Groups {
		opt.Groups[i].LR = lrs[i/2]
		opt.Groups[i].Beta1 = beta1
	}
}
