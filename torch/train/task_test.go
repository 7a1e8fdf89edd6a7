package train

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
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

// mirrored is tinyNet whose output has a second block of rows, the first
// negated: for two classes, softmax(-z) swaps the probabilities, so the
// second block predicts the other class wherever the first predicts one.
type mirrored struct{ *tinyNet }

func (m mirrored) Forward(x torch.Tensor) torch.Tensor {
	out := m.tinyNet.Forward(x)
	return torch.Cat([]torch.Tensor{out, torch.Neg(out)}, 0)
}

// mirroredTask labels mirrored's second block with the other class.
type mirroredTask struct{ CrossEntropy }

func (m mirroredTask) Loss(out torch.Tensor, b *dataset.Batch, _ bool) torch.Tensor {
	return LabelCrossEntropy(out, m.RowLabels(b), 2)
}

func (mirroredTask) RowLabels(b *dataset.Batch) []int {
	out := slices.Clone(b.Labels)
	for _, l := range b.Labels {
		out = append(out, 1-l)
	}
	return out
}

// TestEvaluateRowLabeler checks that a RowLabeler's validation scores every
// output row against its own label: the mirrored block is right exactly
// where the plain one is, so the accuracy is the plain model's, over twice
// the labels.
func TestEvaluateRowLabeler(t *testing.T) {
	net := newTinyNet(7)
	valid := tinyData(t, 8, 4).Valid
	ctx := context.Background()
	plain, err := Evaluate(ctx, net, CrossEntropy{NumClasses: 2}, valid, torch.CPU, torch.Float32)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(ctx, mirrored{net}, mirroredTask{CrossEntropy{NumClasses: 2}}, valid, torch.CPU, torch.Float32)
	if err != nil {
		t.Fatal(err)
	}
	if got.Accuracy == nil || plain.Accuracy == nil {
		t.Fatalf("accuracy %v and %v, want both reported", got.Accuracy, plain.Accuracy)
	}
	if *got.Accuracy != *plain.Accuracy {
		t.Errorf("mirrored accuracy %v, want the plain model's %v", *got.Accuracy, *plain.Accuracy)
	}
	if len(got.Labels) != 2*len(plain.Labels) || len(got.Index) != len(got.Labels) || len(got.Probs) != 2*len(got.Labels) {
		t.Fatalf("%d labels, %d indices, %d probabilities; want %d, %d, %d",
			len(got.Labels), len(got.Index), len(got.Probs), 2*len(plain.Labels), 2*len(plain.Labels), 4*len(plain.Labels))
	}
	// Batches of 4: each batch's four rows, then the same four mirrored.
	for r := range got.Labels {
		batch, row := r/8, r%8
		src := batch*4 + row%4
		wantLabel := plain.Labels[src]
		if row >= 4 {
			wantLabel = 1 - wantLabel
		}
		if got.Index[r] != plain.Index[src] || got.Labels[r] != wantLabel {
			t.Errorf("row %d: image %d label %d, want image %d label %d", r, got.Index[r], got.Labels[r], plain.Index[src], wantLabel)
		}
	}
	if got.Rows != plain.Rows {
		t.Errorf("rows %d, want the %d images", got.Rows, plain.Rows)
	}
}
