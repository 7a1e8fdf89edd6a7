package models

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
)

// Classifier is an encoder (an SE-ResNeXt body) followed by a head, the
// model fastai's vision learner builds. Its state names are "encoder.<timm
// key>" and "head.<index>.<name>".
type Classifier struct {
	Encoder *SEResNeXt
	Head    Layer
}

// ClassifierConfig describes a classifier.
type ClassifierConfig struct {
	// Arch is the encoder's member (default "seresnext50_32x4d").
	Arch string
	// Classes is the head's number of outputs (required, positive).
	Classes int64
	// Head shapes fastai's create_head (default DefaultHeadConfig()).
	Head HeadConfig
	// ChannelsLast runs the encoder in NHWC order (default false).
	ChannelsLast bool
}

// DefaultClassifierConfig returns seresnext50_32x4d with fastai's head for
// the four Plant Pathology classes.
func DefaultClassifierConfig() ClassifierConfig {
	return ClassifierConfig{Arch: "seresnext50_32x4d", Classes: 4, Head: DefaultHeadConfig()}
}

// NewClassifier builds an encoder with timm's initialisation and a fastai
// head with fastai's, in that order (wrap it in Seeded for reproducible
// weights).
func NewClassifier(cfg ClassifierConfig) (*Classifier, error) {
	if cfg.Classes <= 0 {
		return nil, fmt.Errorf("models: a classifier needs a positive number of classes, got %d", cfg.Classes)
	}
	enc, err := New(Config{Arch: cfg.Arch, ChannelsLast: cfg.ChannelsLast})
	if err != nil {
		return nil, err
	}
	head, err := NewHead(enc.FeatureDim(), cfg.Classes, cfg.Head)
	if err != nil {
		return nil, err
	}
	return &Classifier{Encoder: enc, Head: head}, nil
}

// Forward returns logits, (N, 3, H, W) -> (N, Classes).
func (c *Classifier) Forward(x torch.Tensor) torch.Tensor {
	f := c.Encoder.Features(x) // (N, C, H/32, W/32)
	return c.Head.Forward(f)   // (N, Classes)
}

// SetTraining sets the mode of encoder and head.
func (c *Classifier) SetTraining(on bool) {
	c.Encoder.SetTraining(on)
	c.Head.SetTraining(on)
}

// Entries lists encoder.* then head.*.
func (c *Classifier) Entries(prefix string) []Entry {
	return append(c.Encoder.Entries(prefix+"encoder."), c.Head.Entries(prefix+"head.")...)
}

// StateDict returns the classifier's named tensors.
func (c *Classifier) StateDict() []Entry { return c.Entries("") }

// ParamGroup is a named set of parameters the trainer gives its own
// learning rate (fastai's splitter).
type ParamGroup struct {
	// Name is "body" or "head".
	Name string
	// Params are the group's trainable entries (no buffers).
	Params []Entry
}

// ParamGroups returns fastai's default split: the body, then the head.
func (c *Classifier) ParamGroups() []ParamGroup {
	return []ParamGroup{
		{Name: "body", Params: params(c.Encoder.Entries("encoder."))},
		{Name: "head", Params: params(c.Head.Entries("head."))},
	}
}

func params(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if !e.Buffer {
			out = append(out, e)
		}
	}
	return out
}

// FreezeBody turns gradient recording off (frozen) or on for the body's
// parameters. As fastai's freeze with train_bn=True, the body's batch norm
// weights and biases stay trainable, and its running statistics keep
// updating in training mode: freezing changes what the optimizer moves,
// not the mode.
func (c *Classifier) FreezeBody(frozen bool) {
	for _, e := range params(c.Encoder.Entries("")) {
		torch.SetRequiresGrad(e.Tensor, !frozen || e.Norm)
	}
}
