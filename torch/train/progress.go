package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// ReportMode is how a Reporter shows training progress; it is the value of
// the training commands' progress flag.
type ReportMode int

// The report modes.
const (
	// ReportAuto is ReportBar when the writer is a terminal (and TERM is not
	// "dumb"), ReportPlain otherwise. It is the zero value.
	ReportAuto ReportMode = iota
	// ReportBar redraws a progress bar per epoch (step/total, running loss,
	// images/s, elapsed and ETA) and leaves a table row per epoch.
	ReportBar
	// ReportPlain writes the table rows and, during long epochs, a progress
	// line every ReportOptions.PlainEvery: for logs and pipes.
	ReportPlain
	// ReportQuiet writes only the final summary.
	ReportQuiet
	// ReportJSON writes each epoch's Record as a JSON line, as metrics.jsonl
	// holds it, and a summary object (with a "status" field) last.
	ReportJSON
)

var reportModeNames = [...]string{"auto", "bar", "plain", "quiet", "json"}

// String returns the flag spelling of m: auto, bar, plain, quiet or json.
func (m ReportMode) String() string {
	if m < 0 || int(m) >= len(reportModeNames) {
		return fmt.Sprintf("ReportMode(%d)", int(m))
	}
	return reportModeNames[m]
}

// ParseReportMode reads a flag value: auto, bar, plain, quiet or json (any
// case; empty is auto).
func ParseReportMode(s string) (ReportMode, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ReportAuto, nil
	}
	for i, n := range reportModeNames {
		if s == n {
			return ReportMode(i), nil
		}
	}
	return ReportAuto, fmt.Errorf("train: progress mode %q: want one of %s",
		s, strings.Join(reportModeNames[:], ", "))
}

