package checkpoint

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ppctl/ppctl/torch"
)

// Errors a caller may test with errors.Is. Every error of Load also names
// the file.
var (
	// ErrCorrupt: the file is truncated, garbled or not the format its
	// extension says.
	ErrCorrupt = errors.New("corrupt checkpoint (truncated or damaged)")
	// ErrChecksum: the file's SHA-256 differs from its sidecar's.
	ErrChecksum = errors.New("checkpoint does not match its sidecar")
	// ErrUnsupported: a valid file holding something ppctl does not load
	// (a Python object other than a dict of tensors, an int8 tensor, ...).
	ErrUnsupported = errors.New("unsupported checkpoint content")
)

// Format is a checkpoint file format.
type Format int

// The formats, chosen by file extension (FormatOf).
const (
	// PTH is torch.save's zip archive (.pth, .pt, .bin).
	PTH Format = iota + 1
	// Safetensors is Hugging Face's .safetensors.
	Safetensors
)

func (f Format) String() string {
	switch f {
	case PTH:
		return "pth"
	case Safetensors:
		return "safetensors"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatOf returns the format of a checkpoint path from its extension.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pth", ".pt", ".bin":
		return PTH, nil
	case ".safetensors":
		return Safetensors, nil
	}
	return 0, fmt.Errorf("checkpoint: %s: unknown extension %q (want .pth, .pt, .bin or .safetensors)", path, filepath.Ext(path))
}

// Entry is one named tensor of a checkpoint.
type Entry struct {
	Name   string
	Tensor torch.Tensor
}

// Save writes tensors to path, in the format of its extension, with the
// keys in sorted order; see SaveOrdered.
func Save(path string, tensors map[string]torch.Tensor, meta *Meta) error {
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	return SaveOrdered(path, names, tensors, meta)
}

// SaveOrdered writes tensors to path with the keys in the order of names
// (a model's state_dict order), which must list every key of tensors once.
// The format follows the extension (FormatOf). The write is atomic: a
// temporary file in the same directory, fsync, rename, fsync of the
// directory. With meta it writes the sidecar path+".json" with the file's
// SHA-256 (meta itself is not modified); without, it removes a stale one.
// Tensors may live on any device and have any strides; they are written
// contiguous, each with its own storage, on the CPU.
func SaveOrdered(path string, names []string, tensors map[string]torch.Tensor, meta *Meta) error {
	entries, err := collect(names, tensors)
	if err != nil {
		return fmt.Errorf("checkpoint: %s: %w", path, err)
	}
	return saveRaw(path, entries, meta)
}

// collect pairs names with their tensors as raw values.
func collect(names []string, tensors map[string]torch.Tensor) ([]named, error) {
	if len(names) != len(tensors) {
		return nil, fmt.Errorf("%d names for %d tensors", len(names), len(tensors))
	}
	seen := make(map[string]bool, len(names))
	entries := make([]named, 0, len(names))
	for _, n := range names {
		t, ok := tensors[n]
		if !ok || seen[n] {
			return nil, fmt.Errorf("name %q is repeated or has no tensor", n)
		}
		seen[n] = true
		r, err := fromTensor(n, t)
		if err != nil {
			return nil, err
		}
		entries = append(entries, named{n, r})
	}
	return entries, nil
}

func saveRaw(path string, entries []named, meta *Meta) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	sum, err := writeAtomic(path, func(w io.Writer) error {
		if format == Safetensors {
			return writeSafetensors(w, entries)
		}
		return writePTH(w, archiveName(path), entries)
	})
	if err == nil && meta != nil {
		err = writeMeta(path, *meta, sum)
	} else if err == nil {
		err = removeStaleMeta(path)
	}
	if err != nil {
		return fmt.Errorf("checkpoint: write %s: %w", path, err)
	}
	return nil
}

// Load reads the checkpoint at path (see LoadOrdered) into a map.
func Load(path string) (map[string]torch.Tensor, *Meta, error) {
	entries, meta, err := LoadOrdered(path)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]torch.Tensor, len(entries))
	for _, e := range entries {
		out[e.Name] = e.Tensor
	}
	return out, meta, nil
}

// LoadOrdered reads the checkpoint at path, in the format of its
// extension, and returns its tensors in file order (a state_dict's order)
// as CPU tensors that do not require gradients. A .pth may come from
// ppctl or from torch.save: a dict or an OrderedDict state_dict, views with
// strides and offsets, storages shared between tensors; nested dicts are
// flattened with "." (a {"encoder": sd} dict gives "encoder.conv1.weight").
// When the sidecar path+".json" exists it is returned and the file's
// SHA-256 must match it (ErrChecksum); meta is nil without one. A
// truncated or garbled file is an error (ErrCorrupt), never garbage.
func LoadOrdered(path string) ([]Entry, *Meta, error) {
	entries, meta, err := loadRaw(path)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Entry, len(entries))
	for i, e := range entries {
		t, err := toTensor(e.t)
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint: %s: tensor %q: %w", path, e.name, err)
		}
		out[i] = Entry{e.name, t}
	}
	return out, meta, nil
}

func loadRaw(path string) ([]named, *Meta, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, nil, err
	}
	meta, err := ReadMeta(path)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	if meta != nil && meta.SHA256 != "" {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, meta.SHA256) {
			return nil, nil, fmt.Errorf("checkpoint: %s: %w: its SHA-256 is %s, %s says %s; the file is damaged or was replaced (restore it, or delete the sidecar to load it anyway)",
				path, ErrChecksum, got, SidecarPath(path), meta.SHA256)
		}
	}
	var entries []named
	if format == Safetensors {
		entries, err = readSafetensors(data)
	} else {
		entries, err = readPTH(data)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %s: %w", path, err)
	}
	return entries, meta, nil
}
