package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

func init() { registerBench(benchModelCommand) }

// benchModelResult is one line of `ppctl bench model --json` (DESIGN
// section 5's benchmark fields).
type benchModelResult struct {
	Bench        string  `json:"bench"`
	Arch         string  `json:"arch"`
	Size         int     `json:"size"`
	BS           int     `json:"bs"`
	Mode         string  `json:"mode"`
	Precision    string  `json:"precision"`
	Threads      int     `json:"threads"`
	ChannelsLast bool    `json:"channels_last"`
	Steps        int     `json:"steps"`
	ImgPerS      float64 `json:"img_per_s"`
	StepS        float64 `json:"step_s"`
}

func benchModelCommand() *cli.Command {
	return &cli.Command{
		Name:  "model",
		Usage: "images/s of a training step (forward, backward, AdamW) or of inference",
		Description: "Builds the arch with fastai's 4-class head (the RotNet model), feeds random\n" +
			"batches and times --steps steps after --warmup untimed ones. The PyTorch twin is\n" +
			"scripts/bench_model_torch.py; scripts/bench-vs-pytorch.sh model runs both.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "arch", Value: "seresnext50_32x4d", Usage: "backbone (see `ppctl model summary --help`)", EnvVars: []string{"PPCTL_ARCH"}},
			&cli.IntFlag{Name: "size", Value: 128, Usage: "image side, pixels", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.IntFlag{Name: "bs", Value: 16, Usage: "images per batch", EnvVars: []string{"PPCTL_BS"}},
			&cli.StringFlag{Name: "mode", Value: "train", Usage: "train (forward, backward, optimizer step) or infer (eval forward without autograd)", EnvVars: []string{"PPCTL_MODE"}},
			&cli.StringFlag{Name: "precision", Value: "fp32", Usage: "fp32, bf16, fp16 or auto", EnvVars: []string{"PPCTL_PRECISION"}},
			&cli.BoolFlag{Name: "channels-last", Usage: "run convolutions on NHWC tensors", EnvVars: []string{"PPCTL_CHANNELS_LAST"}},
			&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
			&cli.IntFlag{Name: "steps", Value: 5, Usage: "timed steps", EnvVars: []string{"PPCTL_STEPS"}},
			&cli.IntFlag{Name: "warmup", Value: 2, Usage: "untimed steps first (oneDNN primitive creation, allocator)", EnvVars: []string{"PPCTL_WARMUP"}},
			&cli.StringFlag{Name: "device", Value: "auto", Usage: "cpu, cuda, cuda:N or auto", EnvVars: []string{"PPCTL_DEVICE"}},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: benchModelAction,
	}
}

func benchModelAction(c *cli.Context) error {
	mode := c.String("mode")
	if mode != "train" && mode != "infer" {
		return usageError("bench model: --mode %q: use train or infer", mode)
	}
	size, bs, steps := c.Int("size"), c.Int("bs"), c.Int("steps")
	if size < 32 || bs < 1 || steps < 1 || c.Int("warmup") < 0 {
		return usageError("bench model: --size must be at least 32, --bs and --steps at least 1")
	}
	dev, err := torch.ParseDevice(c.String("device"))
	if err != nil {
		return usageError("bench model: --device: %v", err)
	}
	p, err := torch.ParsePrecision(c.String("precision"))
	if err != nil {
		return usageError("bench model: --precision: %v", err)
	}
	prec, autocast, err := p.Resolve(dev)
	if err != nil {
		return usageError("bench model: --precision: %v", err)
	}
	torch.SetThreads(c.Int("threads"))
	torch.ManualSeed(0)
	clf, err := models.NewClassifier(models.ClassifierConfig{Arch: c.String("arch"), Classes: 4, Head: models.DefaultHeadConfig(),
		ChannelsLast: c.Bool("channels-last")})
	if err != nil {
		return usageError("bench model: %v", err)
	}
	if err := models.ToDevice(clf, dev); err != nil {
		return fmt.Errorf("bench model: move the model to %v: %w", dev, err)
	}
	res := benchModelResult{Bench: "model", Arch: c.String("arch"), Size: size, BS: bs, Mode: mode,
		Precision: prec.String(), Threads: torch.Threads(), ChannelsLast: c.Bool("channels-last"), Steps: steps}
	secs, err := timeSteps(clf, res, dev, autocast, c.Int("warmup"))
	if err != nil {
		return err
	}
	res.StepS = secs
	res.ImgPerS = float64(bs) / secs
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(res)
	}
	_, err = fmt.Fprintf(c.App.Writer, "bench model %s %dpx bs %d %s %s threads %d: %.1f img/s (%.3f s/step)\n",
		res.Arch, size, bs, mode, res.Precision, res.Threads, res.ImgPerS, res.StepS)
	return err
}

// timeSteps runs warmup then r.Steps steps of r.Mode on dev (where clf
// already is) and returns the mean seconds per timed step. GPU kernels run
// asynchronously, so the clock stops only once every queued kernel has
// finished (reading a weight back waits for them).
func timeSteps(clf *models.Classifier, r benchModelResult, dev torch.Device, autocast torch.DType, warmup int) (float64, error) {
	model := train.ModelOf(clf)
	var params []torch.Tensor
	for _, g := range model.Groups() {
		for _, p := range g.Params {
			params = append(params, p.T)
		}
	}
	opt := torch.NewAdamW([]torch.ParamGroup{{Params: params, LR: 1e-4, Beta1: 0.9, Beta2: 0.99, Eps: 1e-5, WeightDecay: 0.01}})
	n := int64(r.BS)
	x := torch.ToDevice(torch.RandN(n, 3, int64(r.Size), int64(r.Size)), dev)
	if r.ChannelsLast {
		x = torch.ChannelsLast(x)
	}
	labels := make([]int64, n)
	for i := range labels {
		labels[i] = int64(i % 4)
	}
	target := torch.ToDevice(torch.OneHot(torch.FromInt64(labels, n), 4), dev)
	step := func() error {
		return torch.Scoped(func() {
			if r.Mode == "infer" {
				clf.SetTraining(false)
				torch.NoGrad(func() {
					torch.Autocast(dev, autocast, func() { torch.Scalar(torch.SumDims(clf.Forward(x), false)) })
				})
				return
			}
			clf.SetTraining(true)
			var loss torch.Tensor
			torch.Autocast(dev, autocast, func() { loss = train.OneHotCrossEntropy(clf.Forward(x), target) })
			torch.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
		})
	}
	wait := func() error { return torch.Try(func() { torch.Scalar(torch.SumDims(params[0], false)) }) }
	for i := 0; i < warmup; i++ {
		if err := step(); err != nil {
			return 0, err
		}
	}
	if err := wait(); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := 0; i < r.Steps; i++ {
		if err := step(); err != nil {
			return 0, err
		}
	}
	if err := wait(); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds() / float64(r.Steps), nil
}
