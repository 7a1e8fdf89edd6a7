package models

import (
	"fmt"
	"strings"

	"github.com/ppctl/ppctl/torch"
)

// Variant is one member of the SE-ResNeXt family, keyed by its timm name.
type Variant struct {
	// Name is timm's model name, e.g. "seresnext50_32x4d".
	Name string
	// Layers is the number of bottlenecks in each of the four stages.
	Layers [4]int
	// Planes is each stage's planes; its output has 4x as many channels.
	Planes [4]int64
	// Cardinality and BaseWidth size the grouped 3x3 convolutions.
	Cardinality, BaseWidth int64
	// Stem and StemWidth describe the layers before layer1.
	Stem      StemType
	StemWidth int64
	// AvgDown average-pools in the shortcut projections (timm avg_down).
	AvgDown bool
	// SE sizes the squeeze-excite gates.
	SE SEConfig
	// Doc says what the member is for.
	Doc string
}

// variants is the family, in the order --help lists it.
var variants = []Variant{
	{
		Name: "seresnext50_32x4d", Layers: [4]int{3, 4, 6, 3}, Planes: [4]int64{64, 128, 256, 512},
		Cardinality: 32, BaseWidth: 4, Stem: StemPlain, StemWidth: 64, SE: DefaultSEConfig(),
		Doc: "the blog's backbone: ResNet-50 layout, 7x7 stem (25.5M parameters)",
	},
	{
		Name: "seresnext26d_32x4d", Layers: [4]int{2, 2, 2, 2}, Planes: [4]int64{64, 128, 256, 512},
		Cardinality: 32, BaseWidth: 4, Stem: StemDeep, StemWidth: 32, AvgDown: true, SE: DefaultSEConfig(),
		Doc: "26 layers, deep 32-32-64 stem, average-pool shortcuts (14.8M)",
	},
	{
		Name: "seresnext26t_32x4d", Layers: [4]int{2, 2, 2, 2}, Planes: [4]int64{64, 128, 256, 512},
		Cardinality: 32, BaseWidth: 4, Stem: StemDeepTiered, StemWidth: 32, AvgDown: true, SE: DefaultSEConfig(),
		Doc: "26 layers, tiered 24-32-64 stem, average-pool shortcuts (14.8M)",
	},
	{
		Name: "seresnext_tiny", Layers: [4]int{1, 2, 1, 1}, Planes: [4]int64{8, 16, 32, 64},
		Cardinality: 4, BaseWidth: 32, Stem: StemDeep, StemWidth: 8, AvgDown: true, SE: DefaultSEConfig(),
		Doc: "ppctl's own few-channel member for tests and the CPU demo (0.18M)",
	},
}

// Variants returns the family in a fixed order.
func Variants() []Variant { return append([]Variant(nil), variants...) }

// Archs returns the names of the family.
func Archs() []string {
	names := make([]string, len(variants))
	for i, v := range variants {
		names[i] = v.Name
	}
	return names
}

// LookupVariant returns the member called name.
func LookupVariant(name string) (Variant, error) {
	for _, v := range variants {
		if v.Name == name {
			return v, nil
		}
	}
	return Variant{}, fmt.Errorf("models: unknown arch %q: use one of %s", name, strings.Join(Archs(), ", "))
}

// FeatureDim returns the channels of the body's output (2048 for the
// ResNet-50 planes).
func (v Variant) FeatureDim() int64 { return v.Planes[3] * Expansion }

// Config selects and shapes an SE-ResNeXt.
type Config struct {
	// Arch is the member's timm name (default "seresnext50_32x4d").
	Arch string
	// Classes adds timm's classifier (global average pool and a Linear
	// "fc") with that many outputs; 0 (the default) is the body alone,
	// timm's num_classes=0, global_pool=''.
	Classes int64
	// ChannelsLast stores convolution weights and runs activations in NHWC
	// memory order (default false: NCHW). Values are the same either way.
	ChannelsLast bool
}

// DefaultConfig returns the blog's body: seresnext50_32x4d, no classifier,
// NCHW.
func DefaultConfig() Config { return Config{Arch: "seresnext50_32x4d"} }

// SEResNeXt is a member of the family: a stem, four stages of bottlenecks
// (layer1..layer4) and, when configured with classes, timm's classifier.
// Its state names and shapes are timm's.
type SEResNeXt struct {
	Variant Variant
	Stem    *Stem
	// Stages holds layer1..layer4.
	Stages [4][]*Bottleneck
	// FC is the classifier, nil for a body.
	FC           *Linear
	channelsLast bool
	training     bool
}

