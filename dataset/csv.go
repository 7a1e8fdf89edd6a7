package dataset

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// The readers here use the standard library's encoding/csv: the files are
// small (a few thousand rows of an id and a handful of numbers), the checks
// are row by row with line numbers, which encoding/csv reports
// (Reader.FieldPos) and a dataframe library hides, and gota, the dataframe
// package the user named, has been unmaintained since 2021.

// IDColumn is the name of the first column of every CSV file of the layout.
const IDColumn = "image_id"

// Item is one row of train.csv or test.csv.
type Item struct {
	ID    string // image_id, the file name in images/ without extension
	Path  string // the image file; "" until Open finds it
	Label int    // index into the class list; -1 for test rows
	Line  int    // line of the row in its CSV file, for messages
}

// table is a CSV file read whole: its header and its well-formed records,
// each with the line it starts on.
type table struct {
	file   string
	header []string
	rows   [][]string
	lines  []int
}

// readTable reads a CSV file with a header. Rows whose column count differs
// from the header's are reported and left out; a syntax error stops the
// reading. It returns nil when the file is empty or unreadable.
func readTable(r io.Reader, file string, p *problems) *table {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counts are checked here, with our message
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		p.add(file, 0, "", ErrEmptyFile)
		return nil
	}
	if err != nil {
		p.add(file, parseErrorLine(err), "", err)
		return nil
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // a BOM from spreadsheet exports
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	t := &table{file: file, header: header}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t
		}
		if err != nil {
			p.add(file, parseErrorLine(err), "", err)
			return t
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) != len(header) {
			p.addf(file, line, rec[0], ErrColumnCount, "%d columns, the header has %d", len(rec), len(header))
			continue
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
}

// parseErrorLine returns the line of an encoding/csv error, or 0.
func parseErrorLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

// checkHeader reports unless the header starts with the fixed columns and
// the remaining names are non-empty and distinct. It returns the remaining
// names, or nil after a problem.
func (t *table) checkHeader(p *problems, fixed ...string) []string {
	for i, want := range fixed {
		if i >= len(t.header) || t.header[i] != want {
			p.addf(t.file, 1, "", ErrHeader, "column %d must be %q, got %q", i+1, want, strings.Join(t.header, ","))
			return nil
		}
	}
	rest := t.header[len(fixed):]
	seen := make(map[string]bool, len(rest))
	for _, name := range rest {
		if name == "" || seen[name] {
			p.addf(t.file, 1, "", ErrHeader, "column names must be non-empty and distinct, got %q", strings.Join(t.header, ","))
			return nil
		}
		seen[name] = true
	}
	return rest
}

// ids checks the first column of every row: non-empty and not repeated.
// It returns, per row, whether the row may be used.
func (t *table) ids(p *problems) []bool {
	ok := make([]bool, len(t.rows))
	first := make(map[string]int, len(t.rows))
	for i, rec := range t.rows {
		id := rec[0]
		switch prev, dup := first[id]; {
		case id == "":
			p.addf(t.file, t.lines[i], "", ErrBadValue, "empty %s", IDColumn)
		case !plainFileName(id):
			p.addf(t.file, t.lines[i], "", ErrBadValue, "%s %q is not a plain file name (no slashes, control characters, \".\" or \"..\")", IDColumn, id)
		case dup:
			p.addf(t.file, t.lines[i], id, ErrDuplicateID, "first on line %d", prev)
		default:
			first[id] = t.lines[i]
			ok[i] = true
		}
	}
	return ok
}

// plainFileName reports whether id can name a file in images/ without
// leaving it: no path separators, no control characters, not "." or "..".
func plainFileName(id string) bool {
	if id == "." || id == ".." || strings.ContainsAny(id, `/\`) {
		return false
	}
	return !strings.ContainsFunc(id, unicode.IsControl)
}

// ReadLabels reads a file in train.csv's format: image_id, then one column
// per class holding a one-hot row (each value 0 or 1, exactly one 1). It
// returns the class names in header order and the rows in file order, with
// Label set and Path empty. Every problem found is reported in one
// *ValidationError.
func ReadLabels(path string) (classes []string, items []Item, err error) {
	var p problems
	f, err := os.Open(path)
	if err != nil {
		p.add(path, 0, "", err)
		return nil, nil, p.err()
	}
	defer f.Close()
	classes, items = readLabels(f, path, &p)
	if err := p.err(); err != nil {
		return nil, nil, err
	}
	return classes, items, nil
}

// readLabels is ReadLabels on an open file, adding to p.
func readLabels(r io.Reader, file string, p *problems) ([]string, []Item) {
	t := readTable(r, file, p)
	if t == nil {
		return nil, nil
	}
	classes := t.checkHeader(p, IDColumn)
	if classes == nil {
		return nil, nil
	}
	if len(classes) < 2 {
		p.addf(file, 1, "", ErrHeader, "need at least two class columns after %s, got %q", IDColumn, strings.Join(t.header, ","))
		return nil, nil
	}
	ok := t.ids(p)
	items := make([]Item, 0, len(t.rows))
	for i, rec := range t.rows {
		if !ok[i] {
			continue
		}
		if label, good := oneHot(t, i, p); good {
			items = append(items, Item{ID: rec[0], Label: label, Line: t.lines[i]})
		}
	}
	return classes, items
}

// oneHot returns the index of the single 1 in row i's class columns, or
// reports the row.
func oneHot(t *table, i int, p *problems) (int, bool) {
	rec := t.rows[i]
	label, ones := -1, 0
	for c, s := range rec[1:] {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || (v != 0 && v != 1) {
			p.addf(t.file, t.lines[i], rec[0], ErrNotOneHot, "column %s is %q, want 0 or 1", t.header[c+1], s)
			return -1, false
		}
		if v == 1 {
			label, ones = c, ones+1
		}
	}
	if ones != 1 {
		p.addf(t.file, t.lines[i], rec[0], ErrNotOneHot, "%d columns are 1 (%s), want exactly one", ones, strings.Join(rec[1:], ","))
		return -1, false
	}
	return label, true
}

// readCSVFile opens path and runs read on it, turning what it reports into
// the *ValidationError of the public readers.
func readCSVFile[T any](path string, read func(io.Reader, string, *problems) T) (T, error) {
	var p problems
	var zero T
	f, err := os.Open(path)
	if err != nil {
		p.add(path, 0, "", err)
		return zero, p.err()
	}
	defer f.Close()
	v := read(f, path, &p)
	if err := p.err(); err != nil {
		return zero, err
	}
	return v, nil
}

// ReadIDs reads a file in test.csv's format: the single column image_id.
// It returns the ids in file order.
func ReadIDs(path string) ([]string, error) {
	items, err := readCSVFile(path, readIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids, nil
}

// readIDs is ReadIDs on an open file, adding to p; the items have Label -1.
func readIDs(r io.Reader, file string, p *problems) []Item {
	t := readTable(r, file, p)
	if t == nil {
		return nil
	}
	if rest := t.checkHeader(p, IDColumn); rest == nil {
		return nil
	} else if len(rest) > 0 {
		p.addf(file, 1, "", ErrHeader, "want only %s, got %q", IDColumn, strings.Join(t.header, ","))
		return nil
	}
	ok := t.ids(p)
	items := make([]Item, 0, len(t.rows))
	for i, rec := range t.rows {
		if ok[i] {
			items = append(items, Item{ID: rec[0], Label: -1, Line: t.lines[i]})
		}
	}
	return items
}
