package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseReportMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ReportMode
		ok   bool
	}{
		{"", ReportAuto, true}, {"auto", ReportAuto, true}, {"bar", ReportBar, true},
		{"plain", ReportPlain, true}, {" Quiet ", ReportQuiet, true}, {"JSON", ReportJSON, true},
		{"verbose", ReportAuto, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseReportMode(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseReportMode(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			if !tc.ok {
				if !strings.Contains(err.Error(), "auto, bar, plain, quiet, json") {
					t.Errorf("error %q does not list the modes", err)
				}
				return
			}
			var m ReportMode
			if err := m.UnmarshalText([]byte(got.String())); err != nil || m != got {
				t.Errorf("String/UnmarshalText round trip of %v gave %v, %v", got, m, err)
			}
		})
	}
	if s := ReportMode(9).String(); s != "ReportMode(9)" {
		t.Errorf("String of a bad mode = %q", s)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00"}, {-time.Second, "00:00"}, {12900 * time.Millisecond, "00:12"},
		{61 * time.Second, "01:01"}, {59*time.Minute + 59*time.Second, "59:59"},
		{time.Hour + 62*time.Second, "1:01:02"}, {100 * time.Hour, "100:00:00"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestTable(t *testing.T) {
	for _, tc := range []struct {
		name string
		cols []string
		rec  Record
		took time.Duration
		head string
		row  string
	}{
		{"fastai classifier columns", DefaultColumns(),
			Record{Epoch: new(0), TrainLoss: new(0.693147), ValidLoss: new(0.6487212), Accuracy: new(0.5), ROCAUC: new(0.75)},
			12 * time.Second,
			"epoch     train_loss  valid_loss  accuracy  roc_auc   time",
			"0         0.693147    0.648721    0.500000  0.750000  00:12"},
		{"missing values and a wide loss", DefaultColumns(),
			Record{Epoch: new(11), TrainLoss: new(123.25), Accuracy: new(0.0)},
			time.Hour,
			"epoch     train_loss  valid_loss  accuracy  roc_auc   time",
			"11        123.250000  -           0.000000  -         1:00:00"},
		{"other columns", []string{"step", "lr", "img_per_s", "nonsense"},
			Record{Step: new(30), LR: new(4e-5), ImgPerS: new(212.34)},
			90 * time.Second,
			"epoch     step      lr        img_per_s  nonsense  time",
			"-         30        4.000e-05  212.3      -         01:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendHeader(nil, tc.cols)); got != tc.head+"\n" {
				t.Errorf("header:\ngot  %q\nwant %q", got, tc.head+"\n")
			}
			if got := string(appendRow(nil, tc.cols, tc.rec, tc.took)); got != tc.row+"\n" {
				t.Errorf("row:\ngot  %q\nwant %q", got, tc.row+"\n")
			}
		})
	}
}

func TestLossMeter(t *testing.T) {
	// Expected values from fastai's SmoothLoss formula, evaluated by
	// /usr/bin/python3: a = 0.98a + 0.02l; a/(1-0.98^n).
	for _, tc := range []struct {
		name   string
		losses []float64
		valid  bool
		want   float64
	}{
		{"one", []float64{1}, false, 1},
		{"two", []float64{1, 2}, false, 1.5050505050505034},
		{"three", []float64{1, 2, 1}, false, 1.3332879880288389},
		{"validation mean", []float64{0.5, 1.5, 4}, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m lossMeter
			for _, l := range tc.losses {
				m.add(l, tc.valid)
			}
			if got := m.value(); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("got %.16g, want %.16g", got, tc.want)
			}
		})
	}
	var m lossMeter
	if !math.IsNaN(m.value()) {
		t.Errorf("an empty meter gives %g, want NaN", m.value())
	}
}

// testReporter returns a text reporter on buf whose clock is clock.
func testReporter(buf *bytes.Buffer, bar bool, o ReportOptions, clock *fakeClock) *textReporter {
	r := newTextReporter(buf, bar, o)
	r.clock = clock.now
	return r
}

// phase0 is the phase the reporter tests run: 2 epochs of 4 batches of 8
// images and 2 validation batches.
var phase0 = PhaseInfo{Stage: "finetune", Fold: new(0), Phase: "freeze", Epochs: 2, Steps: 4, ValidSteps: 2}

