package train

import (
	"io"
	"math"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
)

// textReporter is ReportBar and ReportPlain: the epoch table, and between
// rows either a redrawn bar or a progress line now and then.
type textReporter struct {
	w     io.Writer
	bar   bool // ReportBar; else ReportPlain
	opts  ReportOptions
	clock func() time.Time

	phase  PhaseInfo
	cols   []string
	header bool // the table header of this phase is out

	lastEvent  time.Time // when the reporter last heard anything
	epochStart time.Time // when the current epoch began

	// The current pass: the training or validation batches of one epoch.
	inPass    bool
	epoch     int
	valid     bool
	passStart time.Time
	step      int
	images    int
	loss      lossMeter
	lastDraw  time.Time
	pb        *progressbar.ProgressBar
	descWidth int // the widest bar description of the pass so far

	buf []byte
}

func newTextReporter(w io.Writer, bar bool, o ReportOptions) *textReporter {
	now := time.Now()
	return &textReporter{w: w, bar: bar, opts: o, clock: time.Now, lastEvent: now, epochStart: now,
		cols: DefaultColumns()}
}

// StartPhase writes the phase's title and the table header.
func (r *textReporter) StartPhase(p PhaseInfo) {
	r.endPass()
	r.phase = p
	r.cols = p.Columns
	if r.cols == nil {
		r.cols = DefaultColumns()
	}
	now := r.clock()
	r.lastEvent, r.epochStart = now, now
	r.buf = appendTitle(r.buf[:0], p)
	r.buf = appendHeader(r.buf, r.cols)
	r.header = true
	r.w.Write(r.buf)
}

// appendTitle appends "rotnet fold 0 freeze: 2 epochs" and a newline, the
// parts that p lacks left out.
func appendTitle(buf []byte, p PhaseInfo) []byte {
	start := len(buf)
	for _, part := range []string{p.Stage, foldName(p.Fold), p.Phase} {
		if part == "" {
			continue
		}
		if len(buf) > start {
			buf = append(buf, ' ')
		}
		buf = append(buf, part...)
	}
	if len(buf) > start {
		buf = append(buf, ": "...)
	}
	buf = strconv.AppendInt(buf, int64(p.Epochs), 10)
	if p.Epochs == 1 {
		buf = append(buf, " epoch\n"...)
	} else {
		buf = append(buf, " epochs\n"...)
	}
	return buf
}

func foldName(fold *int) string {
	if fold == nil {
		return ""
	}
	return "fold " + strconv.Itoa(*fold)
}

// Step counts the batch and redraws when the refresh interval has passed.
func (r *textReporter) Step(s StepInfo) {
	now := r.clock()
	if !r.inPass || s.Epoch != r.epoch || s.Valid != r.valid {
		r.startPass(s)
	}
	r.lastEvent = now
	r.step = s.Step
	r.images += s.Images
	r.loss.add(s.Loss, s.Valid)
	every := r.opts.PlainEvery
	if r.bar {
		every = r.opts.Refresh
	} else if every <= 0 {
		return
	}
	if now.Sub(r.lastDraw) < every {
		return
	}
	r.lastDraw = now
	r.draw(now)
}

// startPass ends the previous pass and starts counting s's.
func (r *textReporter) startPass(s StepInfo) {
	r.endPass()
	r.inPass, r.epoch, r.valid = true, s.Epoch, s.Valid
	r.passStart = r.lastEvent // the pass's first batch began when the last event ended
	r.step, r.images = 0, 0
	r.loss = lossMeter{}
	r.lastDraw = r.passStart
	r.descWidth = 0
	if r.bar {
		r.lastDraw = time.Time{} // draw the first step at once
		r.pb = progressbar.NewOptions(r.passTotal(),
			progressbar.OptionSetWriter(r.w),
			progressbar.OptionSetWidth(r.opts.BarWidth),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionSetSpinnerChangeInterval(0), // no redraw goroutine
			progressbar.OptionSetDescription(string(r.appendProgress(nil, false, 0))),
		)
	}
}

// passTotal is the number of batches of the current pass, -1 when unknown.
func (r *textReporter) passTotal() int {
	n := r.phase.Steps
	if r.valid {
		n = r.phase.ValidSteps
	}
	if n <= 0 {
		return -1
	}
	return n
}