// New builds a member initialised as timm's constructor does (see
// initTimm; wrap it in Seeded for reproducible weights). It starts in
// training mode.
func New(cfg Config) (*SEResNeXt, error) {
	if cfg.Arch == "" {
		cfg.Arch = DefaultConfig().Arch
	}
	v, err := LookupVariant(cfg.Arch)
	if err != nil {
		return nil, err
	}
	if cfg.Classes < 0 {
		return nil, fmt.Errorf("models: %d classes: use 0 for a body or a positive count", cfg.Classes)
	}
	m := &SEResNeXt{Variant: v, Stem: NewStem(v.Stem, v.StemWidth), training: true}
	in := m.Stem.OutChannels()
	for i := range m.Stages {
		stride := int64(2)
		if i == 0 {
			stride = 1
		}
		planes := v.Planes[i]
		for b := 0; b < v.Layers[i]; b++ {
			c := BlockConfig{InPlanes: in, Planes: planes, Stride: stride, Cardinality: v.Cardinality,
				BaseWidth: v.BaseWidth, SE: v.SE, AvgDown: v.AvgDown}
			m.Stages[i] = append(m.Stages[i], NewBottleneck(c, b == 0 && (stride != 1 || in != planes*Expansion)))
			in, stride = planes*Expansion, 1
		}
	}
	if cfg.Classes > 0 {
		m.FC = NewLinear(in, cfg.Classes, true)
	}
	initTimm(m)
	if cfg.ChannelsLast {
		m.SetChannelsLast(true)
	}
	return m, nil
}

// Arch returns the member's timm name.
func (m *SEResNeXt) Arch() string { return m.Variant.Name }

// FeatureDim returns the channels of Features' output.
func (m *SEResNeXt) FeatureDim() int64 { return m.Variant.FeatureDim() }

// Features runs the body, everything before global pooling:
// (N, 3, H, W) -> (N, FeatureDim, H/32, W/32) (sizes rounded up).
func (m *SEResNeXt) Features(x torch.Tensor) torch.Tensor {
	mustNCHW(m.Arch(), x)
	if m.channelsLast {
		x = channelsLast(x) // (N, 3, H, W) stored NHWC
	}
	x = m.Stem.Forward(x) // (N, C0, H/4, W/4)
	for _, stage := range m.Stages {
		for _, b := range stage {
			x = b.Forward(x) // layer1: (N, 4*P1, H/4, W/4); layer2..4 halve H and W
		}
	}
	return x // (N, FeatureDim, H/32, W/32)
}

// Forward returns the features of a body or, with a classifier, the logits:
// (N, 3, H, W) -> (N, FeatureDim, H/32, W/32) or (N, Classes).
func (m *SEResNeXt) Forward(x torch.Tensor) torch.Tensor {
	f := m.Features(x) // (N, C, h, w)
	if m.FC == nil {
		return f
	}
	p := meanDims(f, false, 2, 3) // (N, C): timm's global average pool
	return m.FC.Forward(p)        // (N, Classes)
}

// SetTraining sets every batch norm's mode.
func (m *SEResNeXt) SetTraining(on bool) {
	m.training = on
	m.Stem.SetTraining(on)
	for _, stage := range m.Stages {
		for _, b := range stage {
			b.SetTraining(on)
		}
	}
}

// Training reports whether the model is in training mode.
func (m *SEResNeXt) Training() bool { return m.training }

// Entries lists the state in timm's state_dict order: conv1, bn1,
// layer1.0 ... layer4.N, fc.
func (m *SEResNeXt) Entries(prefix string) []Entry {
	es := m.Stem.Entries(prefix)
	for i, stage := range m.Stages {
		for j, b := range stage {
			es = append(es, b.Entries(fmt.Sprintf("%slayer%d.%d.", prefix, i+1, j))...)
		}
	}
	if m.FC != nil {
		es = append(es, m.FC.Entries(prefix+"fc.")...)
	}
	return es
}

// StateDict returns the model's named tensors with timm's keys.
func (m *SEResNeXt) StateDict() []Entry { return m.Entries("") }

// SetChannelsLast stores every 4-d weight in NHWC (on) or NCHW (off) order
// in place, and makes Features convert its input the same way.
func (m *SEResNeXt) SetChannelsLast(on bool) {
	m.channelsLast = on
	for _, e := range m.Entries("") {
		if len(e.Tensor.Shape()) != 4 {
			continue
		}
		if on {
			setData(e.Tensor, channelsLast(e.Tensor))
		} else {
			setData(e.Tensor, contiguous(e.Tensor))
		}
	}
}

// ChannelsLast reports whether the model runs in NHWC order.
func (m *SEResNeXt) ChannelsLast() bool { return m.channelsLast }