// MarshalText writes m as String does.
func (m ReportMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads m as ParseReportMode does.
func (m *ReportMode) UnmarshalText(b []byte) error {
	v, err := ParseReportMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// PhaseInfo describes a phase of training (a fit_one_cycle) to a Reporter.
type PhaseInfo struct {
	Stage      string   // "rotnet", "finetune", ...; empty leaves it out of the title
	Fold       *int     // the fold, from 0; nil outside k-fold stages
	Phase      string   // "freeze", "unfreeze", ...; empty leaves it out of the title
	Epochs     int      // epochs in the phase
	Steps      int      // training batches per epoch; 0 when unknown (no ETA)
	ValidSteps int      // validation batches per epoch; 0 when unknown or none
	Columns    []string // Record fields shown between "epoch" and "time"; nil is DefaultColumns
}

// DefaultColumns are the table's metric columns when PhaseInfo.Columns is
// nil, as fastai shows them for a classifier.
func DefaultColumns() []string {
	return []string{"train_loss", "valid_loss", "accuracy", "roc_auc"}
}

// StepInfo is what a Reporter hears after each batch.
type StepInfo struct {
	Epoch  int     // the epoch within the phase, from 0
	Step   int     // batches done in this pass of the epoch, from 1
	Loss   float64 // the batch's loss
	Images int     // images in the batch
	Valid  bool    // a validation batch; otherwise a training one
}

// Summary is what a Reporter shows when the stage is over.
type Summary struct {
	Stage   string        // the stage, as in PhaseInfo
	Err     error         // what the stage ended with; nil for success
	Epochs  int           // epochs run, all phases and folds together
	Elapsed time.Duration // wall time of the stage
	Monitor string        // the Record field that picked the best epoch, e.g. "valid_loss"; empty for none
	Best    *Record       // the best epoch's record; nil for none
	Out     string        // where the results are: the run directory or a file; empty leaves it out
}

// Reporter shows training progress. The training loop calls StartPhase,
// then per epoch Step after every batch and EndEpoch with the epoch's record,
// then EndPhase; Finish once at the end. Step is cheap (no allocation, no
// output between redraws). A Reporter is not safe for concurrent use, and
// it ignores write errors: progress never stops training.
type Reporter interface {
	StartPhase(PhaseInfo)
	Step(StepInfo)
	EndEpoch(Record)
	EndPhase()
	Finish(Summary)
}

// ReportOptions tunes a Reporter's output.
type ReportOptions struct {
	// Refresh is the shortest time between two redraws of the bar. Default
	// 200ms; zero redraws at every step.
	Refresh time.Duration
	// PlainEvery is how often ReportPlain writes a progress line during an
	// epoch. Default 30s; zero writes none (only the table rows).
	PlainEvery time.Duration
	// BarWidth is the bar's width in characters. Default 25; zero means 25.
	BarWidth int
}

// DefaultReportOptions returns a 200ms bar refresh, a plain line every 30s
// and a 25-character bar.
func DefaultReportOptions() ReportOptions {
	return ReportOptions{Refresh: 200 * time.Millisecond, PlainEvery: 30 * time.Second, BarWidth: 25}
}

// NewReporter returns a Reporter that writes to w in mode, with
// DefaultReportOptions.
func NewReporter(w io.Writer, mode ReportMode) Reporter {
	return NewReporterWith(w, mode, DefaultReportOptions())
}

// NewReporterWith returns a Reporter that writes to w in mode with o.
func NewReporterWith(w io.Writer, mode ReportMode, o ReportOptions) Reporter {
	if mode == ReportAuto {
		mode = ReportPlain
		if isTerminal(w) {
			mode = ReportBar
		}
	}
	if o.BarWidth <= 0 {
		o.BarWidth = 25
	}
	switch mode {
	case ReportQuiet:
		return &quietReporter{w: w}
	case ReportJSON:
		return &jsonReporter{w: w, clock: time.Now}
	}
	return newTextReporter(w, mode == ReportBar, o)
}

// isTerminal reports whether w is a terminal that can redraw a line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// quietReporter writes the summary line only.
type quietReporter struct{ w io.Writer }

func (q *quietReporter) StartPhase(PhaseInfo) {}
func (q *quietReporter) Step(StepInfo)        {}
func (q *quietReporter) EndEpoch(Record)      {}
func (q *quietReporter) EndPhase()            {}
func (q *quietReporter) Finish(s Summary)     { io.WriteString(q.w, summaryLine(s)) }

// jsonReporter writes records and the summary as JSON lines.
type jsonReporter struct {
	w     io.Writer
	clock func() time.Time
	buf   []byte
}

func (j *jsonReporter) StartPhase(PhaseInfo) {}
func (j *jsonReporter) Step(StepInfo)        {}
func (j *jsonReporter) EndPhase()            {}

// EndEpoch writes rec as metrics.jsonl would, its time filled when zero.
func (j *jsonReporter) EndEpoch(rec Record) {
	if rec.Time.IsZero() {
		rec.Time = j.clock().Truncate(time.Millisecond)
	}
	var err error
	if j.buf, err = appendRecordLine(j.buf[:0], rec); err == nil {
		j.w.Write(j.buf)
	}
}

// summaryJSON is the last line of ReportJSON; "status" tells it from records.
type summaryJSON struct {
	Status   RunStatus `json:"status"`
	Stage    string    `json:"stage,omitempty"`
	Epochs   int       `json:"epochs"`
	ElapsedS float64   `json:"elapsed_s"`
	Monitor  string    `json:"monitor,omitempty"`
	Best     *Record   `json:"best,omitempty"`
	Out      string    `json:"out,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// Finish writes the summary object.
func (j *jsonReporter) Finish(s Summary) {
	out := summaryJSON{
		Status: statusOf(s.Err), Stage: s.Stage, Epochs: s.Epochs,
		ElapsedS: math.Round(s.Elapsed.Seconds()*1000) / 1000,
		Monitor:  s.Monitor, Best: s.Best, Out: s.Out,
	}
	if s.Err != nil {
		out.Error = s.Err.Error()
	}
	if b, err := json.Marshal(out); err == nil {
		j.w.Write(append(b, '\n'))
	}
}
