package train

import (
	"strconv"
	"strings"
	"time"
)

// The epoch table, as fastai prints it: one header per phase, then a row per
// epoch,
//
//	epoch     train_loss  valid_loss  accuracy  roc_auc   time
//	0         0.693147    0.648721    0.500000  0.750000  00:12
//
// Each column is as wide as its name and at least tableMinWidth, columns are
// two spaces apart and lines carry no trailing spaces. Losses and metrics
// have 6 decimals, lr 3 significant decimals in e-notation, img_per_s one
// decimal; a field the record lacks shows as "-". The time column is the
// epoch's wall time, mm:ss (h:mm:ss past an hour).

// tableMinWidth is the narrowest column.
const tableMinWidth = 8

// tableSep separates columns.
const tableSep = "  "

// tableWidths returns the widths of the columns: epoch, cols..., time.
func tableWidths(cols []string) []int {
	w := make([]int, 0, len(cols)+2)
	for _, name := range tableNames(cols) {
		w = append(w, max(len(name), tableMinWidth))
	}
	return w
}

// tableNames returns the header cells: epoch, cols..., time.
func tableNames(cols []string) []string {
	return append(append([]string{"epoch"}, cols...), "time")
}

// appendCells appends cells padded to widths and separated by tableSep,
// without trailing spaces, and a newline.
func appendCells(buf []byte, cells []string, widths []int) []byte {
	start := len(buf)
	for i, c := range cells {
		if i > 0 {
			buf = append(buf, tableSep...)
		}
		buf = append(buf, c...)
		for n := len(c); n < widths[i]; n++ {
			buf = append(buf, ' ')
		}
	}
	end := len(buf)
	for end > start && buf[end-1] == ' ' {
		end--
	}
	return append(buf[:end], '\n')
}

// appendHeader appends the table header for cols.
func appendHeader(buf []byte, cols []string) []byte {
	return appendCells(buf, tableNames(cols), tableWidths(cols))
}

// appendRow appends rec's row for cols with the epoch's wall time took.
func appendRow(buf []byte, cols []string, rec Record, took time.Duration) []byte {
	cells := make([]string, 0, len(cols)+2)
	if rec.Epoch != nil {
		cells = append(cells, strconv.Itoa(*rec.Epoch))
	} else {
		cells = append(cells, "-")
	}
	for _, c := range cols {
		cells = append(cells, formatField(rec, c))
	}
	cells = append(cells, formatDuration(took))
	return appendCells(buf, cells, tableWidths(cols))
}

// formatField formats the field name of rec for the table, "-" when rec
// lacks it or name is no numeric Record field.
func formatField(rec Record, name string) string {
	if name == "step" {
		if rec.Step == nil {
			return "-"
		}
		return strconv.Itoa(*rec.Step)
	}
	v, ok := recordValue(rec, name)
	if !ok {
		return "-"
	}
	switch name {
	case "lr":
		return strconv.FormatFloat(v, 'e', 3, 64)
	case "img_per_s":
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

// recordValue returns the float field of rec named as in metrics.jsonl
// (lr, train_loss, valid_loss, accuracy, roc_auc, img_per_s), or false when
// rec lacks it or there is no such field.
func recordValue(rec Record, name string) (float64, bool) {
	var p *float64
	switch name {
	case "lr":
		p = rec.LR
	case "train_loss":
		p = rec.TrainLoss
	case "valid_loss":
		p = rec.ValidLoss
	case "accuracy":
		p = rec.Accuracy
	case "roc_auc":
		p = rec.ROCAUC
	case "img_per_s":
		p = rec.ImgPerS
	}
	if p == nil {
		return 0, false
	}
	return *p, true
}

// formatDuration writes d as fastai does: mm:ss, or h:mm:ss from an hour on,
// whole seconds truncated.
func formatDuration(d time.Duration) string {
	return string(appendDuration(nil, d))
}

// appendDuration appends formatDuration(d) to buf without allocating.
func appendDuration(buf []byte, d time.Duration) []byte {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	h, m := s/3600, s/60%60
	s %= 60
	if h > 0 {
		buf = strconv.AppendInt(buf, h, 10)
		buf = append(buf, ':')
	}
	buf = append(buf, byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	return buf
}

// summaryLine is the one line that ends a stage in the text modes, e.g.
//
//	rotnet: ok, 2 epochs in 00:12; best valid_loss 0.412345 at epoch 1 (unfreeze); results in runs/x
//
// The error itself is the caller's to print: the line only says how it ended.
func summaryLine(s Summary) string {
	var b strings.Builder
	if s.Stage != "" {
		b.WriteString(s.Stage + ": ")
	}
	b.WriteString(string(statusOf(s.Err)))
	if s.Err == nil {
		b.WriteString(", ")
	} else {
		b.WriteString(" after ")
	}
	b.WriteString(strconv.Itoa(s.Epochs))
	if s.Epochs == 1 {
		b.WriteString(" epoch in ")
	} else {
		b.WriteString(" epochs in ")
	}
	b.WriteString(formatDuration(s.Elapsed))
	if s.Best != nil && s.Monitor != "" {
		if v, ok := recordValue(*s.Best, s.Monitor); ok {
			b.WriteString("; best " + s.Monitor + " " + strconv.FormatFloat(v, 'f', 6, 64))
			b.WriteString(bestWhere(*s.Best))
		}
	}
	if s.Out != "" {
		b.WriteString("; results in " + s.Out)
	}
	b.WriteByte('\n')
	return b.String()
}

// bestWhere says where rec was: " at epoch 1 (fold 0, unfreeze)".
func bestWhere(rec Record) string {
	var at []string
	if rec.Fold != nil {
		at = append(at, "fold "+strconv.Itoa(*rec.Fold))
	}
	if rec.Phase != "" {
		at = append(at, rec.Phase)
	}
	s := ""
	if rec.Epoch != nil {
		s = " at epoch " + strconv.Itoa(*rec.Epoch)
	}
	if len(at) > 0 {
		s += " (" + strings.Join(at, ", ") + ")"
	}
	return s
}
