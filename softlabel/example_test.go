package softlabel_test

import (
	"context"
	"fmt"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/softlabel"
)

// Folds are stratified: each class is spread evenly, and every sample is
// held out by exactly one fold.
func ExampleStratifiedKFold() {
	labels := []int{0, 1, 0, 1, 0, 1, 2, 2}
	folds, err := softlabel.StratifiedKFold(labels, 2, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, f := range folds {
		count := map[int]int{}
		for _, i := range f.Valid {
			count[labels[i]]++
		}
		fmt.Printf("fold %d holds out %d samples: class 0 x%d, 1 x%d, 2 x%d\n", k, len(f.Valid), count[0], count[1], count[2])
	}
	_, err = softlabel.StratifiedKFold(labels, 3, 42)
	fmt.Println(err)
	// Output:
	// fold 0 holds out 4 samples: class 0 x2, 1 x1, 2 x1
	// fold 1 holds out 4 samples: class 0 x1, 1 x2, 2 x1
	// softlabel: class 2 has 2 samples, fewer than the 3 folds; use fewer folds or add samples so that every fold holds every class
}

// The Plant Pathology winner's blend: 0.7 of the given label, 0.3 of the
// out-of-fold probabilities.
func ExampleBlend_Targets() {
	given := []int{1}
	oof := []float32{0.5, 0.25, 0.25} // the model thinks it looks like class 0
	b := softlabel.Blend{Weight: 0.7, Mode: softlabel.Probs}
	t, err := b.Targets(given, softlabel.Pseudo{Probs: oof}, 3)
	fmt.Printf("%.3f %v\n", t, err)
	// Output: [0.150 0.775 0.075] <nil>
}

// Validation targets are the one-hot given labels, whatever the blend.
func ExampleOneHot() {
	t, err := softlabel.OneHot([]int{2, 0}, 3)
	fmt.Println(t, err)
	// Output: [0 0 1 1 0 0] <nil>
}

// Scoring a submission: accuracy, and the competition's mean column-wise
// ROC AUC. Columns are matched by name.
func ExampleScore() {
	classes := []string{"healthy", "rust"}
	truth := []dataset.Item{{ID: "a", Label: 0}, {ID: "b", Label: 1}, {ID: "c", Label: 1}}
	pred := &dataset.Predictions{
		Classes: []string{"rust", "healthy"},
		IDs:     []string{"c", "b", "a"},
		Probs:   [][]float64{{0.9, 0.1}, {0.4, 0.6}, {0.3, 0.7}},
	}
	s, err := softlabel.Score(classes, truth, pred)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("accuracy %.3f, mean ROC AUC %.3f, per class %.3f\n", s.Accuracy, s.MeanROCAUC, s.ROCAUC)
	// Output: accuracy 0.667, mean ROC AUC 1.000, per class [1.000 1.000]
}

// The whole recipe from Go: pseudo-labels, soft-label fine-tuning, then
// the fold ensemble's submission. (Not run: it trains for hours on the
// real data; ppctl's tests run it on a tiny synthetic set.)
func Example_recipe() {
	ctx := context.Background()
	ds, err := dataset.Open("plant-pathology-2020")
	if err != nil {
		fmt.Println(err)
		return
	}
	pl := softlabel.DefaultPseudoLabelConfig()
	pl.Encoder = "runs/simclr" // a pretraining run directory
	res, err := softlabel.PseudoLabel(ctx, ds, pl, softlabel.Runtime{Dir: "runs/pseudo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ft := softlabel.DefaultFineTuneSettings() // 3 folds, w = 0.5, hard
	ft.Encoder = pl.Encoder
	models, err := softlabel.FineTune(ctx, ds, res.Labels, ft, softlabel.Runtime{Dir: "runs/finetune"})
	if err != nil {
		fmt.Println(err)
		return
	}
	probs, err := softlabel.Predict(ctx, ds, models.Checkpoints(), softlabel.DefaultPredictConfig(), softlabel.Runtime{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.WriteSubmission("submission.csv", probs))
}
