// Run directories (DESIGN section 5). Every training command writes into the
// directory of its --out flag:
//
//	manifest.json    what ran: config, versions, device, seed, times, status
//	metrics.jsonl    one Record per epoch and per evaluation
//	*.pth, *.pth.json  checkpoints and their sidecars
//	fold<k>/         what each fold of a k-fold stage writes
//
// OpenRun guards the directory: a new run needs a missing or empty one;
// RunOptions.Force reuses a directory by removing the previous run's outputs
// (and only them: other files stay); RunOptions.Resume keeps everything and
// appends. Small files are written atomically (a temp file in the same
// directory, synced, then renamed), so a crash leaves the old file or the
// new one, never half of one. A training command reads:
//
//	run, err := train.OpenRun(out, train.RunOptions{Force: force})
//	if err != nil { return err }
//	m := train.Manifest{Config: cfg, PPCtlVersion: version, ...}
//	if err := run.WriteManifest(m); err != nil { return err }
//	err = fit(ctx, run)                // run.Log(rec) once per epoch
//	return run.Close(err)              // end time and status into the manifest

package train

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// RunOptions says what OpenRun may do with a directory that already holds
// files. The zero value accepts only a missing or empty directory.
type RunOptions struct {
	// Force reuses a directory that already holds a run or other files: it
	// removes the previous run's outputs (manifest.json, metrics.jsonl, *.pth,
	// *.pth.json, *.safetensors, pseudolabels.csv, plots (*.png,
	// lr_schedule.csv, valid_predictions.csv), leftover temp files, the same inside
	// fold<k>/ directories, and fold<k>/ itself once empty) plus anything
	// matching Outputs, and keeps every other file. Default false.
	Force bool
	// Resume continues the run in the directory: nothing is removed and
	// metrics.jsonl is appended to. The directory must hold a manifest.json.
	// Default false; it cannot be combined with Force.
	Resume bool
	// Outputs are extra file-name patterns (filepath.Match syntax, matched
	// against base names) of what this command writes, e.g. "submission.csv";
	// Force removes them too. Default none.
	Outputs []string
}

// knownOutputs are the base-name patterns of what ppctl writes into a run
// directory and into its fold<k>/ subdirectories.
var knownOutputs = []string{
	ManifestFile, MetricsFile, "*.pth", "*.pth.json", "*.safetensors", "pseudolabels.csv", ".*.tmp-*",
	"*.png", "lr_schedule.csv", "valid_predictions.csv",
}

// foldDir matches the per-fold subdirectories that Force may clear.
var foldDir = regexp.MustCompile(`^fold[0-9]+$`)

// Run is an open run directory. Create it with OpenRun and end it with Close.
type Run struct {
	dir     string
	resumed bool
	now     func() time.Time // the clock; time.Now outside tests

	mu       sync.Mutex // guards what follows
	metrics  *os.File   // metrics.jsonl, appended; nil once closed
	lineBuf  []byte     // reused by Log
	manifest *Manifest  // the last manifest written; nil before WriteManifest
}

// OpenRun opens dir as the run directory of a training command, creating it
// (and its parents) when missing. Without Force or Resume it refuses a
// directory that is not empty; see RunOptions for what they allow. It opens
// metrics.jsonl for appending.
func OpenRun(dir string, opts RunOptions) (*Run, error) {
	if dir == "" {
		return nil, errors.New("train: no run directory; pass --out DIR")
	}
	if opts.Force && opts.Resume {
		return nil, errors.New("train: --force and --resume contradict each other: " +
			"pass --force to start the run afresh or --resume to continue it, not both")
	}
	for _, p := range opts.Outputs {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fmt.Errorf("train: output pattern %q: %w", p, err)
		}
	}
	if err := prepareDir(dir, opts); err != nil {
		return nil, err
	}
	f, err := openMetrics(filepath.Join(dir, MetricsFile), opts.Resume)
	if err != nil {
		return nil, err
	}
	return &Run{dir: dir, resumed: opts.Resume, now: time.Now, metrics: f}, nil
}

// prepareDir checks dir against opts and makes it ready for a run.
func prepareDir(dir string, opts RunOptions) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err) && opts.Resume:
		return fmt.Errorf("train: run directory %s does not exist, so there is no run to resume; "+
			"check the path, or drop --resume to start a new run", dir)
	case os.IsNotExist(err):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("train: create run directory: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("train: run directory: %w (pass a directory for --out)", err)
	}
	_, statErr := os.Stat(filepath.Join(dir, ManifestFile))
	hasRun := statErr == nil
	switch {
	case opts.Resume && !hasRun:
		return fmt.Errorf("train: run directory %s holds no %s, so there is no run to resume; "+
			"drop --resume to start a new run there", dir, ManifestFile)
	case opts.Resume:
		return nil
	case opts.Force:
		return clearOutputs(dir, append(knownOutputs, opts.Outputs...), true)
	case hasRun:
		return fmt.Errorf("train: run directory %s already holds a run; "+
			"pass --force to overwrite it or --resume to continue it", dir)
	case len(entries) > 0:
		return fmt.Errorf("train: run directory %s is not empty (it holds %s) and holds no ppctl run; "+
			"choose a new directory, or pass --force to write there (--force removes only ppctl's outputs)",
			dir, describeEntries(entries))
	}
	return nil
}

