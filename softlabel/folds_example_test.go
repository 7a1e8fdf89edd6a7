package softlabel_test

import (
	"fmt"

	"github.com/ppctl/ppctl/softlabel"
)

// The blog's soft-label targets for a tiny noisy set: three folds, and
// targets blending each given label half and half with its out-of-fold
// prediction.
func Example() {
	given := []int{0, 0, 0, 1, 1, 1, 2, 2, 2}
	folds, err := softlabel.StratifiedKFold(given, 3, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, f := range folds {
		fmt.Printf("fold %d: %d train, %d valid\n", k, len(f.Train), len(f.Valid))
	}

	oof := []int{0, 2, 0, 1, 1, 1, 2, 0, 2} // samples 1 and 7 look mislabelled
	targets, err := softlabel.DefaultBlend().Targets(given, softlabel.Pseudo{Labels: oof}, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sample 0:", targets[0:3])
	fmt.Println("sample 1:", targets[3:6])
	// Output:
	// fold 0: 6 train, 3 valid
	// fold 1: 6 train, 3 valid
	// fold 2: 6 train, 3 valid
	// sample 0: [1 0 0]
	// sample 1: [0.5 0 0.5]
}

func ExampleParseSoftMode() {
	m, err := softlabel.ParseSoftMode("probs")
	fmt.Println(m, err)
	_, err = softlabel.ParseSoftMode("soft")
	fmt.Println(err)
	// Output:
	// probs <nil>
	// softlabel: soft-label mode "soft": want hard (one-hot pseudo-labels, the blog) or probs (out-of-fold probabilities)
}
