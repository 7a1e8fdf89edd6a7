package softlabel

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// DefaultArch is the backbone when neither Config.Arch nor the encoder's
// sidecar names one: the blog's.
const DefaultArch = "seresnext50_32x4d"

// Config says how the classifier of each fold is built and fine-tuned. It
// is shared by PseudoLabel (DefaultPseudoLabelConfig) and FineTune
// (DefaultFineTuneConfig), which differ only in their defaults.
type Config struct {
	// Arch is the backbone, a name of models.Archs(). Default "": the arch
	// the encoder's sidecar records, else DefaultArch. An encoder of another
	// arch is an error.
	Arch string `json:"arch"`
	// Encoder is the pretrained backbone: a run directory holding
	// encoder.pth, or a .pth or .safetensors file of timm keys. Default "":
	// no encoder, the backbone starts from timm's random initialisation.
	Encoder string `json:"encoder"`
	// Folds is the number of stratified folds, one classifier each.
	// Default 2 for pseudo-labels, 3 for fine-tuning; it must be at least 2.
	Folds int `json:"folds"`
	// Seed drives the folds, each fold's initial weights (Seed+fold), its
	// data order and augmentations, and dropout. Default 42, the blog's;
	// zero is a seed like any other.
	Seed uint64 `json:"seed"`
	// Size is the side in pixels of the training crops and of the
	// evaluation centre crop. Default 228; it must be positive.
	Size int `json:"size"`
	// MinScale is the smallest area fraction of a training crop
	// (RandomResizedCrop's min_scale). Default 0.35; zero means 0.35.
	MinScale float64 `json:"min_scale"`
	// BatchSize is images per batch, training and evaluation. Default 16
	// for pseudo-labels, 32 for fine-tuning (the blog's); it must be
	// positive. A training set smaller than a batch trains in one batch.
	BatchSize int `json:"batch_size"`
	// Schedule is fastai's fine_tune: Epochs unfrozen after FreezeEpochs
	// frozen ones, BaseLR the head's peak rate. Default 15 epochs after 1,
	// base_lr 2e-3 for pseudo-labels; 25 after 2, 1e-3 for fine-tuning.
	Schedule train.FineTune `json:"schedule"`
	// SingleGroup trains one parameter group, as the blog's learners
	// without a splitter do: nothing is frozen and every weight gets the
	// head's rate. Default false: fastai's body and head groups.
	SingleGroup bool `json:"single_group"`
}

// DefaultPseudoLabelConfig returns the blog's pseudo-labelling settings
// (DESIGN section 2, step 3): 2 folds, seed 42, 228-pixel crops, batches of
// 16, fine_tune(15) at fastai's base_lr 2e-3 after 1 frozen epoch.
func DefaultPseudoLabelConfig() Config {
	s := train.DefaultFineTune()
	s.Epochs = 15
	return Config{Folds: 2, Seed: 42, Size: 228, MinScale: 0.35, BatchSize: 16, Schedule: s}
}

// DefaultFineTuneConfig returns the blog's soft-label fine-tuning settings
// (DESIGN section 2, step 4): 3 folds, seed 42, 228-pixel crops, batches of
// 32, fine_tune(25, base_lr=1e-3, freeze_epochs=2).
func DefaultFineTuneConfig() Config {
	s := train.DefaultFineTune()
	s.Epochs, s.BaseLR, s.FreezeEpochs = 25, 1e-3, 2
	return Config{Folds: 3, Seed: 42, Size: 228, MinScale: 0.35, BatchSize: 32, Schedule: s}
}

// BackboneInit says in words where the backbone's weights come from, for
// manifests and reports.
func (c Config) BackboneInit() string {
	if c.Encoder == "" {
		return "random (timm initialisation; no encoder given)"
	}
	return "encoder " + c.Encoder
}

