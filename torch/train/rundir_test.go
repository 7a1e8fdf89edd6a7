package train

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// writeTree creates files (slash paths relative to root, "dir/" for an empty
// directory) holding their own names.
func writeTree(t *testing.T, root string, files []string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree returns the files and directories under root as slash paths,
// directories ending in "/".
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestOpenRun(t *testing.T) {
	previousRun := []string{"manifest.json", "metrics.jsonl", "encoder.pth", "encoder.pth.json",
		"pseudolabels.csv", ".best.pth.tmp-123", "fold0/best.pth", "fold0/best.pth.json",
		"fold0/notes.txt", "fold1/best.pth", "fold12/", "notes.txt", "train.csv", "submission.csv",
		"other/x.pth", "folder/best.pth"}
	for _, tc := range []struct {
		name    string
		missing bool     // the directory does not exist
		before  []string // files in it before OpenRun
		opts    RunOptions
		wantErr string   // a part of the error; empty for success
		after   []string // files after OpenRun and Close(nil), unless same
		same    bool     // the files after are the files before
	}{
		{name: "missing directory is created", missing: true, after: []string{"metrics.jsonl"}},
		{name: "empty directory", after: []string{"metrics.jsonl"}},
		{name: "an existing run is refused", before: []string{"manifest.json"},
			wantErr: "already holds a run; pass --force to overwrite it or --resume to continue it"},
		{name: "a non-empty directory is refused", before: []string{"a.txt", "b.txt", "c.txt", "d.txt"},
			wantErr: "is not empty (it holds a.txt, b.txt, c.txt, and 1 more) and holds no ppctl run"},
		{name: "force removes only ppctl outputs", before: previousRun, opts: RunOptions{Force: true},
			after: []string{"fold0/", "fold0/notes.txt", "folder/", "folder/best.pth", "metrics.jsonl",
				"notes.txt", "other/", "other/x.pth", "submission.csv", "train.csv"}},
		{name: "force removes the command's outputs too", before: previousRun,
			opts: RunOptions{Force: true, Outputs: []string{"submission.csv"}},
			after: []string{"fold0/", "fold0/notes.txt", "folder/", "folder/best.pth", "metrics.jsonl",
				"notes.txt", "other/", "other/x.pth", "train.csv"}},
		{name: "force on a directory without a run", before: []string{"notes.txt"},
			opts: RunOptions{Force: true}, after: []string{"metrics.jsonl", "notes.txt"}},
		{name: "resume keeps everything", before: previousRun, opts: RunOptions{Resume: true},
			same: true},
		{name: "resume needs a directory", missing: true, opts: RunOptions{Resume: true},
			wantErr: "does not exist, so there is no run to resume"},
		{name: "resume needs a manifest", before: []string{"metrics.jsonl"}, opts: RunOptions{Resume: true},
			wantErr: "holds no manifest.json, so there is no run to resume"},
		{name: "force and resume contradict", opts: RunOptions{Force: true, Resume: true},
			wantErr: "pass --force to start the run afresh or --resume to continue it, not both"},
		{name: "bad output pattern", opts: RunOptions{Force: true, Outputs: []string{"[x"}},
			wantErr: `output pattern "[x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "runs", "x")
			var before []string
			if !tc.missing {
				writeTree(t, dir, append([]string{"./"}, tc.before...))
				before = listTree(t, dir)
			}
			run, err := OpenRun(dir, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one holding %q", err, tc.wantErr)
				}
				if !tc.missing && !reflect.DeepEqual(listTree(t, dir), before) {
					t.Errorf("a refused OpenRun changed the directory: %v", listTree(t, dir))
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenRun: %v", err)
			}
			if err := run.Close(nil); err != nil {
				t.Fatalf("Close: %v", err)
			}
			want := sorted(tc.after)
			if tc.same {
				want = before
			}
			if got := listTree(t, dir); !reflect.DeepEqual(got, want) {
				t.Errorf("files after OpenRun:\ngot  %v\nwant %v", got, want)
			}
			if run.Resumed() != tc.opts.Resume {
				t.Errorf("Resumed() = %v, want %v", run.Resumed(), tc.opts.Resume)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func TestOpenRunErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct{ name, dir, wantErr string }{
		{"no directory", "", "pass --out DIR"},
		{"a file", file, "pass a directory for --out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := OpenRun(tc.dir, RunOptions{}); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want an error holding %q", err, tc.wantErr)
			}
		})
	}
}

func TestRunPaths(t *testing.T) {
	dir := t.TempDir()
	run := openTestRun(t, dir, RunOptions{})
	defer run.Close(nil)
	if got, want := run.Path("fold0/best.pth"), filepath.Join(dir, "fold0", "best.pth"); got != want {
		t.Errorf("Path = %s, want %s", got, want)
	}
	for _, name := range []string{"fold10", "fold2", "fold0", "foldx"} {
		p, err := run.Sub(name)
		if err != nil {
			t.Fatalf("Sub(%s): %v", name, err)
		}
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			t.Errorf("Sub(%s) made no directory at %s: %v", name, p, err)
		}
	}
	folds, err := run.Folds()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fold0", "fold2", "fold10"}; !reflect.DeepEqual(folds, want) {
		t.Errorf("Folds = %v, want %v", folds, want)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	run := openTestRun(t, dir, RunOptions{})
	defer run.Close(nil)
	if _, err := run.Sub("fold0"); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"first", "second, longer"} {
		if err := run.WriteFile("fold0/best.pth.json", []byte(content)); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
		got, err := os.ReadFile(run.Path("fold0/best.pth.json"))
		if err != nil || string(got) != content {
			t.Errorf("read back %q (%v), want %q", got, err, content)
		}
	}
	if got, want := listTree(t, dir), []string{"fold0/", "fold0/best.pth.json", "metrics.jsonl"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files = %v, want %v (no temp file left)", got, want)
	}
	st, _ := os.Stat(run.Path("fold0/best.pth.json"))
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}

	a, err := CreateAtomic(run.Path("pseudolabels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("image_id\n"))
	a.Abort()
	if _, err := os.Stat(run.Path("pseudolabels.csv")); !os.IsNotExist(err) {
		t.Errorf("an aborted write left the file: %v", err)
	}
	if err := a.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if got := len(listTree(t, dir)); got != 3 {
		t.Errorf("Abort left a temp file: %v", listTree(t, dir))
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
