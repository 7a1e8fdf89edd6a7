package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/train"
	"github.com/ppctl/ppctl/torch/train/plot"
)

// The flags every training command shares (DESIGN section 5), with the same
// meaning and the same PPCTL_* variables everywhere. Commands add their own
// after these.
func trainFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: "run directory to write (manifest.json, metrics.jsonl, checkpoints); required", EnvVars: []string{"PPCTL_OUT"}},
		&cli.Uint64Flag{Name: "seed", Value: 42, Usage: "random seed for weights, data order and augmentations", EnvVars: []string{"PPCTL_SEED"}},
		&cli.StringFlag{Name: "precision", Value: "auto", Usage: "auto, fp32, bf16 or fp16 (auto: bf16 on CPUs with native bf16, fp16 on CUDA, else fp32)", EnvVars: []string{"PPCTL_PRECISION"}},
		&cli.StringFlag{Name: "device", Value: "auto", Usage: "cpu, cuda, cuda:N or auto (a GPU when there is one)", EnvVars: []string{"PPCTL_DEVICE"}},
		&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
		&cli.IntFlag{Name: "workers", Usage: "data-loading goroutines (default: every core)", EnvVars: []string{"PPCTL_WORKERS"}},
		&cli.BoolFlag{Name: "resume", Usage: "continue the run in --out, skipping what it already finished", EnvVars: []string{"PPCTL_RESUME"}},
		&cli.BoolFlag{Name: "force", Usage: "overwrite a previous run in --out (other files stay)", EnvVars: []string{"PPCTL_FORCE"}},
		&cli.StringFlag{Name: "progress", Value: "auto", Usage: "auto, bar, plain, quiet or json (auto: a bar on a terminal, plain lines otherwise)", EnvVars: []string{"PPCTL_PROGRESS"}},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the final summary (same as --progress quiet)", EnvVars: []string{"PPCTL_QUIET"}},
		&cli.BoolFlag{Name: "json", Usage: "print metrics as JSON lines (same as --progress json)", EnvVars: []string{"PPCTL_JSON"}},
	}
}

// runtimeOpts are the shared flags, checked and resolved.
type runtimeOpts struct {
	Out       string
	Seed      uint64
	Device    torch.Device
	Precision torch.Precision // resolved: never PrecisionAuto
	Autocast  torch.DType     // what Precision means for autocast
	Threads   int
	Workers   int
	Resume    bool
	Force     bool
	Report    train.ReportMode
}

// runtimeFromFlags reads the shared flags, applies --threads, and resolves
// --device and --precision for this machine.
func runtimeFromFlags(c *cli.Context) (runtimeOpts, error) {
	o := runtimeOpts{Out: c.String("out"), Seed: c.Uint64("seed"), Threads: c.Int("threads"),
		Workers: c.Int("workers"), Resume: c.Bool("resume"), Force: c.Bool("force")}
	if o.Out == "" {
		return o, usageError("%s: --out DIR is required: the run directory to write", c.Command.FullName())
	}
	if o.Resume && o.Force {
		return o, usageError("%s: --resume and --force contradict each other; pick one", c.Command.FullName())
	}
	if o.Threads < 0 || o.Workers < 0 {
		return o, usageError("%s: --threads and --workers must be positive (or 0 for every core)", c.Command.FullName())
	}
	dev, err := torch.ParseDevice(c.String("device"))
	if err != nil {
		return o, usageError("%s: --device: %v", c.Command.FullName(), err)
	}
	o.Device = dev
	p, err := torch.ParsePrecision(c.String("precision"))
	if err != nil {
		return o, usageError("%s: --precision: %v", c.Command.FullName(), err)
	}
	if o.Precision, o.Autocast, err = p.Resolve(dev); err != nil {
		return o, usageError("%s: --precision: %v", c.Command.FullName(), err)
	}
	mode, err := train.ParseReportMode(c.String("progress"))
	if err != nil {
		return o, usageError("%s: --progress: %v", c.Command.FullName(), err)
	}
	switch {
	case c.Bool("json"):
		mode = train.ReportJSON
	case c.Bool("quiet"):
		mode = train.ReportQuiet
	}
	o.Report = mode
	torch.SetThreads(o.Threads)
	return o, nil
}

