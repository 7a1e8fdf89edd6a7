package softlabel

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/models"
)

// savedEncoder writes a seeded tiny encoder to dir/encoder.pth and returns
// its tensors by name (copied to Go slices).
func savedEncoder(t *testing.T, dir string, seed uint64) map[string][]float32 {
	t.Helper()
	enc, err := models.Seeded(seed, func() (*models.SEResNeXt, error) {
		return models.New(models.Config{Arch: "seresnext_tiny"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := models.SaveEncoder(filepath.Join(dir, models.EncoderFile), enc, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{}
	for _, e := range enc.Entries("") {
		want[e.Name] = torch.Float32s(torch.To(e.Tensor, torch.Float32))
	}
	return want
}

// The blog's get_model loaded the SSL encoder and dropped it; these prove
// that NewClassifier's backbone holds the encoder's exact tensors, and
// that without an encoder it does not.
func TestNewClassifierLoadsTheEncoder(t *testing.T) {
	dir := t.TempDir()
	want := savedEncoder(t, dir, 7)
	tests := []struct {
		name    string
		encoder string
		same    bool
	}{
		{"run directory", dir, true},
		{"pth file", filepath.Join(dir, models.EncoderFile), true},
		{"no encoder: timm's random init", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tinyConfig()
			cfg.Encoder = tt.encoder
			cfg, err := cfg.Resolved()
			if err != nil {
				t.Fatal(err)
			}
			clf, err := NewClassifier(cfg, 4, 123) // another seed than the encoder's
			if err != nil {
				t.Fatal(err)
			}
			differ := 0
			for _, e := range clf.Encoder.Entries("") {
				w, ok := want[e.Name]
				if !ok {
					t.Fatalf("the classifier's encoder has %s, the checkpoint does not", e.Name)
				}
				got := torch.Float32s(torch.To(e.Tensor, torch.Float32))
				if !slices.Equal(got, w) {
					differ++
					if tt.same {
						t.Errorf("%s differs from the encoder checkpoint", e.Name)
					}
				}
			}
			if !tt.same && differ == 0 {
				t.Errorf("every tensor equals the encoder's; a classifier without --encoder should start from its own random init")
			}
			if n := len(clf.Head.Entries("")); n == 0 {
				t.Errorf("the classifier has no head")
			}
		})
	}
}

func TestResolvedArch(t *testing.T) {
	dir := t.TempDir()
	savedEncoder(t, dir, 1)
	tests := []struct {
		name, arch, encoder, want, wantErr string
	}{
		{"default", "", "", DefaultArch, ""},
		{"from the encoder's sidecar", "", dir, "seresnext_tiny", ""},
		{"agreeing", "seresnext_tiny", dir, "seresnext_tiny", ""},
		{"contradicting", "seresnext26d_32x4d", dir, "", "pass --arch seresnext_tiny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultFineTuneConfig()
			cfg.Arch, cfg.Encoder = tt.arch, tt.encoder
			got, err := cfg.Resolved()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v; want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Arch != tt.want {
				t.Errorf("Resolved() arch = %q, %v; want %q", got.Arch, err, tt.want)
			}
		})
	}
}

func TestTrainableGroups(t *testing.T) {
	cfg, err := tinyConfig().Resolved()
	if err != nil {
		t.Fatal(err)
	}
	clf, err := NewClassifier(cfg, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	two := trainable(clf, false).Groups()
	one := trainable(clf, true).Groups()
	if len(two) != 2 || two[0].Name != "body" || two[1].Name != "head" {
		t.Fatalf("default groups = %d; want body and head", len(two))
	}
	if len(one) != 1 {
		t.Fatalf("single-group model has %d groups; want 1", len(one))
	}
	if got, want := len(one[0].Params), len(two[0].Params)+len(two[1].Params); got != want {
		t.Errorf("single group holds %d parameters; want all %d", got, want)
	}
}
