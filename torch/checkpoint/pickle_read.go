package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This file is a small, bounded unpickler: the subset of Python's pickle
// protocols 2-5 that torch.save emits for dicts of tensors (and a little
// more: lists, floats, bytes, frames). Every length read from the input is
// checked against the bytes that remain, so truncated or garbled input is
// an error, never a panic or a huge allocation. Classes are not imported:
// GLOBAL opcodes go to a resolver that knows a short allow-list.
//
// github.com/nlpodyssey/gopickle v0.2.0 was tried first: it reads torch's
// state dicts, but allocates whatever a length field says before reading,
// so the 11 bytes "\x80\x04\x8d" + 0x7fffffffffffffff panic in makeslice.

// Python values as the unpickler builds them: nil (None), bool, int64,
// float64, string, []byte, pyTuple, *pyList, *pyDict, and whatever the
// resolver and the persistent loader return.
type (
	pyTuple []any
	pyList  []any
	// pyDict keeps insertion order (Python dicts and OrderedDicts both do).
	pyDict struct {
		keys, values []any
	}
	// pyGlobal is a module attribute named by a GLOBAL opcode.
	pyGlobal struct{ module, name string }
)

func (d *pyDict) set(k, v any) {
	for i, have := range d.keys {
		if s, ok := have.(string); ok && s == k {
			d.values[i] = v
			return
		}
	}
	d.keys = append(d.keys, k)
	d.values = append(d.values, v)
}

// unpickler holds the machine state while one pickle is read. The hooks
// decide what GLOBAL, BINPERSID, REDUCE and BUILD mean; each may return an
// error to refuse the input.
type unpickler struct {
	data  []byte
	pos   int
	stack []any
	marks [][]any
	memo  map[uint64]any

	resolve    func(g pyGlobal) (any, error)
	persistent func(pid any) (any, error)
	reduce     func(fn any, args pyTuple) (any, error)
	build      func(obj, state any) error
}

// hookError carries an error returned by one of the hooks, which needs no
// opcode position to be understood.
type hookError struct{ err error }

func (h hookError) Error() string { return h.err.Error() }
func (h hookError) Unwrap() error { return h.err }

// hooked wraps a hook's error.
func hooked(err error) error {
	if err == nil {
		return nil
	}
	return hookError{err}
}

// errStop ends the opcode loop at STOP.
var errStop = errors.New("stop")

// load runs the pickle in u.data and returns the object it builds.
func (u *unpickler) load() (any, error) {
	if u.memo == nil {
		u.memo = map[uint64]any{}
	}
	for {
		at := u.pos
		op, err := u.byte()
		if err != nil {
			return nil, err
		}
		h := opcodes[op]
		if h == nil {
			return nil, fmt.Errorf("%w: pickle opcode 0x%02x at byte %d is not supported", ErrCorrupt, op, at)
		}
		err = h(u)
		var he hookError
		switch {
		case err == nil:
		case err == errStop:
			return u.pop()
		case errors.As(err, &he):
			return nil, he.err // already says what is wrong
		default:
			return nil, fmt.Errorf("pickle opcode %q at byte %d: %w", op, at, err)
		}
	}
}

var errShort = fmt.Errorf("%w: pickle ends early", ErrCorrupt)

