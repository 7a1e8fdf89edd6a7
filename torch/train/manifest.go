package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ManifestFile is the name of a run's manifest inside its run directory.
const ManifestFile = "manifest.json"

// ManifestFormat is the version of the manifest.json layout that this
// package writes; it changes when a field changes meaning or is removed.
const ManifestFormat = 1

// RunStatus is how a run ended, as manifest.json records it.
type RunStatus string

// The statuses of a run.
const (
	StatusRunning     RunStatus = "running"     // started and not closed: still running, or killed
	StatusOK          RunStatus = "ok"          // Close(nil)
	StatusFailed      RunStatus = "failed"      // Close with an error
	StatusInterrupted RunStatus = "interrupted" // Close with a context cancellation or deadline
)

// Manifest is manifest.json: what a run was, enough to reproduce it. The
// caller fills what only it knows (config, versions, device, seed, dataset);
// Run.WriteManifest fills the rest (format, Go version, platform, command
// line, times, status) and Run.Close the end.
type Manifest struct {
	Format  int      `json:"format"`          // ManifestFormat; filled by WriteManifest
	Stage   string   `json:"stage,omitempty"` // "rotnet", "simclr", "pseudolabel", "finetune", ...
	Command []string `json:"command"`         // the command line; WriteManifest uses os.Args when nil
	// Config is the command's full configuration with its defaults filled in:
	// any value encoding/json can write, normally the config struct the
	// command built from its flags. ReadManifest gives a json.RawMessage;
	// decode it with DecodeConfig.
	Config any `json:"config"`

	PPCtlVersion    string `json:"ppctl_version"`    // ppctl's version
	LibtorchVersion string `json:"libtorch_version"` // libtorch's version, from the torch package
	GoVersion       string `json:"go_version"`       // runtime.Version(); filled by WriteManifest
	Platform        string `json:"platform"`         // GOOS/GOARCH; filled by WriteManifest
	Host            string `json:"host,omitempty"`   // the machine's host name; filled by WriteManifest

	Device    string `json:"device"`    // the device that ran, e.g. "cpu", "cuda:0"
	Threads   int    `json:"threads"`   // libtorch's intra-op threads
	Precision string `json:"precision"` // the precision that ran, resolved from "auto": "fp32", "bf16", ...
	Seed      int64  `json:"seed"`      // the run's random seed

	Dataset            string `json:"dataset,omitempty"`             // the dataset directory as given
	DatasetFingerprint string `json:"dataset_fingerprint,omitempty"` // Fingerprint of its files

	StartTime time.Time   `json:"start_time"`        // when the run first started; filled by WriteManifest
	Resumes   []time.Time `json:"resumes,omitempty"` // when each --resume started; filled by WriteManifest
	EndTime   time.Time   `json:"end_time,omitzero"` // when it ended; filled by Close
	Status    RunStatus   `json:"status"`            // filled by WriteManifest and Close
	Error     string      `json:"error,omitempty"`   // the error it ended with; filled by Close
	Extra     any         `json:"extra,omitempty"`   // anything else the command records
}

// WriteManifest fills m's format, Go version, platform, host, command line
// (when nil), start time and status "running", and writes it atomically as
// manifest.json. On a resumed run the start time stays the first run's and
// the resume's time is appended to Resumes. It may be called again, e.g.
// once the precision is resolved; Close writes it a last time.
func (r *Run) WriteManifest(m Manifest) error {
	now := r.now().Truncate(time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.metrics == nil {
		return fmt.Errorf("train: write manifest to %s: the run is closed", r.dir)
	}
	m.Format = ManifestFormat
	m.GoVersion = runtime.Version()
	m.Platform = runtime.GOOS + "/" + runtime.GOARCH
	m.Host, _ = os.Hostname()
	if m.Command == nil {
		m.Command = append([]string(nil), os.Args...)
	}
	switch {
	case r.manifest != nil: // a rewrite
		m.StartTime, m.Resumes = r.manifest.StartTime, r.manifest.Resumes
	case r.resumed:
		old, err := ReadManifest(r.Path(ManifestFile))
		if err != nil {
			return fmt.Errorf("train: resume: %w; pass --force to start afresh instead", err)
		}
		m.StartTime, m.Resumes = old.StartTime, append(old.Resumes, now)
	default:
		m.StartTime = now
	}
	m.Status, m.EndTime, m.Error = StatusRunning, time.Time{}, ""
	if err := r.writeManifest(&m); err != nil {
		return err
	}
	r.manifest = &m
	return nil
}

// finishManifest writes the end time and status of err; r.mu is held.
func (r *Run) finishManifest(err error) error {
	m := *r.manifest
	m.EndTime = r.now().Truncate(time.Millisecond)
	m.Status, m.Error = statusOf(err), ""
	if err != nil {
		m.Error = err.Error()
	}
	if e := r.writeManifest(&m); e != nil {
		return e
	}
	r.manifest = &m
	return nil
}

// writeManifest encodes m, indented, and writes it atomically.
func (r *Run) writeManifest(m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("train: manifest: the config cannot be written as JSON: %w", err)
	}
	return WriteFileAtomic(r.Path(ManifestFile), append(b, '\n'))
}

