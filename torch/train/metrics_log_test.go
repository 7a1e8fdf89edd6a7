package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for runs and reporters.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)} }
func openTestRun(t *testing.T, dir string, opts RunOptions) *Run {
	t.Helper()
	r, err := OpenRun(dir, opts)
	if err != nil {
		t.Fatalf("OpenRun(%s, %+v): %v", dir, opts, err)
	}
	return r
}

// twoEpochs is the sequence a 2-epoch fine-tune of fold 0 logs, plus an
// evaluation record; wantKeys lists the fields each line must hold.
func twoEpochs() (recs []Record, wantKeys [][]string) {
	recs = []Record{
		{Stage: "finetune", Fold: new(0), Phase: "freeze", Epoch: new(0), Step: new(3),
			LR: new(1e-4), TrainLoss: new(0.5), ValidLoss: new(0.25), Accuracy: new(0.0),
			ROCAUC: new(1.0), ImgPerS: new(12.5)},
		{Stage: "finetune", Fold: new(0), Phase: "unfreeze", Epoch: new(0), Step: new(6),
			LR: new(2.5e-7), TrainLoss: new(0.125), ValidLoss: new(0.0625), Accuracy: new(0.75),
			ROCAUC: new(0.875), ImgPerS: new(1e6)},
		{Stage: "finetune", Fold: new(0), Phase: "eval", ValidLoss: new(0.0625), Accuracy: new(0.75)},
	}
	all := []string{"time", "stage", "fold", "phase", "epoch", "step", "lr", "train_loss",
		"valid_loss", "accuracy", "roc_auc", "img_per_s"}
	wantKeys = [][]string{all, all, {"time", "stage", "fold", "phase", "valid_loss", "accuracy"}}
	return recs, wantKeys
}

func TestLogSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	run := openTestRun(t, dir, RunOptions{})
	clock := newFakeClock()
	run.now = clock.now
	recs, wantKeys := twoEpochs()
	for _, rec := range recs {
		clock.advance(1500 * time.Millisecond)
		if err := run.Log(rec); err != nil {
			t.Fatalf("Log: %v", err)
		}
	}
	if err := run.Close(nil); err != nil {
		t.Fatalf("Close: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(recs), b)
	}
	// The exact first line: field order, number formats, epoch 0 and
	// accuracy 0 written, time to the millisecond.
	wantFirst := `{"time":"2026-12-01T10:00:01.5Z","stage":"finetune","fold":0,"phase":"freeze",` +
		`"epoch":0,"step":3,"lr":0.0001,"train_loss":0.5,"valid_loss":0.25,"accuracy":0,` +
		`"roc_auc":1,"img_per_s":12.5}`
	if lines[0] != wantFirst {
		t.Errorf("line 1:\ngot  %s\nwant %s", lines[0], wantFirst)
	}
	types := map[string]string{"time": "string", "stage": "string", "phase": "string"}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		var keys []string
		for k, v := range m {
			keys = append(keys, k)
			want := types[k]
			if want == "" {
				want = "number"
			}
			got := fmt.Sprintf("%T", v)
			switch v.(type) {
			case string:
				got = "string"
			case float64:
				got = "number"
			}
			if got != want {
				t.Errorf("line %d field %s: got a %s, want a %s", i+1, k, got, want)
			}
		}
		sort.Strings(keys)
		want := append([]string(nil), wantKeys[i]...)
		sort.Strings(want)
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("line %d fields:\ngot  %v\nwant %v", i+1, keys, want)
		}
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil {
			t.Errorf("line %d time: %v", i+1, err)
		}
	}
	got, err := ReadMetrics(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatalf("ReadMetrics: %v", err)
	}
	for i := range recs {
		recs[i].Time = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i+1) * 1500 * time.Millisecond)
	}
	if !reflect.DeepEqual(got, recs) {
		t.Errorf("read back:\ngot  %s\nwant %s", dumpRecords(got), dumpRecords(recs))
	}
}

func dumpRecords(recs []Record) string {
	var b bytes.Buffer
	for _, r := range recs {
		j, _ := json.Marshal(r)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestRecordJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Record
		want string
	}{
		{"empty", Record{}, `{}`},
		{"zeros are values", Record{Fold: new(0), Epoch: new(0), Step: new(0), Accuracy: new(0.0)},
			`{"fold":0,"epoch":0,"step":0,"accuracy":0}`},
		{"NaN loss is null", Record{TrainLoss: new(math.NaN())}, `{"train_loss":null}`},
		{"Inf loss is null", Record{ValidLoss: new(math.Inf(1))}, `{"valid_loss":null}`},
		{"tiny and huge in e-notation", Record{LR: new(1e-7), ImgPerS: new(1e21)}, `{"lr":1e-7,"img_per_s":1e+21}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestReadMetricsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, wantErr string
		want                   int
	}{
		{"blank lines skipped", "{\"epoch\":0}\n\n{\"epoch\":1}\n", "", 2},
		{"unknown fields ignored", "{\"epoch\":0,\"new_metric\":3}\n", "", 1},
		{"null is absent", "{\"train_loss\":null}\n", "", 1},
		{"damaged line named", "{\"epoch\":0}\n{\"epoch\":\n", "line 2", 0},
		{"wrong type named", "{\"epoch\":\"one\"}\n", "line 1", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".jsonl")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadMetrics(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("got %d records, want %d", len(got), tc.want)
			}
			if tc.name == "null is absent" && got[0].TrainLoss != nil {
				t.Errorf("null train_loss read as %v, want nil", *got[0].TrainLoss)
			}
		})
	}
	if _, err := ReadMetrics(filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("a missing file read without error")
	}
}

func TestResumeDropsHalfWrittenLine(t *testing.T) {
	dir := t.TempDir()
	run := openTestRun(t, dir, RunOptions{})
	if err := run.WriteManifest(Manifest{}); err != nil {
		t.Fatal(err)
	}
	if err := run.Log(Record{Epoch: new(0)}); err != nil {
		t.Fatal(err)
	}
	run.Close(nil)
	f, err := os.OpenFile(filepath.Join(dir, MetricsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"epoch":1,"tra`) // killed mid-write
	f.Close()

	run = openTestRun(t, dir, RunOptions{Resume: true})
	if err := run.Log(Record{Epoch: new(1)}); err != nil {
		t.Fatal(err)
	}
	run.Close(nil)
	got, err := ReadMetrics(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatalf("ReadMetrics after resume: %v", err)
	}
	if len(got) != 2 || *got[0].Epoch != 0 || *got[1].Epoch != 1 {
		t.Errorf("got %s, want epochs 0 and 1", dumpRecords(got))
	}
}

func TestLogAfterClose(t *testing.T) {
	run := openTestRun(t, t.TempDir(), RunOptions{})
	run.Close(nil)
	if err := run.Log(Record{}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Log after Close: got %v, want an error saying the run is closed", err)
	}
}

func TestLogConcurrent(t *testing.T) {
	dir := t.TempDir()
	run := openTestRun(t, dir, RunOptions{})
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := run.Log(Record{Fold: new(w), Epoch: new(i)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	run.Close(nil)
	got, err := ReadMetrics(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatalf("lines interleaved: %v", err)
	}
	if len(got) != writers*each {
		t.Errorf("got %d records, want %d", len(got), writers*each)
	}
}