func TestPlainReporter(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	o := DefaultReportOptions()
	o.PlainEvery = 10 * time.Second
	r := testReporter(&buf, false, o, clock)
	step := func(after time.Duration, s StepInfo) {
		clock.advance(after)
		r.Step(s)
	}
	r.StartPhase(phase0)
	for i, l := range []float64{1, 2, 1, 2} { // at 4s, 8s, 12s (a line), 16s
		step(4*time.Second, StepInfo{Epoch: 0, Step: i + 1, Loss: l, Images: 8})
	}
	clock.advance(4 * time.Second)
	r.EndEpoch(Record{Fold: new(0), Phase: "freeze", Epoch: new(0), TrainLoss: new(0.5),
		ValidLoss: new(0.25), Accuracy: new(0.0), ROCAUC: new(1.0)})
	for i, l := range []float64{1, 2, 1, 2} { // at 25s, 30s (a line), 35s, 40s (a line)
		step(5*time.Second, StepInfo{Epoch: 1, Step: i + 1, Loss: l, Images: 8})
	}
	step(time.Second, StepInfo{Epoch: 1, Step: 1, Loss: 0.5, Images: 8, Valid: true})
	step(11*time.Second, StepInfo{Epoch: 1, Step: 2, Loss: 1.5, Images: 8, Valid: true})
	clock.advance(8 * time.Second)
	best := Record{Fold: new(0), Phase: "freeze", Epoch: new(1), TrainLoss: new(0.125), Accuracy: new(0.75)}
	r.EndEpoch(best)
	r.EndPhase()
	r.Finish(Summary{Stage: "finetune", Epochs: 2, Elapsed: time.Minute, Monitor: "accuracy",
		Best: &best, Out: "runs/x"})

	want := strings.Join([]string{
		"finetune fold 0 freeze: 2 epochs",
		"epoch     train_loss  valid_loss  accuracy  roc_auc   time",
		"epoch 1/2 train 3/4 loss 1.333288 2.0 img/s eta 00:04",
		"0         0.500000    0.250000    0.000000  1.000000  00:20",
		"epoch 2/2 train 2/4 loss 1.505051 1.6 img/s eta 00:10",
		"epoch 2/2 train 4/4 loss 1.505051 1.6 img/s",
		"epoch 2/2 valid 2/2 loss 1.000000 1.3 img/s",
		"1         0.125000    -           0.750000  -         00:40",
		"finetune: ok, 2 epochs in 01:00; best accuracy 0.750000 at epoch 1 (fold 0, freeze); results in runs/x",
	}, "\n") + "\n"
	if got := buf.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlainReporterNoProgressLines(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	o := DefaultReportOptions()
	o.PlainEvery = 0
	r := testReporter(&buf, false, o, clock)
	r.StartPhase(PhaseInfo{Epochs: 1, Columns: []string{"train_loss"}})
	for i := 1; i <= 3; i++ {
		clock.advance(time.Hour)
		r.Step(StepInfo{Step: i, Loss: 1, Images: 1})
	}
	r.EndEpoch(Record{Epoch: new(0), TrainLoss: new(1.0)})
	want := "1 epoch\nepoch     train_loss  time\n0         1.000000    3:00:00\n"
	if got := buf.String(); got != want {
		t.Errorf("output:\n%q\nwant:\n%q", got, want)
	}
}

func TestQuietReporter(t *testing.T) {
	var buf bytes.Buffer
	r := NewReporter(&buf, ReportQuiet)
	r.StartPhase(phase0)
	r.Step(StepInfo{Step: 1, Loss: 1, Images: 8})
	r.EndEpoch(Record{Epoch: new(0), TrainLoss: new(1.0)})
	r.EndPhase()
	r.Finish(Summary{Stage: "rotnet", Err: context.Canceled, Epochs: 1, Elapsed: time.Hour + 125*time.Second})
	if got, want := buf.String(), "rotnet: interrupted after 1 epoch in 1:02:05\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestJSONReporter(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	r := NewReporter(&buf, ReportJSON).(*jsonReporter)
	r.clock = clock.now
	recs, _ := twoEpochs()
	r.StartPhase(phase0)
	for _, rec := range recs {
		r.Step(StepInfo{Step: 1, Loss: 1, Images: 8})
		r.EndEpoch(rec)
	}
	r.EndPhase()
	r.Finish(Summary{Stage: "finetune", Err: errors.New("boom"), Epochs: 2, Elapsed: 1500 * time.Millisecond})

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(recs)+1 {
		t.Fatalf("got %d lines, want %d records and a summary:\n%s", len(lines), len(recs), buf.String())
	}
	for i, rec := range recs {
		rec.Time = clock.t
		want, _ := json.Marshal(rec)
		if lines[i] != string(want) {
			t.Errorf("line %d:\ngot  %s\nwant %s (as metrics.jsonl)", i+1, lines[i], want)
		}
	}
	want := `{"status":"failed","stage":"finetune","epochs":2,"elapsed_s":1.5,"error":"boom"}`
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("summary:\ngot  %s\nwant %s", got, want)
	}
}