// statusOf maps the error a run ended with to its status.
func statusOf(err error) RunStatus {
	switch {
	case err == nil:
		return StatusOK
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return StatusInterrupted
	}
	return StatusFailed
}

// ReadManifest reads a run's manifest.json; path is the file or the run
// directory. Config (and Extra) come back as json.RawMessage.
func ReadManifest(path string) (Manifest, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, ManifestFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, fmt.Errorf("train: read manifest: %w", err)
	}
	var raw struct {
		Manifest
		Config json.RawMessage `json:"config"`
		Extra  json.RawMessage `json:"extra"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return Manifest{}, fmt.Errorf("train: manifest %s is damaged: %v", path, err)
	}
	m := raw.Manifest
	m.Config = raw.Config
	if raw.Extra != nil {
		m.Extra = raw.Extra
	}
	return m, nil
}

// DecodeConfig decodes the manifest's config into v (a pointer to the
// command's config struct), whether the manifest was read by ReadManifest or
// built in memory.
func (m Manifest) DecodeConfig(v any) error {
	b, ok := m.Config.(json.RawMessage)
	if !ok {
		var err error
		if b, err = json.Marshal(m.Config); err != nil {
			return fmt.Errorf("train: manifest config: %w", err)
		}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("train: manifest config does not fit %T: %w", v, err)
	}
	return nil
}

// Fingerprint identifies a dataset by its files, fast enough for thousands of
// images: names is the list of files relative to root (slash-separated, e.g.
// "train.csv", "images/Train_0.jpg"; order does not matter). For each name in
// byte order it hashes one line
//
//	<name> TAB <size in bytes> TAB <content> LF
//
// where <content> is the hex SHA-256 of the file's bytes for a .csv file
// (any case) and "-" otherwise, and it returns "sha256:" and the hex SHA-256
// of those lines. So the labels count byte for byte while an image costs one
// stat: renaming, adding, removing or resizing an image changes the
// fingerprint, rewriting it with the same byte count does not. Modification
// times and root itself are left out on purpose, so a copied or moved
// dataset keeps its fingerprint. Names holding a tab or a newline, and files
// that are not regular files, are errors.
func Fingerprint(root string, names []string) (string, error) {
	sorted := make([]string, len(names))
	for i, n := range names {
		n = filepath.ToSlash(filepath.Clean(filepath.FromSlash(n)))
		if strings.ContainsAny(n, "\t\n") {
			return "", fmt.Errorf("train: fingerprint: file name %q holds a tab or newline; rename it", n)
		}
		sorted[i] = n
	}
	sort.Strings(sorted)
	h := sha256.New()
	var line []byte
	for _, n := range sorted {
		path := filepath.Join(root, filepath.FromSlash(n))
		st, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("train: fingerprint the dataset: %w", err)
		}
		if !st.Mode().IsRegular() {
			return "", fmt.Errorf("train: fingerprint the dataset: %s is not a regular file", path)
		}
		content := "-"
		if strings.EqualFold(filepath.Ext(n), ".csv") {
			if content, err = fileSHA256(path); err != nil {
				return "", err
			}
		}
		line = append(line[:0], n...)
		line = append(line, '\t')
		line = strconv.AppendInt(line, st.Size(), 10)
		line = append(line, '\t')
		line = append(line, content...)
		line = append(line, '\n')
		h.Write(line)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("train: fingerprint the dataset: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("train: fingerprint the dataset: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
