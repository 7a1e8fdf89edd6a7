package torch

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a failure reported by libtorch (a C++ exception caught at the cgo
// boundary): a shape mismatch, an unsupported dtype, a file that is not a
// tensor archive. Msg is libtorch's message without the C++ backtrace.
//
// Tensor functions panic with an *Error, as Go's slice indexing panics: a
// wrong shape is a programming error. Code that handles user input (files,
// flags, datasets) runs tensor work inside Try, which turns the panic back
// into an error.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return "libtorch: " + e.Msg }

// Try runs f and returns, as an *Error, any libtorch failure it raises: ours
// (an *Error panic) and gotorch's (a string panic carrying the exception
// text). Other panics propagate unchanged.
func Try(f func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if e := asError(r); e != nil {
			err = e
			return
		}
		panic(r)
	}()
	f()
	return nil
}

// asError converts a recovered panic value raised by libtorch into an
// *Error, or returns nil for any other panic.
func asError(r any) *Error {
	switch v := r.(type) {
	case *Error:
		return v
	case string:
		// gotorch panics with e.what(), which appends the C++ backtrace
		// after "Exception raised from ...": keep only the message.
		if i := strings.Index(v, "\nException raised from"); i >= 0 {
			v = v[:i]
		}
		return &Error{Msg: strings.TrimSpace(v)}
	case error:
		var e *Error
		if errors.As(v, &e) {
			return e
		}
	}
	return nil
}

// panicf raises an *Error for a misuse detected on the Go side (for example
// a wrong number of dimensions), so Try reports it like libtorch's own.
func panicf(format string, a ...any) {
	panic(&Error{Msg: fmt.Sprintf(format, a...)})
}
