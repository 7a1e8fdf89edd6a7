package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MetaFormatVersion is the sidecar format this package writes. A sidecar
// with a higher version comes from a newer ppctl and is refused.
const MetaFormatVersion = 1

// Meta is the sidecar of a checkpoint, the JSON file X.pth.json next to
// X.pth (DESIGN.md section 5): what the tensors are, how images must be
// prepared for them, and the SHA-256 that proves the checkpoint is the
// file the sidecar describes. Empty fields are omitted from the JSON.
type Meta struct {
	// FormatVersion is the sidecar format; Save fills in MetaFormatVersion
	// when it is zero.
	FormatVersion int `json:"format_version"`
	// Kind says what the tensors form: "encoder" (a backbone, timm keys),
	// "classifier" (encoder.* and head.* keys), "ssl" (a pretraining
	// model with its projection head), ...
	Kind string `json:"kind,omitempty"`
	// Arch is the backbone's timm name, e.g. "seresnext50_32x4d".
	Arch string `json:"arch,omitempty"`
	// Classes are the class names in the order of the head's outputs.
	Classes []string `json:"classes,omitempty"`
	// ImageSize is the side in pixels of the square images the model was
	// trained on.
	ImageSize int `json:"image_size,omitempty"`
	// Normalization is the per-channel mean and std applied to images
	// scaled to [0, 1].
	Normalization *Normalization `json:"normalization,omitempty"`
	// Precision is what training ran in: "fp32", "bf16", "fp16".
	Precision string `json:"precision,omitempty"`
	// PPCtlVersion and LibtorchVersion record the software that wrote the
	// checkpoint.
	PPCtlVersion    string `json:"ppctl_version,omitempty"`
	LibtorchVersion string `json:"libtorch_version,omitempty"`
	// SHA256 is the hex SHA-256 of the checkpoint file. Save fills it in;
	// Load refuses a file that does not match it, and skips the check when
	// it is empty (a sidecar written by hand).
	SHA256 string `json:"sha256"`
	// Extra holds anything else a command wants to record (the SSL method,
	// the epoch, the fold).
	Extra map[string]string `json:"extra,omitempty"`
}

// Normalization is the per-channel mean and standard deviation of image
// normalization, in RGB order.
type Normalization struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// SidecarPath returns the sidecar file of a checkpoint: path + ".json".
func SidecarPath(path string) string { return path + ".json" }

// ReadMeta reads the sidecar of the checkpoint at path. It returns nil and
// no error when there is none (a file that PyTorch wrote).
func ReadMeta(path string) (*Meta, error) {
	side := SidecarPath(path)
	b, err := os.ReadFile(side)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: sidecar: %w", err)
	}
	var m Meta
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("checkpoint: sidecar %s: %w: %v (fix or delete it)", side, ErrCorrupt, err)
	}
	if m.FormatVersion > MetaFormatVersion {
		return nil, fmt.Errorf("checkpoint: sidecar %s: format version %d is newer than this ppctl reads (%d); upgrade ppctl",
			side, m.FormatVersion, MetaFormatVersion)
	}
	return &m, nil
}

// writeMeta writes m (with sum as its SHA-256) as the sidecar of path.
func writeMeta(path string, m Meta, sum string) error {
	m.SHA256 = sum
	if m.FormatVersion == 0 {
		m.FormatVersion = MetaFormatVersion
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = writeAtomic(SidecarPath(path), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
	return err
}

// removeStaleMeta deletes the sidecar of path, which Save calls when it
// writes a checkpoint without one: an old sidecar would no longer match.
func removeStaleMeta(path string) error {
	err := os.Remove(SidecarPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