func (u *unpickler) take(n uint64) ([]byte, error) {
	if n > uint64(len(u.data)-u.pos) {
		return nil, errShort
	}
	b := u.data[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return b, nil
}

func (u *unpickler) byte() (byte, error) {
	b, err := u.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// uint reads an n-byte little-endian unsigned integer (n is 1, 2, 4 or 8).
func (u *unpickler) uint(n int) (uint64, error) {
	b, err := u.take(uint64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// line reads up to and excluding the next newline.
func (u *unpickler) line() (string, error) {
	for i := u.pos; i < len(u.data); i++ {
		if u.data[i] == '\n' {
			s := string(u.data[u.pos:i])
			u.pos = i + 1
			return s, nil
		}
	}
	return "", errShort
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 {
		return nil, fmt.Errorf("%w: pickle stack underflow", ErrCorrupt)
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, fmt.Errorf("%w: pickle stack underflow", ErrCorrupt)
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the items pushed since the last MARK and restores the
// stack below it.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, fmt.Errorf("%w: pickle MARK missing", ErrCorrupt)
	}
	items := u.stack
	u.stack = u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	return items, nil
}

// opcodes maps each supported opcode to its handler.
var opcodes [256]func(*unpickler) error

func init() {
	simple := map[byte]func(*unpickler) error{
		0x80: opProto, 0x95: opFrame, '.': func(*unpickler) error { return errStop },
		'(': opMark, '0': opPop, '1': opPopMark, '2': opDup,
		'N': pushConst(nil), 0x88: pushConst(true), 0x89: pushConst(false),
		')': func(u *unpickler) error { u.push(pyTuple{}); return nil },
		']': func(u *unpickler) error { u.push(&pyList{}); return nil },
		'}': func(u *unpickler) error { u.push(&pyDict{}); return nil },
		'K': opUint(1), 'M': opUint(2), 'J': opBinInt, 0x8a: opLong1, 'G': opBinFloat,
		'X': opString(4), 0x8c: opString(1), 0x8d: opString(8),
		'B': opBytes(4), 'C': opBytes(1), 0x8e: opBytes(8),
		't': opTuple, 0x85: opTupleN(1), 0x86: opTupleN(2), 0x87: opTupleN(3),
		'l': opListMark, 'a': opAppend, 'e': opAppends, 'd': opDictMark,
		's': opSetItem, 'u': opSetItems,
		'q': opPut(1), 'r': opPut(4), 0x94: opMemoize, 'h': opGet(1), 'j': opGet(4),
		'c': opGlobal, 0x93: opStackGlobal, 'Q': opBinPersID, 'R': opReduce, 'b': opBuild,
	}
	for op, h := range simple {
		opcodes[op] = h
	}
}

func pushConst(v any) func(*unpickler) error {
	return func(u *unpickler) error { u.push(v); return nil }
}

func opProto(u *unpickler) error {
	v, err := u.byte()
	if err == nil && v > 5 {
		err = fmt.Errorf("%w: pickle protocol %d (at most 5 exists)", ErrCorrupt, v)
	}
	return err
}

// opFrame skips a protocol 4 frame header: frames only group opcodes.
func opFrame(u *unpickler) error {
	_, err := u.uint(8)
	return err
}

func opMark(u *unpickler) error {
	u.marks = append(u.marks, u.stack)
	u.stack = nil
	return nil
}

func opPop(u *unpickler) error {
	if len(u.stack) == 0 {
		_, err := u.popMark()
		return err
	}
	_, err := u.pop()
	return err
}

func opPopMark(u *unpickler) error {
	_, err := u.popMark()
	return err
}

func opDup(u *unpickler) error {
	v, err := u.top()
	u.push(v)
	return err
}

func opUint(n int) func(*unpickler) error {
	return func(u *unpickler) error {
		v, err := u.uint(n)
		u.push(int64(v))
		return err
	}
}

func opBinInt(u *unpickler) error {
	v, err := u.uint(4)
	u.push(int64(int32(uint32(v))))
	return err
}

// opLong1 reads a little-endian two's-complement integer of up to 8 bytes.
func opLong1(u *unpickler) error {
	n, err := u.byte()
	if err != nil {
		return err
	}
	b, err := u.take(uint64(n))
	if err != nil {
		return err
	}
	if n > 8 {
		return fmt.Errorf("%w: integer of %d bytes does not fit in int64", ErrUnsupported, n)
	}
	var v uint64
	for i := int(n) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if n > 0 && n < 8 && b[n-1]&0x80 != 0 {
		v |= math.MaxUint64 << (8 * uint(n)) // sign-extend
	}
	u.push(int64(v))
	return nil
}

func opBinFloat(u *unpickler) error {
	b, err := u.take(8)
	if err != nil {
		return err
	}
	u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	return nil
}

func opString(lenBytes int) func(*unpickler) error {
	return func(u *unpickler) error {
		n, err := u.uint(lenBytes)
		if err != nil {
			return err
		}
		b, err := u.take(n)
		u.push(string(b))
		return err
	}
}

func opBytes(lenBytes int) func(*unpickler) error {
	return func(u *unpickler) error {
		n, err := u.uint(lenBytes)
		if err != nil {
			return err
		}
		b, err := u.take(n)
		u.push(append([]byte(nil), b...))
		return err
	}
}
