package models

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ppctl/ppctl/torch"
)

// ErrArchMismatch is wrapped by Load's error when a checkpoint records a
// different arch than the model's.
var ErrArchMismatch = errors.New("checkpoint arch does not match the model")

// Mismatch is a key whose tensor has another shape in the checkpoint.
type Mismatch struct {
	Name              string
	Model, Checkpoint []int64
}

// LoadError says why a state dict does not fit a model: every missing,
// unexpected and mis-shaped key, sorted.
type LoadError struct {
	// Model names what was loaded into (an arch, or "model").
	Model      string
	Missing    []string
	Unexpected []string
	Mismatched []Mismatch
}

// Error lists the problems, a few keys of each kind.
func (e *LoadError) Error() string {
	var parts []string
	if n := len(e.Mismatched); n > 0 {
		var ks []string
		for _, m := range e.Mismatched[:min(n, 3)] {
			ks = append(ks, fmt.Sprintf("%s: checkpoint %v, model %v", m.Name, m.Checkpoint, m.Model))
		}
		parts = append(parts, fmt.Sprintf("%d mis-shaped (%s%s)", n, strings.Join(ks, "; "), more(n, 3)))
	}
	if n := len(e.Missing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d missing (%s%s)", n, strings.Join(e.Missing[:min(n, 4)], ", "), more(n, 4)))
	}
	if n := len(e.Unexpected); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unexpected (%s%s)", n, strings.Join(e.Unexpected[:min(n, 4)], ", "), more(n, 4)))
	}
	return fmt.Sprintf("models: checkpoint does not fit %s: %s keys; is it for another arch, or a body where a classifier (encoder.*, head.*) is wanted?",
		e.Model, strings.Join(parts, ", "))
}

func more(n, shown int) string {
	if n > shown {
		return fmt.Sprintf(", and %d more", n-shown)
	}
	return ""
}

// LoadOptions says how strictly Load matches names.
type LoadOptions struct {
	// NonStrict tolerates missing and unexpected keys, as PyTorch's
	// strict=False (default false: every key must match). Mis-shaped keys
	// are an error either way.
	NonStrict bool
	// Arch is the arch the checkpoint records ("" when unknown: not
	// checked). A different arch than the model's is ErrArchMismatch.
	Arch string
}

// archer is implemented by models that know their arch.
type archer interface{ Arch() string }

// Arch returns the encoder's timm name.
func (c *Classifier) Arch() string { return c.Encoder.Arch() }

// Load copies a state dict into l by name, converting dtypes, without
// touching autograd. Keys a checkpoint lacks for num_batches_tracked are
// not missing (PyTorch fills them for old checkpoints; the counter stays).
// On any problem nothing is copied and the error is a *LoadError (or wraps
// ErrArchMismatch).
func Load(l Layer, sd map[string]torch.Tensor, opt LoadOptions) error {
	model := "model"
	if a, ok := l.(archer); ok {
		model = a.Arch()
		if opt.Arch != "" && opt.Arch != model {
			return fmt.Errorf("models: the checkpoint is a %s, the model a %s: %w (pass --arch %s)", opt.Arch, model, ErrArchMismatch, opt.Arch)
		}
	}
	es := l.Entries("")
	le := &LoadError{Model: model}
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		seen[e.Name] = true
		src, ok := sd[e.Name]
		if !ok {
			if !hasSuffix(e.Name, "num_batches_tracked") {
				le.Missing = append(le.Missing, e.Name)
			}
			continue
		}
		if got, want := src.Shape(), e.Tensor.Shape(); !slices.Equal(got, want) {
			le.Mismatched = append(le.Mismatched, Mismatch{Name: e.Name, Model: want, Checkpoint: got})
		}
	}
	for k := range sd {
		if !seen[k] {
			le.Unexpected = append(le.Unexpected, k)
		}
	}
	sort.Strings(le.Missing)
	sort.Strings(le.Unexpected)
	if opt.NonStrict {
		le.Missing, le.Unexpected = nil, nil
	}
	if len(le.Missing)+len(le.Unexpected)+len(le.Mismatched) > 0 {
		return le
	}
	return torch.Try(func() {
		torch.NoGrad(func() {
			for _, e := range es {
				if src, ok := sd[e.Name]; ok {
					torch.CopyInto(e.Tensor, src)
				}
			}
		})
	})
}

// StateMap returns l's named tensors as a map (live tensors, not copies),
// the form checkpoint.Save takes.
func StateMap(l Layer) map[string]torch.Tensor {
	es := l.Entries("")
	m := make(map[string]torch.Tensor, len(es))
	for _, e := range es {
		m[e.Name] = e.Tensor
	}
	return m
}

// Names returns the entries' names in order.
func Names(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}
