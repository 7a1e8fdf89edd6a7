package dataset

import (
	"fmt"
	"io"
	"strings"
)

// Predictions is a file in sample_submission.csv's format: image_id, then
// one probability column per class. submission.csv is written in it.
type Predictions struct {
	Classes []string    // the class columns, in file order
	IDs     []string    // image ids, in file order
	Probs   [][]float64 // Probs[i][c]: probability of Classes[c] for IDs[i]
}

// ReadPredictions reads a file in sample_submission.csv's format. Values
// must be numbers in [0, 1]; rows need not sum to 1 (a submission is scored
// per column).
func ReadPredictions(path string) (*Predictions, error) {
	return readCSVFile(path, readPredictions)
}

// readPredictions is ReadPredictions on an open file, adding to p.
func readPredictions(r io.Reader, file string, p *problems) *Predictions {
	t := readTable(r, file, p)
	if t == nil {
		return nil
	}
	classes := t.checkHeader(p, IDColumn)
	if len(classes) == 0 {
		if classes != nil {
			p.addf(file, 1, "", ErrHeader, "no class columns after %s", IDColumn)
		}
		return nil
	}
	pred := &Predictions{Classes: classes}
	ok := t.ids(p)
	for i, rec := range t.rows {
		if !ok[i] {
			continue
		}
		if probs, good := t.probs(p, i, 1); good {
			pred.IDs = append(pred.IDs, rec[0])
			pred.Probs = append(pred.Probs, probs)
		}
	}
	return pred
}

// probs parses the columns of row i from column first on as probabilities.
func (t *table) probs(p *problems, i, first int) ([]float64, bool) {
	rec := t.rows[i]
	out := make([]float64, len(rec)-first)
	for c := range out {
		v, err := parseProb(rec[first+c])
		if err != nil {
			p.add(t.file, t.lines[i], rec[0], fmt.Errorf("column %s: %w", t.header[first+c], err))
			return nil, false
		}
		out[c] = v
	}
	return out, true
}

// WritePredictions writes pred atomically in sample_submission.csv's format.
func WritePredictions(path string, pred *Predictions) error {
	if len(pred.IDs) != len(pred.Probs) {
		return fmt.Errorf("dataset: write %s: %d ids but %d probability rows", path, len(pred.IDs), len(pred.Probs))
	}
	records := make([][]string, 0, len(pred.IDs)+1)
	records = append(records, append([]string{IDColumn}, pred.Classes...))
	for i, id := range pred.IDs {
		if err := checkProbs(pred.Probs[i], len(pred.Classes)); err != nil {
			return fmt.Errorf("dataset: write %s: image %s: %w", path, id, err)
		}
		rec := make([]string, 0, len(pred.Classes)+1)
		rec = append(rec, id)
		for _, v := range pred.Probs[i] {
			rec = append(rec, formatProb(v))
		}
		records = append(records, rec)
	}
	return writeCSVAtomic(path, records)
}

// Pseudo-label files (DESIGN section 5) have the header
// image_id,labels,softlabels,p_<class>...
const (
	pseudoGivenColumn = "labels"
	pseudoPredColumn  = "softlabels"
	pseudoProbPrefix  = "p_"
)

// PseudoLabel is one row of a pseudo-labels file.
type PseudoLabel struct {
	ID    string
	Label int       // the given label, an index into PseudoLabels.Classes
	Pred  int       // the predicted (pseudo) label
	Probs []float64 // out-of-fold probabilities, in class order
}

// PseudoLabels is a pseudo-labels file: for every training image its given
// label, the out-of-fold predicted label and the out-of-fold probabilities.
type PseudoLabels struct {
	Classes []string // from the p_<class> columns, in order
	Rows    []PseudoLabel
}

// ReadPseudoLabels reads a pseudo-labels file. The labels and softlabels
// columns hold class names, which must be among the p_<class> columns
// (ErrUnknownClass otherwise). Check the classes against train.csv's with
// CheckClasses.
func ReadPseudoLabels(path string) (*PseudoLabels, error) {
	return readCSVFile(path, readPseudoLabels)
}

// readPseudoLabels is ReadPseudoLabels on an open file, adding to p.
func readPseudoLabels(r io.Reader, file string, p *problems) *PseudoLabels {
	t := readTable(r, file, p)
	if t == nil {
		return nil
	}
	cols := t.checkHeader(p, IDColumn, pseudoGivenColumn, pseudoPredColumn)
	if cols == nil {
		return nil
	}
	pl := &PseudoLabels{}
	index := make(map[string]int, len(cols))
	for _, c := range cols {
		name, ok := strings.CutPrefix(c, pseudoProbPrefix)
		if !ok || name == "" {
			p.addf(file, 1, "", ErrHeader, "column %q after %s must be %s<class>", c, pseudoPredColumn, pseudoProbPrefix)
			return nil
		}
		index[name] = len(pl.Classes)
		pl.Classes = append(pl.Classes, name)
	}
	if len(pl.Classes) == 0 {
		p.addf(file, 1, "", ErrHeader, "no %s<class> columns", pseudoProbPrefix)
		return nil
	}
	ok := t.ids(p)
	for i, rec := range t.rows {
		if !ok[i] {
			continue
		}
		given, gok := index[rec[1]]
		pred, pok := index[rec[2]]
		if !gok || !pok {
			bad := rec[1]
			if gok {
				bad = rec[2]
			}
			p.addf(file, t.lines[i], rec[0], ErrUnknownClass, "%q is not among the p_ columns (%s)", bad, strings.Join(pl.Classes, ","))
			continue
		}
		if probs, good := t.probs(p, i, 3); good {
			pl.Rows = append(pl.Rows, PseudoLabel{ID: rec[0], Label: given, Pred: pred, Probs: probs})
		}
	}
	return pl
}

// WritePseudoLabels writes pl atomically as a pseudo-labels file.
func WritePseudoLabels(path string, pl *PseudoLabels) error {
	header := []string{IDColumn, pseudoGivenColumn, pseudoPredColumn}
	for _, c := range pl.Classes {
		header = append(header, pseudoProbPrefix+c)
	}
	records := [][]string{header}
	n := len(pl.Classes)
	for _, r := range pl.Rows {
		if r.Label < 0 || r.Label >= n || r.Pred < 0 || r.Pred >= n {
			return fmt.Errorf("dataset: write %s: image %s: label %d or prediction %d outside the %d classes", path, r.ID, r.Label, r.Pred, n)
		}
		if err := checkProbs(r.Probs, n); err != nil {
			return fmt.Errorf("dataset: write %s: image %s: %w", path, r.ID, err)
		}
		rec := []string{r.ID, pl.Classes[r.Label], pl.Classes[r.Pred]}
		for _, v := range r.Probs {
			rec = append(rec, formatProb(v))
		}
		records = append(records, rec)
	}
	return writeCSVAtomic(path, records)
}

// CheckClasses returns a *ValidationError unless got (the classes of file)
// are exactly want (train.csv's), in any order: a column not among want is
// ErrUnknownClass, a class of want without a column is ErrHeader.
func CheckClasses(file string, got, want []string) error {
	var p problems
	known := make(map[string]bool, len(want))
	for _, c := range want {
		known[c] = true
	}
	have := make(map[string]bool, len(got))
	for _, c := range got {
		have[c] = true
		if !known[c] {
			p.addf(file, 1, "", ErrUnknownClass, "column %q is not a class of train.csv (%s)", c, strings.Join(want, ","))
		}
	}
	for _, c := range want {
		if !have[c] {
			p.addf(file, 1, "", ErrHeader, "no column for class %q of train.csv", c)
		}
	}
	return p.err()
}
