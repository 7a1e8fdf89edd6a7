package train

import "github.com/ppctl/ppctl/torch/models"

// Grouped is a network of torch/models with fastai-style parameter groups:
// models.Classifier, and the SSL models of package ssl.
type Grouped interface {
	models.Layer
	ParamGroups() []models.ParamGroup
}

// ModelOf adapts a torch/models network to Model, carrying over its
// parameter groups (body first, head last) and which tensors are exempt
// from weight decay (biases, normalisation) and keep training when frozen
// (normalisation).
func ModelOf(m Grouped) Model { return grouped{m} }

type grouped struct{ Grouped }

func (g grouped) Groups() []Group { return GroupsOf(g.ParamGroups()) }

// GroupsOf converts models' parameter groups to the loop's.
func GroupsOf(pgs []models.ParamGroup) []Group {
	out := make([]Group, len(pgs))
	for i, pg := range pgs {
		g := Group{Name: pg.Name, Params: make([]Param, 0, len(pg.Params))}
		for _, e := range pg.Params {
			g.Params = append(g.Params, Param{Name: e.Name, T: e.Tensor, NoDecay: e.NoDecay(), Norm: e.Norm})
		}
		out[i] = g
	}
	return out
}
