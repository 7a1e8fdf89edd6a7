package checkpoint

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The legacy format of torch.save (PyTorch < 1.6, or
// _use_new_zipfile_serialization=False) is not a zip archive but five
// pickles in a row, then the storages:
//
//	magic number 0x1950a86a20f9469cfc6c, protocol version 1001, sys_info
//	(endianness, type sizes), the saved object, the list of storage keys,
//	then for each key: numel (int64, little endian) and the raw elements.
//
// In the object, a storage's persistent id is ('storage', torch.FloatStorage,
// key, location, numel, view_metadata). The object is read twice: once to
// learn where the storages start, once with their bytes. Unlike zip
// records, these bytes carry no CRC: only a sidecar catches a flipped bit.

// legacyMagic is the first pickle of a legacy file: PROTO 2, LONG1 of 10
// bytes (the magic number, little endian), STOP.
var legacyMagic = []byte("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.")

// readLegacy parses a legacy torch.save file held in data.
func readLegacy(data []byte) ([]named, error) {
	pos := len(legacyMagic)
	next := func(u *unpickler) (any, error) {
		u.data, u.pos = data, pos
		v, err := u.load()
		pos = u.pos
		return v, err
	}
	if v, err := next(&unpickler{}); err != nil || v != int64(1001) {
		return nil, fmt.Errorf("%w: legacy protocol version %v, want 1001 (%v)", ErrCorrupt, v, err)
	}
	info, err := next(&unpickler{})
	if d, ok := info.(*pyDict); err != nil || !ok || !littleEndian(d) {
		return nil, fmt.Errorf("%w: legacy sys_info %v is not a little-endian machine's (%v)", ErrUnsupported, pyTypeName(info), err)
	}
	objStart := pos
	r := &pthReader{storages: map[string]*storage{}, budget: 4*int64(len(data)) + budgetSlack}
	dry := &unpickler{resolve: resolvePTH, persistent: r.legacyPersistent, reduce: dryReduce, build: buildPTH}
	if _, err := next(dry); err != nil {
		return nil, fmt.Errorf("legacy pickle: %w", err)
	}
	keys, err := next(&unpickler{})
	list, ok := keys.(*pyList)
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: legacy storage key list: %s (%v)", ErrCorrupt, pyTypeName(keys), err)
	}
	for _, k := range *list {
		key, _ := k.(string)
		s, ok := r.storages[key]
		if !ok || pos+8 > len(data) {
			return nil, fmt.Errorf("%w: legacy storage %v is missing or not referenced", ErrCorrupt, k)
		}
		n := int64(binary.LittleEndian.Uint64(data[pos:]))
		size := n * int64(s.dtype.dtype.Size())
		if n != s.numel || size > int64(len(data)-pos-8) {
			return nil, fmt.Errorf("%w: legacy storage %s: %d elements declared, %d stored, %d bytes left", ErrCorrupt, key, s.numel, n, len(data)-pos-8)
		}
		s.data = data[pos+8 : pos+8+int(size)]
		pos += 8 + int(size)
	}
	for key, s := range r.storages {
		if s.data == nil {
			return nil, fmt.Errorf("%w: legacy storage %s has no data", ErrCorrupt, key)
		}
	}
	pos = objStart
	obj, err := next(&unpickler{resolve: resolvePTH, persistent: r.legacyPersistent, reduce: r.reduce, build: buildPTH})
	if err != nil {
		return nil, fmt.Errorf("legacy pickle: %w", err)
	}
	return tensorsOf(obj)
}

func littleEndian(d *pyDict) bool {
	for i, k := range d.keys {
		if k == "little_endian" {
			return d.values[i] == true
		}
	}
	return false
}

// legacyPersistent resolves ('storage', class, key, location, numel,
// view_metadata); storage views (view_metadata not None, PyTorch < 0.4)
// are refused. The first pass creates storages without data.
func (r *pthReader) legacyPersistent(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) != 6 || t[0] != "storage" {
		return nil, fmt.Errorf("%w: persistent id %v is not a legacy storage", ErrCorrupt, pid)
	}
	if t[5] != nil {
		return nil, fmt.Errorf("%w: a storage view (PyTorch < 0.4); re-save the file with a recent PyTorch", ErrUnsupported)
	}
	class, ok1 := t[1].(storageClass)
	key, ok2 := t[2].(string)
	n, ok3 := t[4].(int64)
	if !ok1 || !ok2 || !ok3 || n < 0 || n > maxElements {
		return nil, fmt.Errorf("%w: malformed storage id %v", ErrCorrupt, pid)
	}
	if s, ok := r.storages[key]; ok {
		if s.dtype != class.info || s.numel != n {
			return nil, fmt.Errorf("%w: storage %s is named twice with different types", ErrCorrupt, key)
		}
		return s, nil
	}
	s := &storage{dtype: class.info, key: key, numel: n}
	r.storages[key] = s
	return s, nil
}

// dryReduce stands in for reduce in the first pass over a legacy pickle,
// when storages have no bytes yet.
func dryReduce(fn any, args pyTuple) (any, error) {
	switch fn.(type) {
	case orderedDictClass:
		return &pyDict{}, nil
	case rebuildTensor, rebuildParameter:
		return &raw{}, nil
	}
	return nil, fmt.Errorf("%w: calls to %s", ErrUnsupported, pyTypeName(fn))
}

// isLegacy reports whether data starts like a legacy torch.save file.
func isLegacy(data []byte) bool { return bytes.HasPrefix(data, legacyMagic) }
