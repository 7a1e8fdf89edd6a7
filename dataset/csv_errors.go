package dataset

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for the problems the CSV readers and Open report. Each
// reaches the caller wrapped in a *FileError (which says where) inside a
// *ValidationError (which collects every problem found), so test them with
// errors.Is and locate them with errors.As.
var (
	ErrEmptyFile    = errors.New("file is empty")
	ErrHeader       = errors.New("bad header")
	ErrColumnCount  = errors.New("wrong number of columns")
	ErrNotOneHot    = errors.New("row is not exactly one-hot")
	ErrDuplicateID  = errors.New("duplicate image id")
	ErrMissingImage = errors.New("image file not found")
	ErrUnknownClass = errors.New("unknown class")
	ErrBadValue     = errors.New("bad value")
	ErrBadImage     = errors.New("image file cannot be read")
)

// FileError is one problem in one file, located like encoding/csv's
// ParseError: the file, the 1-based line (0 when the problem concerns the
// whole file, such as a missing file) and the image id of the row when
// there is one.
type FileError struct {
	File  string // path of the CSV file
	Line  int    // 1-based line of the record; 0 for the whole file
	Image string // image_id of the row; "" when unknown
	Err   error  // the problem; wraps one of the Err* sentinels, an *os.PathError or a *csv.ParseError
}

// Error formats the location, then the problem:
// "train.csv line 12 (image Train_5): row is not exactly one-hot: ...".
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Image != "" {
		fmt.Fprintf(&b, " (image %s)", e.Image)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *FileError) Unwrap() error { return e.Err }

// ValidationError collects every problem found in a dataset or a file, so
// that one run of `ppctl data check` lists them all.
type ValidationError struct {
	Problems []*FileError // in the order found; never empty
	Omitted  int          // further problems counted but not kept (over 100 in one file)
}

// maxShownProblems is how many problems Error spells out.
const maxShownProblems = 5

// Error lists the first few problems on one line each, then how many more
// there are, and says what to do.
func (e *ValidationError) Error() string {
	total := len(e.Problems) + e.Omitted
	if total == 1 {
		return "dataset: " + e.Problems[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dataset: %d problems (run `ppctl data check` for the list):", total)
	for i, p := range e.Problems {
		if i == maxShownProblems {
			fmt.Fprintf(&b, "\n  ... and %d more", total-i)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.Is and errors.As look at each.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// maxProblemsPerFile bounds how many problems one file contributes, so a
// file in the wrong format gives a readable report, not 2,000 lines.
const maxProblemsPerFile = 100

// problems accumulates FileErrors while a file is read.
type problems struct {
	list    []*FileError
	perFile map[string]int
	omitted int
}

// add records a problem at file, line and image; err should wrap a
// sentinel. Problems beyond maxProblemsPerFile for a file are dropped, but
// the file still fails.
func (p *problems) add(file string, line int, image string, err error) {
	if p.perFile == nil {
		p.perFile = make(map[string]int)
	}
	p.perFile[file]++
	if p.perFile[file] > maxProblemsPerFile {
		p.omitted++
		return
	}
	p.list = append(p.list, &FileError{File: file, Line: line, Image: image, Err: err})
}

// addf records a problem whose message is sentinel plus formatted detail.
func (p *problems) addf(file string, line int, image string, sentinel error, format string, a ...any) {
	p.add(file, line, image, fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, a...)))
}

// err returns nil when nothing was recorded, else a *ValidationError.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: p.list, Omitted: p.omitted}
}
