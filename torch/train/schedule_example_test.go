package train_test

import (
	"fmt"

	"github.com/ppctl/ppctl/torch/train"
)

// The blog's soft-label fine-tuning, fine_tune(25, base_lr=1e-3,
// freeze_epochs=2), planned for a body and a head at 10 batches an epoch.
func ExampleFineTune_Phases() {
	ft := train.DefaultFineTune()
	ft.Epochs, ft.BaseLR, ft.FreezeEpochs = 25, 1e-3, 2
	phases, err := ft.Phases(2, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range phases {
		s := p.Schedule
		first, b0 := s.At(0)
		fmt.Printf("%s: %d epochs, %d frozen groups, peak %.3g, start %.3g, beta1 %.2f, %d steps\n",
			p.Name, p.Epochs, p.FrozenGroups, s.LRMax, first, b0, s.TotalSteps)
	}
	// Output:
	// freeze: 2 epochs, 1 frozen groups, peak [0.0001 0.001], start [4e-06 4e-05], beta1 0.95, 20 steps
	// unfreeze: 25 epochs, 0 frozen groups, peak [5e-06 0.0005], start [1e-06 0.0001], beta1 0.95, 250 steps
}

func ExampleMeanROCAUC() {
	probs := []float32{ // 4 samples x 2 classes
		0.9, 0.1,
		0.6, 0.4,
		0.4, 0.6,
		0.6, 0.4,
	}
	labels := []int{0, 0, 1, 1}
	auc, err := train.MeanROCAUC(probs, 2, labels)
	fmt.Printf("%.4f %v\n", auc, err)
	// Output:
	// 0.8750 <nil>
}
