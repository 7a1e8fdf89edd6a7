package train

import "github.com/ppctl/ppctl/torch"

// Param is one trainable tensor of a model and how the optimizer treats it.
type Param struct {
	Name string       // state_dict key, e.g. "encoder.layer1.0.conv1.weight"
	T    torch.Tensor // the leaf tensor
	// NoDecay exempts the tensor from weight decay: biases and BatchNorm
	// weights (fastai's wd_bn_bias=False).
	NoDecay bool
	// Norm marks a BatchNorm parameter: it keeps training while its group is
	// frozen (fastai's train_bn=True).
	Norm bool
}

// Group is a set of parameters that share a learning rate. A model lists
// its groups from the input side to the output: body groups first, the head
// last, which is the order discriminative rates (slice(lo, hi)) spread over.
type Group struct {
	Name   string // "body", "head", ...
	Params []Param
}

// Model is what Fit trains: anything with a forward pass, a training switch
// and parameter groups. The ssl and softlabel packages wrap backbones and
// heads of torch/models into Models.
type Model interface {
	// Forward maps a batch (N, C, H, W) to the output the Task reads.
	Forward(x torch.Tensor) torch.Tensor
	// SetTraining switches BatchNorm and dropout between training
	// (batch statistics, running averages updated) and evaluation.
	SetTraining(on bool)
	// Groups returns the parameter groups, body first and head last.
	Groups() []Group
}

// freeze turns gradient recording off for every parameter of the first n
// groups except BatchNorm's, and on for all the others.
func freeze(groups []Group, n int) {
	for gi, g := range groups {
		for _, p := range g.Params {
			torch.SetRequiresGrad(p.T, gi >= n || p.Norm)
		}
	}
}

// paramCount returns the number of parameter tensors over groups.
func paramCount(groups []Group) int {
	n := 0
	for _, g := range groups {
		n += len(g.Params)
	}
	return n
}
