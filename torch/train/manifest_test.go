package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// testConfig stands for a command's config struct.
type testConfig struct {
	Epochs int     `json:"epochs"`
	LR     float64 `json:"lr"`
	Arch   string  `json:"arch"`
}

func TestManifestLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		status    RunStatus
		errorText string
	}{
		{"ok", nil, StatusOK, ""},
		{"failed", errors.New("out of memory"), StatusFailed, "out of memory"},
		{"interrupted", fmt.Errorf("epoch 3: %w", context.Canceled), StatusInterrupted, "epoch 3: context canceled"},
		{"deadline", context.DeadlineExceeded, StatusInterrupted, "context deadline exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			run := openTestRun(t, dir, RunOptions{})
			clock := newFakeClock()
			run.now = clock.now
			cfg := testConfig{Epochs: 2, LR: 1e-3, Arch: "seresnext50_32x4d"}
			err := run.WriteManifest(Manifest{Stage: "finetune", Config: cfg, PPCtlVersion: "v0.1.0",
				LibtorchVersion: "1.13.1", Device: "cpu", Threads: 2, Precision: "fp32", Seed: 42,
				Command: []string{"ppctl", "finetune", "--epochs", "2"}})
			if err != nil {
				t.Fatalf("WriteManifest: %v", err)
			}
			m, err := ReadManifest(dir)
			if err != nil {
				t.Fatalf("ReadManifest: %v", err)
			}
			if m.Status != StatusRunning || !m.EndTime.IsZero() {
				t.Errorf("while running: status %q, end %v; want running and no end", m.Status, m.EndTime)
			}
			clock.advance(90 * time.Second)
			if got := run.Close(tc.err); got != tc.err {
				t.Errorf("Close returned %v, want the run's error %v", got, tc.err)
			}
			if got := run.Close(nil); got != nil {
				t.Errorf("second Close returned %v, want nil", got)
			}
			m, err = ReadManifest(filepath.Join(dir, ManifestFile))
			if err != nil {
				t.Fatalf("ReadManifest: %v", err)
			}
			start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			if !m.StartTime.Equal(start) || !m.EndTime.Equal(start.Add(90*time.Second)) {
				t.Errorf("times %v .. %v, want %v .. 90s later", m.StartTime, m.EndTime, start)
			}
			if m.Status != tc.status || m.Error != tc.errorText {
				t.Errorf("status %q error %q, want %q %q", m.Status, m.Error, tc.status, tc.errorText)
			}
			if m.Format != ManifestFormat || m.GoVersion != runtime.Version() ||
				m.Platform != runtime.GOOS+"/"+runtime.GOARCH || m.Seed != 42 || m.Device != "cpu" {
				t.Errorf("filled fields: %+v", m)
			}
			var back testConfig
			if err := m.DecodeConfig(&back); err != nil || back != cfg {
				t.Errorf("config read back %+v (%v), want %+v", back, err, cfg)
			}
		})
	}
}

func TestManifestKeys(t *testing.T) {
	dir := t.TempDir()
	run := openTestRun(t, dir, RunOptions{})
	run.WriteManifest(Manifest{Config: testConfig{}, Dataset: "data", DatasetFingerprint: "sha256:00"})
	run.Close(errors.New("boom"))
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"command", "config", "dataset", "dataset_fingerprint", "device", "end_time",
		"error", "format", "go_version", "host", "libtorch_version", "platform", "ppctl_version",
		"precision", "seed", "start_time", "status", "threads"}
	if h, _ := os.Hostname(); h == "" {
		want = append(want[:9], want[10:]...)
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("manifest keys:\ngot  %v\nwant %v", keys, want)
	}
	if cmd, _ := m["command"].([]any); len(cmd) != len(os.Args) {
		t.Errorf("command %v, want os.Args %v", m["command"], os.Args)
	}
}

func TestManifestResume(t *testing.T) {
	dir := t.TempDir()
	clock := newFakeClock()
	start := clock.t
	run := openTestRun(t, dir, RunOptions{})
	run.now = clock.now
	run.WriteManifest(Manifest{Config: testConfig{Epochs: 2}})
	clock.advance(time.Hour)
	run.Close(context.Canceled)

	clock.advance(time.Hour)
	resumedAt := clock.t
	run = openTestRun(t, dir, RunOptions{Resume: true})
	run.now = clock.now
	if err := run.WriteManifest(Manifest{Config: testConfig{Epochs: 4}}); err != nil {
		t.Fatalf("WriteManifest on resume: %v", err)
	}
	clock.advance(time.Minute)
	run.Close(nil)
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cfg testConfig
	m.DecodeConfig(&cfg)
	if !m.StartTime.Equal(start) || len(m.Resumes) != 1 || !m.Resumes[0].Equal(resumedAt) ||
		m.Status != StatusOK || m.Error != "" || cfg.Epochs != 4 {
		t.Errorf("after resume: start %v resumes %v status %q error %q epochs %d; "+
			"want start %v, one resume at %v, ok, no error, 4 epochs",
			m.StartTime, m.Resumes, m.Status, m.Error, cfg.Epochs, start, resumedAt)
	}

	os.WriteFile(filepath.Join(dir, ManifestFile), []byte("{"), 0o644)
	run = openTestRun(t, dir, RunOptions{Resume: true})
	defer run.Close(nil)
	if err := run.WriteManifest(Manifest{}); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("resuming a damaged manifest: got %v, want an error suggesting --force", err)
	}
}

