package train

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
)

func TestOneHotCrossEntropyMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/loss_golden.json")
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/gen_loss_golden.py)", err)
	}
	var g struct {
		Cases []struct {
			Name            string
			N, K            int64
			Logits, Targets []float32
			Loss            float64
			Grad            []float32
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			x := torch.SetRequiresGrad(torch.FromFloat32(c.Logits, c.N, c.K), true)
			loss := OneHotCrossEntropy(x, torch.FromFloat32(c.Targets, c.N, c.K))
			if got := torch.Scalar(loss); math.Abs(got-c.Loss) > 1e-5*math.Max(1, c.Loss) {
				t.Errorf("loss %.7f, want %.7f", got, c.Loss)
			}
			torch.Backward(loss)
			grad, _ := torch.Grad(x)
			for i, v := range torch.Float32s(grad) {
				if math.Abs(float64(v-c.Grad[i])) > 1e-6 {
					t.Fatalf("grad[%d] = %v, want %v", i, v, c.Grad[i])
				}
			}
		})
	}
}

func TestSoftCrossEntropyUsesTargetsOnlyInTraining(t *testing.T) {
	logits := torch.FromFloat32([]float32{2, 0, 0, 2}, 2, 2)
	b := &dataset.Batch{Shape: [4]int{2, 3, 1, 1}, Views: 1, Labels: []int{0, 1}, Index: []int{0, 1},
		Targets: []float32{0.5, 0.5, 0.5, 0.5}, K: 2}
	task := SoftCrossEntropy{NumClasses: 2}
	train := torch.Scalar(task.Loss(logits, b, true))
	valid := torch.Scalar(task.Loss(logits, b, false))
	hard := torch.Scalar(CrossEntropy{NumClasses: 2}.Loss(logits, b, false))
	if valid != hard {
		t.Errorf("validation loss %v differs from cross-entropy on the given labels %v", valid, hard)
	}
	if !(train > valid) {
		t.Errorf("training loss on 50/50 targets %v should exceed the loss on the labels the logits favour %v", train, valid)
	}
}