// Resolved returns c with Arch filled in (from the encoder's sidecar, else
// DefaultArch) and MinScale's zero replaced, after checking every setting.
// PseudoLabel and FineTune call it; commands call it first to record the
// resolved settings and to refuse bad flags before anything is written.
func (c Config) Resolved() (Config, error) {
	if c.MinScale == 0 {
		c.MinScale = 0.35
	}
	switch {
	case c.Folds < 2:
		return c, fmt.Errorf("softlabel: %d folds: k-fold needs at least 2", c.Folds)
	case c.Size < 1:
		return c, fmt.Errorf("softlabel: image size %d: give a positive side in pixels (the blog uses 228)", c.Size)
	case c.BatchSize < 1:
		return c, fmt.Errorf("softlabel: batch size %d: give a positive number of images", c.BatchSize)
	case !(c.MinScale > 0 && c.MinScale <= 1):
		return c, fmt.Errorf("softlabel: min scale %g is outside (0, 1]", c.MinScale)
	}
	if _, err := c.Schedule.Phases(1, 1); err != nil {
		return c, fmt.Errorf("softlabel: %w", err)
	}
	if c.Encoder != "" {
		arch, err := encoderArch(c.Encoder, c.Arch)
		if err != nil {
			return c, err
		}
		c.Arch = arch
	}
	if c.Arch == "" {
		c.Arch = DefaultArch
	}
	if _, err := models.LookupVariant(c.Arch); err != nil {
		return c, fmt.Errorf("softlabel: %w", err)
	}
	return c, nil
}

// Runtime says where training runs and where its results go; PseudoLabel,
// FineTune and Predict share it. The zero value trains on the CPU in fp32
// with one loader goroutine per core, reports nothing and writes nothing.
type Runtime struct {
	// Device is where the models live and run. Default the CPU.
	Device torch.Device
	// Autocast is the mixed-precision dtype (torch.BFloat16 or
	// torch.Float16); zero or torch.Float32 runs in float32.
	Autocast torch.DType
	// Workers is the number of data-loading goroutines. Default (zero):
	// one per core.
	Workers int
	// Reporter shows progress; nil reports nothing. The training loop
	// calls its StartPhase, Step, EndEpoch and EndPhase; Finish is the
	// caller's.
	Reporter train.Reporter
	// Callbacks run after every epoch of every fold, after the fold's own
	// (a command's metrics log, early stopping). Default none.
	Callbacks []train.Callback
	// Dir is the run directory: each fold writes fold<k>/ there
	// (metrics.jsonl, its results, a completion marker) and PseudoLabel
	// writes pseudolabels.csv. Default "": nothing is written, which
	// FineTune refuses (its models are files).
	Dir string
	// Resume skips the folds that Dir records as complete, reading their
	// results back. Default false: every fold runs.
	Resume bool
	// Meta is copied into the sidecar of every checkpoint written
	// (precision, versions); kind, arch, classes, image size and
	// normalization are filled in. Default empty.
	Meta checkpoint.Meta
}

// encoderArch returns the arch of the encoder at path: the one its sidecar
// records, or for a file without sidecar the member its tensors fit. want
// ("" for any) must agree with it.
func encoderArch(path, want string) (string, error) {
	file, err := models.ResolveEncoderPath(path)
	if err != nil {
		return "", fmt.Errorf("softlabel: %w", err)
	}
	meta, err := checkpoint.ReadMeta(file)
	if err != nil {
		return "", fmt.Errorf("softlabel: encoder: %w", err)
	}
	if meta != nil && meta.Arch != "" {
		if want != "" && want != meta.Arch {
			return "", fmt.Errorf("softlabel: the encoder %s is a %s, not a %s: pass --arch %s, or leave --arch out",
				path, meta.Arch, want, meta.Arch)
		}
		return meta.Arch, nil
	}
	enc, _, err := models.LoadEncoder(path, want) // no sidecar: find the arch it fits
	if err != nil {
		return "", fmt.Errorf("softlabel: %w", err)
	}
	return enc.Arch(), nil
}
