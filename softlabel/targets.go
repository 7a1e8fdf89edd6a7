package softlabel

import (
	"fmt"

	"github.com/ppctl/ppctl/dataset"
)

// TrainTargets returns the soft training target of every train.csv row of
// ds, in its order: blend.Targets of the given label and the row of soft
// with the same image id. soft's classes may come in any order (they are
// matched by name) but must be train.csv's; it must hold every training
// image, and its given labels must be train.csv's (a file made from another
// dataset is refused). Without soft (nil) every target is the one-hot given
// label, the w = 1 baseline, whatever blend says.
func TrainTargets(ds *dataset.Dataset, soft *dataset.PseudoLabels, blend Blend) ([][]float32, error) {
	n := len(ds.Classes)
	given := labelsOf(ds.Train)
	var flat []float32
	var err error
	if soft == nil {
		flat, err = OneHot(given, n)
	} else {
		var pseudo Pseudo
		if pseudo, err = alignPseudo(ds, soft); err == nil {
			flat, err = blend.Targets(given, pseudo, n)
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(given))
	for i := range out {
		out[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	return out, nil
}

// alignPseudo reorders soft's rows to train.csv's rows and its classes to
// train.csv's columns.
func alignPseudo(ds *dataset.Dataset, soft *dataset.PseudoLabels) (Pseudo, error) {
	if err := dataset.CheckClasses("the pseudo-labels", soft.Classes, ds.Classes); err != nil {
		return Pseudo{}, fmt.Errorf("softlabel: %w", err)
	}
	n := len(ds.Classes)
	col := make(map[string]int, n)
	for c, name := range ds.Classes {
		col[name] = c
	}
	toDS := make([]int, len(soft.Classes)) // soft's class index -> ds's
	for c, name := range soft.Classes {
		toDS[c] = col[name]
	}
	rows := make(map[string]*dataset.PseudoLabel, len(soft.Rows))
	for i := range soft.Rows {
		rows[soft.Rows[i].ID] = &soft.Rows[i]
	}
	if len(rows) != len(ds.Train) {
		return Pseudo{}, fmt.Errorf("softlabel: the pseudo-labels cover %d images, train.csv has %d: "+
			"make them with ppctl pseudolabel on the same dataset", len(rows), len(ds.Train))
	}
	p := Pseudo{Labels: make([]int, len(ds.Train)), Probs: make([]float32, len(ds.Train)*n)}
	for i, it := range ds.Train {
		r, ok := rows[it.ID]
		if !ok {
			return Pseudo{}, fmt.Errorf("softlabel: the pseudo-labels have no row for image %s of train.csv: "+
				"make them with ppctl pseudolabel on the same dataset", it.ID)
		}
		if g := toDS[r.Label]; g != it.Label {
			return Pseudo{}, fmt.Errorf("softlabel: the pseudo-labels give image %s the label %s, train.csv %s: "+
				"they were made from another train.csv", it.ID, ds.Classes[g], ds.Classes[it.Label])
		}
		p.Labels[i] = toDS[r.Pred]
		for c, v := range r.Probs {
			p.Probs[i*n+toDS[c]] = float32(v)
		}
	}
	return p, nil
}
