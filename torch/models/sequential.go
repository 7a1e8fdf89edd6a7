package models

import "github.com/ppctl/ppctl/torch"

// Sequential runs layers one after another, as PyTorch's nn.Sequential,
// and names each layer's tensors by its index ("2.weight"), which is how
// fastai's heads appear in a state_dict. Layers without tensors (pooling,
// ReLU, dropout) still take an index.
//
// gotorch has a Sequential too, but it is untyped (reflection over
// interface{} arguments) and knows no state names, so heads use this one.
type Sequential struct {
	Layers []Layer
}

// Forward feeds x through every layer in order.
func (s *Sequential) Forward(x torch.Tensor) torch.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// SetTraining sets every layer's mode.
func (s *Sequential) SetTraining(on bool) {
	for _, l := range s.Layers {
		l.SetTraining(on)
	}
}

// Entries lists each layer's tensors under "<prefix><index>.".
func (s *Sequential) Entries(prefix string) []Entry {
	var es []Entry
	for i, l := range s.Layers {
		es = append(es, l.Entries(index(prefix, i))...)
	}
	return es
}