// draw shows the pass's progress: a bar redraw, or one plain line.
func (r *textReporter) draw(now time.Time) {
	if r.bar {
		r.buf = r.appendProgress(r.buf[:0], false, now.Sub(r.passStart))
		for len(r.buf) < r.descWidth { // a steady bar: the text never shrinks
			r.buf = append(r.buf, ' ')
		}
		r.descWidth = len(r.buf)
		r.pb.Describe(string(r.buf))
		r.pb.Set(r.step)
		return
	}
	r.buf = r.appendProgress(r.buf[:0], true, now.Sub(r.passStart))
	r.buf = append(r.buf, '\n')
	r.w.Write(r.buf)
}

// appendProgress appends the pass's state, e.g.
//
//	epoch 1/2 train 45/120 loss 0.412345 212.3 img/s eta 00:12
//
// where the bar shows the counts and times itself, only
//
//	epoch 1/2 train loss 0.412345 212.3 img/s
//
// Epochs count from 1 here, as fastai's epoch bar does.
func (r *textReporter) appendProgress(buf []byte, plain bool, elapsed time.Duration) []byte {
	buf = append(buf, "epoch "...)
	buf = strconv.AppendInt(buf, int64(r.epoch+1), 10)
	if r.phase.Epochs > 0 {
		buf = append(buf, '/')
		buf = strconv.AppendInt(buf, int64(r.phase.Epochs), 10)
	}
	if r.valid {
		buf = append(buf, " valid"...)
	} else {
		buf = append(buf, " train"...)
	}
	total := r.passTotal()
	if plain {
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, int64(r.step), 10)
		if total > 0 {
			buf = append(buf, '/')
			buf = strconv.AppendInt(buf, int64(total), 10)
		}
	}
	if r.step > 0 {
		buf = append(buf, " loss "...)
		buf = strconv.AppendFloat(buf, r.loss.value(), 'f', 6, 64)
	}
	if secs := elapsed.Seconds(); secs > 0 && r.images > 0 {
		buf = append(buf, ' ')
		buf = strconv.AppendFloat(buf, float64(r.images)/secs, 'f', 1, 64)
		buf = append(buf, " img/s"...)
	}
	if plain && total > 0 && r.step > 0 && r.step < total {
		left := time.Duration(float64(elapsed) * float64(total-r.step) / float64(r.step))
		buf = append(buf, " eta "...)
		buf = appendDuration(buf, left)
	}
	return buf
}

// endPass clears the bar of the current pass, if any.
func (r *textReporter) endPass() {
	if r.pb != nil {
		r.pb.Finish() // with ClearOnFinish: erases the line
		r.pb = nil
	}
	r.inPass = false
}

// EndEpoch replaces the bar by the epoch's table row, after the header if
// StartPhase did not write one.
func (r *textReporter) EndEpoch(rec Record) {
	r.endPass()
	now := r.clock()
	r.buf = r.buf[:0]
	if !r.header {
		r.buf = appendHeader(r.buf, r.cols)
		r.header = true
	}
	r.buf = appendRow(r.buf, r.cols, rec, now.Sub(r.epochStart))
	r.w.Write(r.buf)
	r.lastEvent, r.epochStart = now, now
}

// EndPhase clears a bar left over by a phase that ended mid-epoch.
func (r *textReporter) EndPhase() {
	r.endPass()
	r.header = false
}

// Finish writes the summary line.
func (r *textReporter) Finish(s Summary) {
	r.endPass()
	io.WriteString(r.w, summaryLine(s))
}

// lossMeter is the running loss of a pass: for training fastai's smoothed
// loss (an exponential moving average with beta 0.98, divided by 1-beta^n
// to remove its bias towards 0), for validation the plain mean.
type lossMeter struct {
	n   int
	avg float64 // the biased moving average, or the sum for validation
	sum bool    // validation: a mean instead of a moving average
}

// lossBeta is fastai's SmoothLoss beta.
const lossBeta = 0.98

func (m *lossMeter) add(loss float64, valid bool) {
	m.n++
	m.sum = valid
	if valid {
		m.avg += loss
		return
	}
	m.avg = lossBeta*m.avg + (1-lossBeta)*loss
}

// value is the running loss, NaN before the first batch.
func (m *lossMeter) value() float64 {
	if m.n == 0 {
		return math.NaN()
	}
	if m.sum {
		return m.avg / float64(m.n)
	}
	return m.avg / (1 - math.Pow(lossBeta, float64(m.n)))
}
