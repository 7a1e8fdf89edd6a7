package checkpoint

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// A .pth file as torch.save writes it (the zip format, PyTorch >= 1.6) is
// a zip archive of uncompressed records under one top folder <name>/:
// data.pkl, a pickle of the saved object in which every tensor is a call
// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...), and
// each storage a persistent id ('storage', torch.FloatStorage, key,
// location, numel) whose bytes are the record data/<key>; plus version.
// Several tensors may share one storage (views), with their own offsets
// and strides.

// storage is a persistent id resolved to its record's bytes.
type storage struct {
	dtype dtypeInfo
	key   string
	numel int64
	data  []byte
}

// storageClass is the torch.*Storage global a persistent id names.
type storageClass struct{ info dtypeInfo }

// Globals a .pth file may name; anything else is refused.
type (
	orderedDictClass struct{}
	rebuildTensor    struct{}
	rebuildParameter struct{}
)

// pthReader reads one archive.
type pthReader struct {
	zip      *zip.Reader
	prefix   string
	records  map[string]*zip.File
	storages map[string]*storage
	budget   int64 // bytes the tensors may still take (see budgetSlack)
}

// readPTH parses a .pth archive held in data and returns its tensors in
// file order, nested dicts flattened with "." between keys.
func readPTH(data []byte) ([]named, error) {
	if isLegacy(data) {
		return readLegacy(data)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, fmt.Errorf("%w: not a zip archive (nor the legacy format), so not a .pth file written by torch.save", ErrCorrupt)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	r := &pthReader{zip: zr, records: map[string]*zip.File{}, storages: map[string]*storage{},
		budget: 4*int64(len(data)) + budgetSlack}
	for _, f := range zr.File {
		r.records[f.Name] = f
		if r.prefix == "" && strings.HasSuffix(f.Name, "/data.pkl") && strings.Count(f.Name, "/") == 1 {
			r.prefix = strings.TrimSuffix(f.Name, "data.pkl")
		}
	}
	if r.prefix == "" {
		return nil, fmt.Errorf("%w: the archive has no <name>/data.pkl record", ErrCorrupt)
	}
	pkl, err := r.record("data.pkl")
	if err != nil {
		return nil, err
	}
	u := &unpickler{data: pkl, resolve: resolvePTH, persistent: r.persistent, reduce: r.reduce, build: buildPTH}
	obj, err := u.load()
	if err != nil {
		return nil, fmt.Errorf("%sdata.pkl: %w", r.prefix, err)
	}
	return tensorsOf(obj)
}

// tensorsOf returns the tensors of the unpickled top-level object, which
// must be a dict.
func tensorsOf(obj any) ([]named, error) {
	top, ok := obj.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("%w: the file holds a %s, not a dict of tensors (save model.state_dict())", ErrUnsupported, pyTypeName(obj))
	}
	var out []named
	if err := flatten(&out, "", top, 0); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(out))
	for _, e := range out {
		if seen[e.name] {
			return nil, fmt.Errorf("%w: two tensors are named %q after flattening nested dicts", ErrUnsupported, e.name)
		}
		seen[e.name] = true
	}
	return out, nil
}

// record returns the bytes of <prefix>/name, checked against the CRC-32 of
// the archive.
func (r *pthReader) record(name string) ([]byte, error) {
	f, ok := r.records[r.prefix+name]
	if !ok {
		return nil, fmt.Errorf("%w: record %s%s is missing", ErrCorrupt, r.prefix, name)
	}
	if f.Method != zip.Store {
		return nil, fmt.Errorf("%w: record %s is compressed (method %d); torch.save stores records uncompressed", ErrUnsupported, f.Name, f.Method)
	}
	if f.UncompressedSize64 > uint64(f.CompressedSize64) {
		return nil, fmt.Errorf("%w: record %s claims %d bytes but stores %d", ErrCorrupt, f.Name, f.UncompressedSize64, f.CompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, f.Name, err)
	}
	return b, nil
}

func resolvePTH(g pyGlobal) (any, error) {
	switch g {
	case pyGlobal{"collections", "OrderedDict"}:
		return orderedDictClass{}, nil
	case pyGlobal{"torch._utils", "_rebuild_tensor_v2"}:
		return rebuildTensor{}, nil
	case pyGlobal{"torch._utils", "_rebuild_parameter"}:
		return rebuildParameter{}, nil
	}
	if g.module == "torch" {
		for _, i := range dtypes {
			if g.name == i.storage {
				return storageClass{i}, nil
			}
		}
	}
	return g, fmt.Errorf("%w: the pickle refers to the Python object %s.%s; ppctl reads files holding dicts of tensors",
		ErrUnsupported, g.module, g.name)
}

// persistent resolves ('storage', torch.XStorage, key, location, numel).
// The location (cpu, cuda:0) is ignored: tensors load on the CPU.
func (r *pthReader) persistent(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) != 5 || t[0] != "storage" {
		return nil, fmt.Errorf("%w: persistent id %v is not a storage", ErrCorrupt, pid)
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
	b, err := r.record("data/" + key)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) < n*int64(class.info.dtype.Size()) {
		return nil, fmt.Errorf("%w: storage %s holds %d bytes, %d %v elements need %d",
			ErrCorrupt, key, len(b), n, class.info.dtype, n*int64(class.info.dtype.Size()))
	}
	s := &storage{dtype: class.info, key: key, numel: n, data: b}
	r.storages[key] = s
	return s, nil
}

func (r *pthReader) reduce(fn any, args pyTuple) (any, error) {
	switch fn.(type) {
	case orderedDictClass:
		if len(args) != 0 {
			return nil, fmt.Errorf("%w: OrderedDict called with arguments", ErrUnsupported)
		}
		return &pyDict{}, nil
	case rebuildTensor:
		return r.rebuild(args)
	case rebuildParameter:
		if len(args) < 1 {
			return nil, fmt.Errorf("%w: _rebuild_parameter without data", ErrCorrupt)
		}
		if _, ok := args[0].(*raw); !ok {
			return nil, fmt.Errorf("%w: _rebuild_parameter of a %s", ErrCorrupt, pyTypeName(args[0]))
		}
		return args[0], nil
	}
	return nil, fmt.Errorf("%w: calls to %s", ErrUnsupported, pyTypeName(fn))
}

// buildPTH accepts the state an OrderedDict state_dict carries (its
// _metadata attribute, module versions that ppctl does not need).
func buildPTH(obj, state any) error {
	if _, ok := obj.(*pyDict); ok {
		return nil
	}
	return fmt.Errorf("%w: BUILD of a %s", ErrUnsupported, pyTypeName(obj))
}

// maxDepth bounds the nesting of dicts (and so recursion on a pickle that
// makes a dict contain itself).
const maxDepth = 16

// flatten appends the tensors of d to out, nested dicts as prefix.key.
func flatten(out *[]named, prefix string, d *pyDict, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: dicts nested more than %d deep", ErrUnsupported, maxDepth)
	}
	for i, k := range d.keys {
		key, ok := k.(string)
		if !ok {
			return fmt.Errorf("%w: a dict key is a %s, not a str", ErrUnsupported, pyTypeName(k))
		}
		name := prefix + key
		switch v := d.values[i].(type) {
		case *raw:
			*out = append(*out, named{name, *v})
		case *pyDict:
			if err := flatten(out, name+".", v, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: entry %q is a %s, not a tensor; ppctl reads dicts of tensors (save model.state_dict())",
				ErrUnsupported, name, pyTypeName(v))
		}
	}
	return nil
}
