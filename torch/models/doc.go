// Package models holds the SE-ResNeXt family and fastai's heads, with the
// state names and shapes of timm's and fastai's state_dicts, so that
// checkpoints move between ppctl and PyTorch.
//
// # What it owns
//
//   - SqueezeExcite (se.go), Bottleneck and Downsample (bottleneck.go), Stem
//     (stem.go): the parts, each a Layer with Forward, SetTraining and
//     Entries (its named tensors in state_dict order).
//   - SEResNeXt (resnet.go): one type configured by a Variant from a table
//     keyed by timm names: seresnext50_32x4d (the blog's backbone,
//     25,510,896 parameters; 27,559,896 with a 1000-class fc),
//     seresnext26d_32x4d, seresnext26t_32x4d (deep stems, average-pool
//     shortcuts, for CPU runs) and seresnext_tiny (tests and the demo).
//     Features is the body, everything before global pooling.
//   - NewHead (head.go): fastai's create_head, built from ConcatPool,
//     Flatten and LinBnDrop, the parts the SSL projection heads reuse;
//     Classifier (classifier.go): encoder + head with "encoder." and
//     "head." names, fastai's body/head parameter groups and FreezeBody.
//   - Load, StateMap, SaveCheckpoint, LoadCheckpoint (state.go,
//     checkpoint.go): strict loading by name with errors that list every
//     missing, unexpected and mis-shaped key, and an arch check.
//   - timm's and fastai's initialisation (init.go), applied by the
//     constructors; Seeded makes it reproducible and equal, draw for draw,
//     to PyTorch's for the same seed.
//   - Summarize (summary.go): layers, output shapes and parameter counts.
//
// It does not own training (torch/train), losses or the SSL methods (ssl),
// or the checkpoint file formats (torch/checkpoint).
//
// # Usage
//
//	torch.ManualSeed(0)
//	c, err := models.NewClassifier(models.ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
//	if err != nil { ... }
//	logits := c.Forward(x)                 // (N, 3, H, W) -> (N, 4), training mode
//	feats := c.Encoder.Features(x)         // (N, 256, H/32, W/32)
//	probs := models.Infer(c, x)            // eval mode, no autograd
//	err = models.SaveCheckpoint("m.pth", c, nil) // PyTorch: load_state_dict(strict=True)
//
// # Modes
//
// Models start in training mode: batch norms use the batch's statistics,
// update their running mean and variance with momentum 0.1 and count
// num_batches_tracked; dropout drops. SetTraining(false) switches to the
// running statistics; Infer also turns autograd off. Config.ChannelsLast
// stores convolution weights and activations in NHWC order.
//
// # Reference
//
// scripts/seresnext_ref.py is our own PyTorch implementation of the family
// in timm's layout; scripts/gen_models_golden.py writes testdata/ from it.
// The tests compare key lists, parameter counts, seeded initialisation, and
// a train step (features, logits, every gradient, updated running
// statistics) and an eval forward within 1e-4 relative, in fp32 on one
// intra-op thread.
package models
