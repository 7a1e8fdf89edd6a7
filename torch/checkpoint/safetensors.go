package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// A .safetensors file is an 8-byte little-endian header length N, N bytes
// of JSON {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets":
// [begin, end]}, ..., "__metadata__": {"key": "value"}}, then the tensors'
// bytes, row-major, little endian, with offsets relative to the end of the
// header. The data of all tensors must cover the byte buffer exactly.

// safetensorsMaxHeader bounds the JSON header (100 MB, the limit of the
// reference implementation).
const safetensorsMaxHeader = 100_000_000

type safetensorsEntry struct {
	DType   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// writeSafetensors writes entries with their data in order; the header
// lists them in the same order and is padded with spaces to 8 bytes.
func writeSafetensors(w io.Writer, entries []named) error {
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	var off int64
	for i, e := range entries {
		info, _ := infoOf(e.t.dtype)
		shape := e.t.shape
		if shape == nil {
			shape = []int64{}
		}
		key, err := json.Marshal(e.name)
		if err != nil {
			return err
		}
		val, err := json.Marshal(safetensorsEntry{info.safetensors, shape, [2]int64{off, off + int64(len(e.t.data))}})
		if err != nil {
			return err
		}
		if i > 0 {
			hdr.WriteByte(',')
		}
		hdr.Write(key)
		hdr.WriteByte(':')
		hdr.Write(val)
		off += int64(len(e.t.data))
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint64(nil, uint64(hdr.Len()))); err != nil {
		return err
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	for _, e := range entries {
		if _, err := w.Write(e.t.data); err != nil {
			return err
		}
	}
	return nil
}

// readSafetensors parses a .safetensors file held in data and returns its
// tensors in the order of their data. __metadata__ is accepted and
// ignored (ppctl keeps its metadata in the sidecar).
func readSafetensors(data []byte) ([]named, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than a safetensors header", ErrCorrupt, len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > safetensorsMaxHeader || n > uint64(len(data)-8) {
		return nil, fmt.Errorf("%w: header of %d bytes in a file of %d", ErrCorrupt, n, len(data))
	}
	names, msgs, err := headerEntries(data[8 : 8+n])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	buf := data[8+n:]
	var out []named
	var begins []int64
	for i, name := range names {
		msg := msgs[i]
		if name == "__metadata__" {
			var meta map[string]string
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, fmt.Errorf("%w: __metadata__ must map strings to strings: %v", ErrCorrupt, err)
			}
			continue
		}
		t, begin, err := safetensorsTensor(name, msg, buf)
		if err != nil {
			return nil, err
		}
		out = append(out, named{name, t})
		begins = append(begins, begin)
	}
	sort.Stable(byBegin{out, begins})
	// The data must tile the buffer: no gaps, no overlaps, nothing after.
	var end int64
	for i, e := range out {
		if begins[i] != end {
			return nil, fmt.Errorf("%w: tensor %q starts at byte %d, expected %d", ErrCorrupt, e.name, begins[i], end)
		}
		end += int64(len(e.t.data))
	}
	if end != int64(len(buf)) {
		return nil, fmt.Errorf("%w: tensors cover %d bytes of %d", ErrCorrupt, end, len(buf))
	}
	return out, nil
}

// headerEntries splits the JSON object of a header into its keys, in file
// order (which breaks ties between empty tensors), and their values.
func headerEntries(hdr []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var names []string
	var msgs []json.RawMessage
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		name, _ := tok.(string)
		var msg json.RawMessage
		if err := dec.Decode(&msg); err != nil {
			return nil, nil, err
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("key %q appears twice", name)
		}
		seen[name] = true
		names = append(names, name)
		msgs = append(msgs, msg)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	return names, msgs, nil
}

// safetensorsTensor decodes one header entry and slices its data.
func safetensorsTensor(name string, msg json.RawMessage, buf []byte) (raw, int64, error) {
	var e safetensorsEntry
	if err := json.Unmarshal(msg, &e); err != nil {
		return raw{}, 0, fmt.Errorf("%w: tensor %q: %v", ErrCorrupt, name, err)
	}
	var info dtypeInfo
	for _, i := range dtypes {
		if i.safetensors == e.DType {
			info = i
		}
	}
	if info.safetensors == "" {
		return raw{}, 0, fmt.Errorf("%w: tensor %q has dtype %q (ppctl reads F32, F16, BF16, F64, I64, I32, U8, BOOL)", ErrUnsupported, name, e.DType)
	}
	n, err := numel(e.Shape)
	if err != nil {
		return raw{}, 0, fmt.Errorf("tensor %q: %w", name, err)
	}
	b, end := e.Offsets[0], e.Offsets[1]
	if b < 0 || end < b || end > int64(len(buf)) {
		return raw{}, 0, fmt.Errorf("%w: tensor %q has data_offsets [%d, %d] outside %d bytes of data", ErrCorrupt, name, b, end, len(buf))
	}
	if end-b != n*int64(info.dtype.Size()) {
		return raw{}, 0, fmt.Errorf("%w: tensor %q of shape %v and dtype %s has %d bytes", ErrCorrupt, name, e.Shape, e.DType, end-b)
	}
	shape := e.Shape
	if shape == nil {
		shape = []int64{}
	}
	return raw{dtype: info.dtype, shape: shape, data: buf[b:end:end]}, b, nil
}

// byBegin sorts tensors by where their data begins.
type byBegin struct {
	t     []named
	begin []int64
}

func (s byBegin) Len() int           { return len(s.t) }
func (s byBegin) Less(i, j int) bool { return s.begin[i] < s.begin[j] }
func (s byBegin) Swap(i, j int) {
	s.t[i], s.t[j] = s.t[j], s.t[i]
	s.begin[i], s.begin[j] = s.begin[j], s.begin[i]
}