func TestBarReporter(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	o := DefaultReportOptions()
	o.Refresh = 0 // redraw at every step
	r := testReporter(&buf, true, o, clock)
	r.StartPhase(phase0)
	head := buf.Len()
	for i := 1; i <= 4; i++ {
		clock.advance(time.Second)
		r.Step(StepInfo{Epoch: 0, Step: i, Loss: 1, Images: 8})
	}
	clock.advance(time.Second)
	r.EndEpoch(Record{Epoch: new(0), TrainLoss: new(0.5)})
	out := buf.String()
	bar, rest := out[head:], ""
	if i := strings.LastIndex(bar, "\r"); i >= 0 {
		bar, rest = bar[:i], bar[i+1:]
	}
	// The last step fills the bar, which clears itself for the row.
	for _, want := range []string{"epoch 1/2 train loss 1.000000 8.0 img/s", "(1/4)", "(3/4)"} {
		if !strings.Contains(bar, want) {
			t.Errorf("bar output %q lacks %q", bar, want)
		}
	}
	if want := "0         0.500000    -           -         -         00:05\n"; rest != want {
		t.Errorf("after the bar: got %q, want the row %q", rest, want)
	}
	if !strings.Contains(bar, "\x1b[2K") {
		t.Errorf("the bar is not cleared before the row: %q", bar)
	}
}

func TestReporterStepAllocs(t *testing.T) {
	for _, tc := range []struct {
		name string
		bar  bool
	}{{"plain", false}, {"bar", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			clock := newFakeClock()
			r := testReporter(&buf, tc.bar, DefaultReportOptions(), clock)
			r.StartPhase(PhaseInfo{Epochs: 1, Steps: 1000})
			r.Step(StepInfo{Step: 1, Loss: 1, Images: 8}) // the bar draws its first step
			i := 1
			allocs := testing.AllocsPerRun(100, func() {
				i++
				clock.advance(time.Millisecond)
				r.Step(StepInfo{Step: i, Loss: 1, Images: 8})
			})
			if allocs != 0 {
				t.Errorf("%v allocations per step between redraws, want 0", allocs)
			}
		})
	}
}

func TestAutoMode(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []any{&bytes.Buffer{}, f} {
		var r Reporter
		if b, ok := w.(*bytes.Buffer); ok {
			r = NewReporter(b, ReportAuto)
		} else {
			r = NewReporter(f, ReportAuto)
		}
		if tr, ok := r.(*textReporter); !ok || tr.bar {
			t.Errorf("auto mode on %T gave %T (bar %v), want plain", w, r, ok && tr.bar)
		}
	}
}

func TestBarUnknownLength(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	o := DefaultReportOptions()
	o.Refresh = 0
	r := testReporter(&buf, true, o, clock)
	r.StartPhase(PhaseInfo{Epochs: 1}) // no step counts: a spinner, no ETA
	for i := 1; i <= 30; i++ {
		clock.advance(time.Second)
		r.Step(StepInfo{Step: i, Loss: 2, Images: 4})
	}
	r.EndEpoch(Record{Epoch: new(0), TrainLoss: new(2.0)})
	out := buf.String()
	if !strings.Contains(out, "epoch 1/1 train loss 2.000000 4.0 img/s") {
		t.Errorf("spinner output lacks the progress text: %q", out)
	}
	if want := "\n0         2.000000    -           -         -         00:30\n"; !strings.HasSuffix(out, want[1:]) {
		t.Errorf("output does not end in the row %q: %q", want[1:], out)
	}
}

func TestRowWithoutStartPhase(t *testing.T) {
	var buf bytes.Buffer
	r := testReporter(&buf, false, DefaultReportOptions(), newFakeClock())
	r.EndEpoch(Record{Phase: "eval", ValidLoss: new(0.5), Accuracy: new(1.0)})
	r.EndEpoch(Record{Phase: "eval", ValidLoss: new(0.25)})
	want := "epoch     train_loss  valid_loss  accuracy  roc_auc   time\n" +
		"-         -           0.500000    1.000000  -         00:00\n" +
		"-         -           0.250000    -         -         00:00\n"
	if got := buf.String(); got != want {
		t.Errorf("output:\n%q\nwant:\n%q", got, want)
	}
}