func TestManifestBadConfig(t *testing.T) {
	run := openTestRun(t, t.TempDir(), RunOptions{})
	defer run.Close(nil)
	if err := run.WriteManifest(Manifest{Config: func() {}}); err == nil ||
		!strings.Contains(err.Error(), "config cannot be written as JSON") {
		t.Errorf("got %v, want an error about the config", err)
	}
}

func TestFingerprintGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/fingerprint_golden.json")
	if err != nil {
		t.Fatalf("read golden file (regenerate with /usr/bin/python3 scripts/gen_fingerprint_golden.py): %v", err)
	}
	var g struct {
		Cases []struct {
			Name        string   `json:"name"`
			Names       []string `json:"names"`
			Fingerprint string   `json:"fingerprint"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil || len(g.Cases) == 0 {
		t.Fatalf("parse golden file: %v (%d cases)", err, len(g.Cases))
	}
	for _, tc := range g.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := Fingerprint("testdata/fingerprint", tc.Names)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.Fingerprint {
				t.Errorf("got %s, want %s", got, tc.Fingerprint)
			}
		})
	}
}

func TestFingerprintChanges(t *testing.T) {
	names := []string{"train.csv", "images/a.jpg", "images/b.jpg"}
	setup := func(t *testing.T) string {
		root := filepath.Join(t.TempDir(), "data")
		writeTree(t, root, names)
		return root
	}
	base, err := Fingerprint(setup(t), names)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		edit    func(t *testing.T, root string) (string, []string) // the root and names to hash
		changes bool
	}{
		{"same files", func(t *testing.T, r string) (string, []string) { return r, names }, false},
		{"other order", func(t *testing.T, r string) (string, []string) {
			return r, []string{names[2], names[0], names[1]}
		}, false},
		{"moved root", func(t *testing.T, r string) (string, []string) {
			moved := r + "-moved"
			os.Rename(r, moved)
			return moved, names
		}, false},
		{"image touched", func(t *testing.T, r string) (string, []string) {
			later := time.Now().Add(time.Hour)
			os.Chtimes(filepath.Join(r, "images/a.jpg"), later, later)
			return r, names
		}, false},
		{"image rewritten, same size", func(t *testing.T, r string) (string, []string) {
			os.WriteFile(filepath.Join(r, "images/a.jpg"), []byte("IMAGES/A.JPG"), 0o644)
			return r, names
		}, false},
		{"csv byte changed, same size", func(t *testing.T, r string) (string, []string) {
			os.WriteFile(filepath.Join(r, "train.csv"), []byte("TRAIN.csv"), 0o644)
			return r, names
		}, true},
		{"image size changed", func(t *testing.T, r string) (string, []string) {
			os.WriteFile(filepath.Join(r, "images/b.jpg"), []byte("images/b.jpg!"), 0o644)
			return r, names
		}, true},
		{"image renamed", func(t *testing.T, r string) (string, []string) {
			os.Rename(filepath.Join(r, "images/b.jpg"), filepath.Join(r, "images/c.jpg"))
			return r, []string{"train.csv", "images/a.jpg", "images/c.jpg"}
		}, true},
		{"image left out", func(t *testing.T, r string) (string, []string) { return r, names[:2] }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, ns := tc.edit(t, setup(t))
			got, err := Fingerprint(root, ns)
			if err != nil {
				t.Fatal(err)
			}
			if changed := got != base; changed != tc.changes {
				t.Errorf("fingerprint changed: %v, want %v (%s vs %s)", changed, tc.changes, got, base)
			}
		})
	}
}

func TestFingerprintErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, []string{"train.csv", "images/"})
	for _, tc := range []struct {
		name    string
		names   []string
		wantErr string
	}{
		{"missing file", []string{"test.csv"}, "no such file"},
		{"directory", []string{"images"}, "not a regular file"},
		{"tab in name", []string{"a\tb.jpg"}, "tab or newline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Fingerprint(root, tc.names); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want an error holding %q", err, tc.wantErr)
			}
		})
	}
}

// BenchmarkFingerprint2k hashes a dataset of 2000 images and a 2000-row CSV.
func BenchmarkFingerprint2k(b *testing.B) {
	root := b.TempDir()
	names := []string{"train.csv"}
	csv := []byte(strings.Repeat("Train_0000,0,0,1,0\n", 2000))
	os.WriteFile(filepath.Join(root, "train.csv"), csv, 0o644)
	os.MkdirAll(filepath.Join(root, "images"), 0o755)
	img := make([]byte, 4096)
	for i := 0; i < 2000; i++ {
		n := fmt.Sprintf("images/Train_%d.jpg", i)
		os.WriteFile(filepath.Join(root, n), img[:1000+i], 0o644)
		names = append(names, n)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Fingerprint(root, names); err != nil {
			b.Fatal(err)
		}
	}
}