// describeEntries names the first few entries of a directory.
func describeEntries(entries []os.DirEntry) string {
	const show = 3
	var names []string
	for i, e := range entries {
		if i == show {
			names = append(names, fmt.Sprintf("and %d more", len(entries)-show))
			break
		}
		names = append(names, e.Name())
	}
	return strings.Join(names, ", ")
}

// clearOutputs removes the files of dir whose base names match patterns and,
// when folds is set, clears fold<k>/ subdirectories the same way, removing
// each one that ends up empty. Symbolic links are removed, never followed.
func clearOutputs(dir string, patterns []string, folds bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("train: --force: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if !folds || !foldDir.MatchString(e.Name()) {
				continue
			}
			if err := clearOutputs(path, patterns, false); err != nil {
				return err
			}
			if rest, err := os.ReadDir(path); err == nil && len(rest) == 0 {
				if err := os.Remove(path); err != nil {
					return fmt.Errorf("train: --force: %w", err)
				}
			}
			continue
		}
		if matchAny(patterns, e.Name()) {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("train: --force: remove the previous run's %s: %w", path, err)
			}
		}
	}
	return nil
}

// matchAny reports whether name matches one of patterns (already checked).
func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// Dir returns the run directory as given to OpenRun.
func (r *Run) Dir() string { return r.dir }

// Resumed reports whether the run was opened with RunOptions.Resume.
func (r *Run) Resumed() bool { return r.resumed }

// Path returns the path of the output name (slash-separated, relative to the
// run directory), e.g. Path("encoder.pth") or Path("fold0/best.pth").
func (r *Run) Path(name string) string { return filepath.Join(r.dir, filepath.FromSlash(name)) }

// Sub creates (when missing) the subdirectory name of the run, e.g. "fold0",
// and returns its path.
func (r *Run) Sub(name string) (string, error) {
	p := r.Path(name)
	if err := os.MkdirAll(p, 0o755); err != nil {
		return "", fmt.Errorf("train: create %s in the run directory: %w", name, err)
	}
	return p, nil
}

// Folds returns the names of the run's fold<k> subdirectories in fold order
// (fold2 before fold10), e.g. for predicting with every fold's model.
func (r *Run) Folds() ([]string, error) {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return nil, fmt.Errorf("train: list folds: %w", err)
	}
	var subs []string
	for _, e := range entries {
		if e.IsDir() && foldDir.MatchString(e.Name()) {
			subs = append(subs, e.Name())
		}
	}
	sort.Slice(subs, func(i, j int) bool {
		if len(subs[i]) != len(subs[j]) {
			return len(subs[i]) < len(subs[j]) // fold2 before fold10
		}
		return subs[i] < subs[j]
	})
	return subs, nil
}

// WriteFile writes data to the output name (as Path takes it) atomically.
func (r *Run) WriteFile(name string, data []byte) error {
	return WriteFileAtomic(r.Path(name), data)
}

// Close ends the run: it records err in the manifest (status "ok" when err is
// nil, "interrupted" when it is a context cancellation or deadline, "failed"
// otherwise, with err's text) with the end time, rewrites manifest.json if
// WriteManifest was called, and closes metrics.jsonl. It returns err, or the
// error of closing when err is nil, so a command can end with
// `return run.Close(err)`. Later calls do nothing and return err.
func (r *Run) Close(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.metrics == nil {
		return err
	}
	var closeErr error
	if r.manifest != nil {
		closeErr = r.finishManifest(err)
	}
	if e := r.metrics.Close(); e != nil && closeErr == nil {
		closeErr = fmt.Errorf("train: close metrics log: %w", e)
	}
	r.metrics = nil
	if err != nil {
		return err
	}
	return closeErr
}

// WriteFileAtomic writes data to path so that readers see the old file or the
// new one, never a part: it writes a temp file next to path, syncs it, and
// renames it over path.
func WriteFileAtomic(path string, data []byte) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// AtomicFile is a file written under a temporary name that takes its real
// name only at Commit. Create it with CreateAtomic; defer Abort, which
// removes the temp file unless Commit ran.
type AtomicFile struct {
	f    *os.File
	path string
	done bool
}

// CreateAtomic starts writing path atomically: writes go to a temp file
// (".<name>.tmp-*" in the same directory, which RunOptions.Force clears when
// a crash left one behind) until Commit.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("train: write %s: %w", path, err)
	}
	return &AtomicFile{f: f, path: path}, nil
}

// Write writes to the temp file.
func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		err = fmt.Errorf("train: write %s: %w (is the disk full?)", a.path, err)
	}
	return n, err
}

var _ io.Writer = (*AtomicFile)(nil)

// Commit syncs the temp file, gives it mode 0644 and renames it to its real
// name, then syncs the directory so that the rename survives a crash.
func (a *AtomicFile) Commit() error {
	if a.done {
		return fmt.Errorf("train: write %s: already committed or aborted", a.path)
	}
	a.done = true
	err := a.f.Sync()
	if e := a.f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Chmod(a.f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("train: write %s: %w", a.path, err)
	}
	if d, err := os.Open(filepath.Dir(a.path)); err == nil {
		d.Sync() // best effort: some file systems cannot sync a directory
		d.Close()
	}
	return nil
}

// Abort drops the temp file; after Commit it does nothing.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}
