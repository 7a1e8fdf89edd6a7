package models

import (
	"fmt"

	"github.com/ppctl/ppctl/torch/checkpoint"
)

// Kind returns the checkpoint kind of a model: "encoder" for a body (timm
// keys), "classifier" for an encoder with a head (encoder.*, head.*).
func Kind(l Layer) string {
	if _, ok := l.(*Classifier); ok {
		return "classifier"
	}
	return "encoder"
}

// SaveCheckpoint writes l's state to path (.pth or .safetensors) in
// state_dict order, so that PyTorch's load_state_dict(strict=True) takes
// it, with a sidecar recording meta plus l's kind and arch (meta may be
// nil; it is not modified).
func SaveCheckpoint(path string, l Layer, meta *checkpoint.Meta) error {
	m := checkpoint.Meta{}
	if meta != nil {
		m = *meta
	}
	if m.Kind == "" {
		m.Kind = Kind(l)
	}
	if a, ok := l.(archer); ok && m.Arch == "" {
		m.Arch = a.Arch()
	}
	es := l.Entries("")
	if err := checkpoint.SaveOrdered(path, Names(es), StateMap(l), &m); err != nil {
		return fmt.Errorf("models: save %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint reads path (ppctl's or PyTorch's .pth, or .safetensors)
// into l by name (see Load), checking the arch its sidecar records, and
// returns the sidecar (nil for a file without one).
func LoadCheckpoint(path string, l Layer, opt LoadOptions) (*checkpoint.Meta, error) {
	sd, meta, err := checkpoint.Load(path)
	if err != nil {
		return nil, err
	}
	if meta != nil && opt.Arch == "" {
		opt.Arch = meta.Arch
	}
	if err := Load(l, sd, opt); err != nil {
		return meta, fmt.Errorf("%s: %w", path, err)
	}
	return meta, nil
}
