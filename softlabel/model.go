package softlabel

import (
	"fmt"

	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// NewClassifier builds the classifier of one fold: cfg.Arch's backbone
// with fastai's head for nClasses, the weights drawn as timm and fastai draw
// them after seeding libtorch with seed, then the encoder's weights (when
// cfg.Encoder is set) copied into the backbone, every key checked by name
// and shape. This is what the blog's get_model meant to do: its
// torch.load(...) result was thrown away, so its models never saw the
// pretrained weights. cfg must be Resolved.
func NewClassifier(cfg Config, nClasses int, seed uint64) (*models.Classifier, error) {
	clf, err := models.Seeded(seed, func() (*models.Classifier, error) {
		return models.NewClassifier(models.ClassifierConfig{Arch: cfg.Arch, Classes: int64(nClasses), Head: models.DefaultHeadConfig()})
	})
	if err != nil {
		return nil, fmt.Errorf("softlabel: %w", err)
	}
	if cfg.Encoder == "" {
		return clf, nil
	}
	enc, _, err := models.LoadEncoder(cfg.Encoder, cfg.Arch)
	if err != nil {
		return nil, fmt.Errorf("softlabel: %w", err)
	}
	clf.Encoder = enc
	return clf, nil
}

// trainable adapts a classifier to the training loop: fastai's body and
// head groups, or one group of everything with single.
func trainable(clf *models.Classifier, single bool) train.Model {
	if single {
		return train.ModelOf(oneGroup{clf})
	}
	return train.ModelOf(clf)
}

// oneGroup is a classifier whose parameters form one group, as a fastai
// Learner without a splitter sees a model: freeze() then freezes nothing and
// a slice of rates collapses to its largest.
type oneGroup struct{ *models.Classifier }

// ParamGroups returns the body's and the head's parameters as one group.
func (g oneGroup) ParamGroups() []models.ParamGroup {
	var all []models.Entry
	for _, pg := range g.Classifier.ParamGroups() {
		all = append(all, pg.Params...)
	}
	return []models.ParamGroup{{Name: "all", Params: all}}
}
