package checkpoint

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// pickler emits the pickle (protocol 2) of a dict of tensors, the way
// torch.save lays one out: each tensor is
// torch._utils._rebuild_tensor_v2((storage pid), 0, size, stride, False,
// OrderedDict()), and each storage the persistent id
// ('storage', torch.<Type>Storage, key, 'cpu', numel).
type pickler struct {
	buf  bytes.Buffer
	memo map[string]uint32 // globals and repeated strings already stored
}

func (p *pickler) op(b ...byte) { p.buf.Write(b) }

// memoized pushes the value stored under key and reports true, or reports
// false when key has not been stored yet.
func (p *pickler) memoized(key string) bool {
	if i, ok := p.memo[key]; ok {
		p.get(i)
		return true
	}
	return false
}

// remember stores the value on top of the stack in the memo under key.
func (p *pickler) remember(key string) {
	i := uint32(len(p.memo))
	p.memo[key] = i
	if i < 256 {
		p.op('q', byte(i)) // BINPUT
		return
	}
	p.op('r') // LONG_BINPUT
	p.buf.Write(binary.LittleEndian.AppendUint32(nil, i))
}

func (p *pickler) get(i uint32) {
	if i < 256 {
		p.op('h', byte(i)) // BINGET
		return
	}
	p.op('j') // LONG_BINGET
	p.buf.Write(binary.LittleEndian.AppendUint32(nil, i))
}

func (p *pickler) global(module, name string) {
	key := "global:" + module + "." + name
	if p.memoized(key) {
		return
	}
	p.op('c')
	p.buf.WriteString(module + "\n" + name + "\n")
	p.remember(key)
}

func (p *pickler) str(s string) {
	p.op('X') // BINUNICODE
	p.buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
	p.buf.WriteString(s)
}

// memoStr writes a string that recurs ('storage', 'cpu') once and reuses it.
func (p *pickler) memoStr(s string) {
	if p.memoized("str:" + s) {
		return
	}
	p.str(s)
	p.remember("str:" + s)
}

// int writes v with the shortest of BININT1, BININT2, BININT and LONG1.
func (p *pickler) int(v int64) {
	switch {
	case v >= 0 && v < 1<<8:
		p.op('K', byte(v))
	case v >= 0 && v < 1<<16:
		p.op('M', byte(v), byte(v>>8))
	case v >= -1<<31 && v < 1<<31:
		p.op('J')
		p.buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(int32(v))))
	default:
		b := binary.LittleEndian.AppendUint64(nil, uint64(v))
		// Drop high bytes that only repeat the sign.
		for len(b) > 1 && ((b[len(b)-1] == 0 && b[len(b)-2]&0x80 == 0) || (b[len(b)-1] == 0xff && b[len(b)-2]&0x80 != 0)) {
			b = b[:len(b)-1]
		}
		p.op(0x8a, byte(len(b))) // LONG1
		p.buf.Write(b)
	}
}

func (p *pickler) intTuple(v []int64) {
	if len(v) == 0 {
		p.op(')') // EMPTY_TUPLE
		return
	}
	if len(v) > 3 {
		p.op('(') // MARK
	}
	for _, x := range v {
		p.int(x)
	}
	switch len(v) {
	case 1:
		p.op(0x85) // TUPLE1
	case 2:
		p.op(0x86) // TUPLE2
	case 3:
		p.op(0x87) // TUPLE3
	default:
		p.op('t') // TUPLE
	}
}

// tensor writes the rebuild call of a contiguous tensor whose storage is
// the record data/<key>.
func (p *pickler) tensor(t raw, info dtypeInfo, key string, n int64) {
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.op('(', '(') // MARK (args), MARK (persistent id)
	p.memoStr("storage")
	p.global("torch", info.storage)
	p.str(key)
	p.memoStr("cpu")
	p.int(n)
	p.op('t', 'Q') // TUPLE, BINPERSID
	p.int(0)       // storage offset
	p.intTuple(t.shape)
	p.intTuple(rowMajorStride(t.shape))
	p.op(0x89) // NEWFALSE: requires_grad
	p.global("collections", "OrderedDict")
	p.op(')', 'R') // OrderedDict(): backward hooks
	p.op('t', 'R') // TUPLE, REDUCE
}

// rowMajorStride returns the strides of a contiguous tensor of shape.
func rowMajorStride(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= max(shape[i], 1)
	}
	return s
}

// picklePTH returns data.pkl for entries, whose storages are the records
// data/0, data/1, ... in order.
func picklePTH(entries []named) []byte {
	p := &pickler{memo: map[string]uint32{}}
	p.op(0x80, 2) // PROTO 2
	p.op('}')     // EMPTY_DICT
	if len(entries) > 0 {
		p.op('(') // MARK
		for i, e := range entries {
			info, _ := infoOf(e.t.dtype)
			n := int64(len(e.t.data) / e.t.dtype.Size())
			p.str(e.name)
			p.tensor(e.t, info, strconv.Itoa(i), n)
		}
		p.op('u') // SETITEMS
	}
	p.op('.') // STOP
	return p.buf.Bytes()
}
