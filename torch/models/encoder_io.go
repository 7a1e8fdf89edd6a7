package models

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

// EncoderFile is the name of the encoder checkpoint in a pretraining run
// directory (DESIGN section 5).
const EncoderFile = "encoder.pth"

// KindEncoder is the sidecar kind of a body-only checkpoint (timm keys).
const KindEncoder = "encoder"

// ResolveEncoderPath turns what a user passed as --encoder into a file: a
// directory means its encoder.pth; a file is taken as it is.
func ResolveEncoderPath(path string) (string, error) {
	if path == "" {
		return "", errors.New("models: no encoder given; pass a run directory, a .pth or a .safetensors file")
	}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("models: encoder %s does not exist; pass a pretraining run directory (holding %s), a .pth or a .safetensors file", path, EncoderFile)
		}
		return "", fmt.Errorf("models: encoder: %w", err)
	}
	if !st.IsDir() {
		return path, nil
	}
	p := filepath.Join(path, EncoderFile)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("models: %s holds no %s: is it a pretraining run directory (ppctl pretrain ... --out %s), and did the run finish?", path, EncoderFile, path)
	}
	return p, nil
}

// LoadEncoder reads an SE-ResNeXt body from path: a pretraining run
// directory (its encoder.pth), a .pth (ppctl's or PyTorch's torch.save of a
// state dict) or a .safetensors file with timm's key names. Keys of a
// classifier or of a pretext model ("encoder.<timm key>", with "head.*",
// "projection.*") are reduced to the encoder's, and timm's classifier
// ("fc.weight", "fc.bias", which a timm model with num_classes=1000 has) is
// dropped, so the same call takes a body, a classifier and timm weights.
// The rest must match strictly: every key of the body present with its
// shape, nothing else.
//
// arch is the expected member ("" accepts the one the sidecar records; for
// a file without sidecar, every member is tried). A sidecar recording
// another arch is an error that says which --arch to pass. It returns the
// encoder (on the CPU, in training mode) and the sidecar (nil for a file
// without one).
func LoadEncoder(path, arch string) (*SEResNeXt, *checkpoint.Meta, error) {
	file, err := ResolveEncoderPath(path)
	if err != nil {
		return nil, nil, err
	}
	sd, meta, err := checkpoint.Load(file)
	if err != nil {
		return nil, nil, fmt.Errorf("models: encoder: %w", err)
	}
	body, err := encoderState(sd)
	if err != nil {
		return nil, meta, fmt.Errorf("models: encoder %s: %w", file, err)
	}
	recorded := ""
	if meta != nil {
		recorded = meta.Arch
	}
	if arch != "" && recorded != "" && arch != recorded {
		return nil, meta, fmt.Errorf("models: encoder %s is a %s, not a %s: %w (pass --arch %s, or leave --arch out)",
			file, recorded, arch, ErrArchMismatch, recorded)
	}
	candidates := []string{arch}
	switch {
	case arch == "" && recorded != "":
		candidates = []string{recorded}
	case arch == "":
		candidates = Archs()
		slices.Reverse(candidates) // smallest first: cheaper to build
	}
	var firstErr error
	for _, a := range candidates {
		enc, err := New(Config{Arch: a})
		if err != nil {
			return nil, meta, fmt.Errorf("models: encoder %s: %w", file, err)
		}
		if err = Load(enc, body, LoadOptions{}); err == nil {
			return enc, meta, nil
		}
		if firstErr == nil || len(candidates) == 1 {
			firstErr = err
		}
	}
	if len(candidates) > 1 {
		return nil, meta, fmt.Errorf("models: encoder %s (no sidecar) fits none of %s; pass --arch to see what does not match: %w",
			file, strings.Join(candidates, ", "), firstErr)
	}
	return nil, meta, fmt.Errorf("models: encoder %s: %w", file, firstErr)
}

// encoderState returns the body's part of a state dict: "encoder.*" keys
// with the prefix removed when there are any (a classifier or a pretext
// model), else the dict itself, without timm's "fc." classifier either way.
func encoderState(sd map[string]torch.Tensor) (map[string]torch.Tensor, error) {
	prefixed := false
	for k := range sd {
		if strings.HasPrefix(k, "encoder.") {
			prefixed = true
			break
		}
	}
	out := make(map[string]torch.Tensor, len(sd))
	for k, t := range sd {
		if prefixed {
			if !strings.HasPrefix(k, "encoder.") {
				continue
			}
			k = strings.TrimPrefix(k, "encoder.")
		}
		if strings.HasPrefix(k, "fc.") {
			continue
		}
		out[k] = t
	}
	if len(out) == 0 {
		keys := make([]string, 0, len(sd))
		for k := range sd {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("no encoder tensors among its %d keys (%s); is it an encoder, a classifier or timm weights?",
			len(keys), strings.Join(keys[:min(len(keys), 4)], ", "))
	}
	return out, nil
}

// SaveEncoder writes enc's body (timm keys in state_dict order, without a
// timm classifier) to path, .pth or .safetensors by its extension, with a
// sidecar of kind "encoder" recording enc's arch and whatever else meta
// holds (image size, normalization, precision...; meta may be nil and is
// not modified). PyTorch's load_state_dict(strict=True) takes the file for
// a timm body (num_classes=0, global_pool="").
func SaveEncoder(path string, enc *SEResNeXt, meta *checkpoint.Meta) error {
	m := checkpoint.Meta{}
	if meta != nil {
		m = *meta
	}
	m.Kind = KindEncoder
	m.Arch = enc.Arch()
	var names []string
	tensors := map[string]torch.Tensor{}
	for _, e := range enc.Entries("") {
		if strings.HasPrefix(e.Name, "fc.") {
			continue
		}
		names = append(names, e.Name)
		tensors[e.Name] = e.Tensor
	}
	if err := checkpoint.SaveOrdered(path, names, tensors, &m); err != nil {
		return fmt.Errorf("models: save encoder %s: %w", path, err)
	}
	return nil
}
