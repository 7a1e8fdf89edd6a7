package plot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ppctl/ppctl/torch/train"
)

// The pictures Run writes, each only when the run holds what it shows.
const (
	LossFile      = "loss.png"      // training and validation loss per fold
	LRFile        = "lr.png"        // learning rate per epoch end (and per step)
	MetricsFile   = "metrics.png"   // validation accuracy and ROC AUC per fold
	ConfusionFile = "confusion.png" // from pseudolabels.csv or fold*/valid_predictions.csv
	ROCFile       = "roc.png"       // per-class ROC curves from the same file
)

// runData is what Run reads from a run directory.
type runData struct {
	dir   string
	name  string
	stage string // from the manifest, or the records
	recs  []train.Record
}

// readRun reads dir's metrics.jsonl (required) and manifest.json (optional:
// a run without one still plots, but a damaged one is an error).
func readRun(dir, name string) (*runData, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("plot: run directory %s: no such file or directory; pass the --out of a training command", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("plot: run directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("plot: %s is not a directory; pass a run directory (the --out of a training command)", dir)
	}
	if name == "" {
		name = filepath.Base(filepath.Clean(dir))
	}
	d := &runData{dir: dir, name: name}
	mpath := filepath.Join(dir, train.ManifestFile)
	if _, err := os.Stat(mpath); err == nil {
		m, err := train.ReadManifest(mpath)
		if err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		d.stage = m.Stage
	}
	path := filepath.Join(dir, train.MetricsFile)
	d.recs, err = train.ReadMetrics(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("plot: %s: no such file; is %s a run directory that a training command wrote?", path, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	for _, r := range d.recs {
		if d.stage == "" && r.Stage != "" {
			d.stage = r.Stage
		}
	}
	return d, nil
}

// title names the run in its pictures: "soft (finetune)".
func (d *runData) title() string {
	if d.stage == "" || d.stage == d.name {
		return d.name
	}
	return d.name + " (" + d.stage + ")"
}

// Run draws the pictures of the run in dir and writes them into o.Out (the
// run directory itself by default): loss.png, lr.png and metrics.png from
// metrics.jsonl, and confusion.png and roc.png when the run holds
// predictions (see ReadRunScores). An optional lr_schedule.csv adds the
// per-step learning rate to lr.png. It returns the paths written. A missing
// or damaged input is an error that names the file; a run with no epoch
// record yet is an error too.
func Run(dir string, o Options) ([]string, error) {
	o, err := o.filled()
	if err != nil {
		return nil, err
	}
	d, err := readRun(dir, o.Name)
	if err != nil {
		return nil, err
	}
	ss, axis := splitSeries(d.recs, o.X)
	if len(ss) == 0 {
		return nil, fmt.Errorf("plot: %s: no epoch records to plot; did the run finish its first epoch?",
			filepath.Join(dir, train.MetricsFile))
	}
	var sched []SchedulePoint
	if spath := filepath.Join(dir, ScheduleFile); fileExists(spath) {
		if sched, err = ReadSchedule(spath); err != nil {
			return nil, err
		}
	}
	out := o.Out
	if out == "" {
		out = dir
	}
	var written []string
	save := func(name string, build func() (figure, error)) error {
		f, err := build()
		if err != nil {
			return fmt.Errorf("plot: %s: %w", name, err)
		}
		path := filepath.Join(out, name)
		if err := f.save(path, o); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	t := d.title()
	if has(ss, trainLoss) || has(ss, validLoss) {
		if err := save(LossFile, func() (figure, error) { return lossFigure(t, ss, axis) }); err != nil {
			return written, err
		}
	}
	if has(ss, learnRate) || len(sched) > 0 {
		if err := save(LRFile, func() (figure, error) { return lrFigure(t, ss, axis, sched) }); err != nil {
			return written, err
		}
	}
	if has(ss, accuracy) || has(ss, rocAUC) {
		if err := save(MetricsFile, func() (figure, error) { return metricsFigure(t, ss, axis) }); err != nil {
			return written, err
		}
	}
	files, err := scorePictures(dir, out, o)
	return append(written, files...), err
}

// scorePictures writes confusion.png and roc.png into out when the run in
// dir holds predictions.
func scorePictures(dir, out string, o Options) ([]string, error) {
	s, err := ReadRunScores(dir)
	if err != nil || s == nil {
		return nil, err
	}
	return WriteScores(out, "", s, o)
}

// WriteScores writes the confusion matrix and the ROC curves of s into dir
// as prefix+"confusion.png" and prefix+"roc.png", and returns their paths.
func WriteScores(dir, prefix string, s *Scores, o Options) ([]string, error) {
	var written []string
	cpath := filepath.Join(dir, prefix+ConfusionFile)
	if err := Confusion(cpath, s, o); err != nil {
		return nil, err
	}
	written = append(written, cpath)
	rpath := filepath.Join(dir, prefix+ROCFile)
	if err := ROC(rpath, s, o); err != nil {
		return written, err
	}
	return append(written, rpath), nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