// session is an open run of one training command: the run directory with
// its manifest, and the progress reporter.
type session struct {
	opts     runtimeOpts
	run      *train.Run
	reporter train.Reporter
	stage    string
	start    time.Time
	errw     io.Writer
}

// startSession opens the run directory of --out, writes the manifest with
// cfg (the command's full configuration), versions, device, precision, seed
// and the dataset's fingerprint, and makes the reporter.
func startSession(c *cli.Context, o runtimeOpts, stage string, cfg any, ds *dataset.Dataset, outputs ...string) (*session, error) {
	run, err := train.OpenRun(o.Out, train.RunOptions{Force: o.Force, Resume: o.Resume, Outputs: outputs})
	if err != nil {
		return nil, err
	}
	m := train.Manifest{
		Stage: stage, Config: cfg, PPCtlVersion: version, LibtorchVersion: torch.LibInfo().Version,
		Device: o.Device.String(), Threads: torch.Threads(), Precision: o.Precision.String(), Seed: int64(o.Seed),
	}
	if ds != nil {
		m.Dataset = ds.Dir
		if m.DatasetFingerprint, err = datasetFingerprint(ds); err != nil {
			run.Close(err)
			return nil, err
		}
	}
	if err := run.WriteManifest(m); err != nil {
		run.Close(err)
		return nil, err
	}
	return &session{opts: o, run: run, reporter: train.NewReporter(c.App.ErrWriter, o.Report), stage: stage, start: time.Now(),
		errw: c.App.ErrWriter}, nil
}

// finish reports the summary and closes the run with err's status; it
// returns err (or the error closing the run).
func (s *session) finish(err error, best *train.Record, monitor string) error {
	epochs := 0
	if recs, rerr := train.ReadMetrics(s.run.Path(train.MetricsFile)); rerr == nil {
		for _, r := range recs {
			if r.TrainLoss != nil {
				epochs++
			}
		}
	}
	s.reporter.Finish(train.Summary{Stage: s.stage, Err: err, Epochs: epochs, Elapsed: time.Since(s.start), Monitor: monitor, Best: best, Out: s.run.Dir()})
	if cerr := s.run.Close(err); err == nil {
		err = cerr
	}
	if err == nil {
		// The pictures are a convenience: a failure to draw them is a
		// warning, never a failed run (ppctl plot redraws them).
		if _, perr := plot.Run(s.run.Dir(), plot.Options{}); perr != nil {
			fmt.Fprintf(s.errw, "ppctl: warning: no plots for %s: %v\n", s.run.Dir(), perr)
		}
	}
	return err
}

// datasetFingerprint hashes the dataset's CSV files and images (see
// train.Fingerprint) relative to its directory.
func datasetFingerprint(ds *dataset.Dataset) (string, error) {
	var names []string
	for _, f := range []string{"train.csv", "test.csv", "sample_submission.csv"} {
		if _, err := os.Stat(filepath.Join(ds.Dir, f)); err == nil {
			names = append(names, f)
		}
	}
	for _, items := range [][]dataset.Item{ds.Train, ds.Test} {
		for _, it := range items {
			rel, err := filepath.Rel(ds.Dir, it.Path)
			if err != nil {
				return "", fmt.Errorf("dataset fingerprint: %w", err)
			}
			names = append(names, rel)
		}
	}
	sort.Strings(names)
	return train.Fingerprint(ds.Dir, names)
}

// logEpochs is the callback that appends every epoch's record to the run's
// metrics.jsonl; add it to train.Config.Callbacks.
func (s *session) logEpochs() train.Callback {
	return train.CallbackFunc(func(_ context.Context, r train.Record) error { return s.run.Log(r) })
}
