package models

import (
	"math"

	"github.com/ppctl/ppctl/torch"
	"github.com/wangkuiyi/gotorch/nn/initializer"
)

// initTimm applies timm's ResNet.init_weights to a freshly built model, as
// timm's constructor does: every convolution weight (in module order) is
// drawn from N(0, 2/fan_out) (kaiming_normal_, mode fan_out, relu), and the
// last batch norm weight of every bottleneck is zeroed (zero_init_last), so
// each block starts as its shortcut. Batch norms keep weight 1 and bias 0;
// the SE biases and the classifier keep PyTorch's default initialisation.
//
// Run after torch.ManualSeed(s), the draws are the ones PyTorch makes for
// the same seed: construction and initialisation happen in timm's order.
func initTimm(m *SEResNeXt) {
	for _, e := range m.Entries("") {
		s := e.Tensor.Shape()
		if len(s) != 4 {
			continue
		}
		fanOut := s[0] * s[2] * s[3]
		initializer.Normal(&e.Tensor, 0, math.Sqrt(2)/math.Sqrt(float64(fanOut)))
	}
	for _, stage := range m.Stages {
		for _, b := range stage {
			w := b.BN3.Weight()
			initializer.Zeros(&w)
		}
	}
}

// initHead applies fastai's apply_init(head, nn.init.kaiming_normal_), which
// create_cnn_model runs on a new head: each linear weight is drawn from
// N(0, 2/fan_in) and each linear bias zeroed, in layer order; batch norms
// are skipped (they keep fastai's weight 1, bias 1e-3).
func initHead(head *Sequential) {
	for _, l := range head.Layers {
		lin, ok := l.(*Linear)
		if !ok {
			continue
		}
		w := lin.Weight()
		fanIn := w.Shape()[1]
		initializer.Normal(&w, 0, math.Sqrt(2)/math.Sqrt(float64(fanIn)))
		if b, ok := lin.Bias(); ok {
			initializer.Zeros(&b)
		}
	}
}

// Seeded runs build right after seeding libtorch's generator with seed, so
// that the weights it draws are those PyTorch draws for
// torch.manual_seed(seed) followed by the same construction (our
// scripts/seresnext_ref.py, timm and fastai's order).
func Seeded[T any](seed uint64, build func() (T, error)) (T, error) {
	torch.ManualSeed(seed)
	return build()
}
