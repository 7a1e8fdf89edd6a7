package train

import (
	"fmt"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
)

// Task turns a model's output on a batch into the loss to minimise. The
// same Task serves training and validation; train says which, so a task
// may use soft targets in training and the given labels in validation.
type Task interface {
	Loss(out torch.Tensor, b *dataset.Batch, train bool) torch.Tensor
}

// Classifier is a Task whose outputs are class logits, one row per batch
// row: Fit then reports accuracy and ROC AUC against the batch's labels in
// validation.
type Classifier interface {
	Task
	Classes() int
}

// RowLabeler is a Classifier whose model turns each batch row into several
// output rows, in blocks of the batch's size: output row r comes from batch
// row r mod N (RotNet fed every image in all four rotations). Validation
// then scores output row r against RowLabels(b)[r], so Eval's Probs, Labels
// and Index have one entry per output row.
type RowLabeler interface {
	Classifier
	RowLabels(b *dataset.Batch) []int
}

// CrossEntropy is the classification loss on integer labels (the batch's
// Labels): mean over rows of -log softmax(logits)[label]. RotNet uses it
// with the rotation index as the label.
type CrossEntropy struct {
	NumClasses int // logits per row
}

// Classes returns the number of classes.
func (c CrossEntropy) Classes() int { return c.NumClasses }

// Loss returns the mean cross-entropy of out (N, K) against b.Labels.
func (c CrossEntropy) Loss(out torch.Tensor, b *dataset.Batch, _ bool) torch.Tensor {
	return LabelCrossEntropy(out, batchLabels(b), c.NumClasses)
}

// SoftCrossEntropy is the soft-label loss of the blog's downstream task:
// in training the targets are the batch's Targets (blended soft labels), in
// validation the one-hot of its Labels (the given labels).
type SoftCrossEntropy struct {
	NumClasses int
}

// Classes returns the number of classes.
func (c SoftCrossEntropy) Classes() int { return c.NumClasses }

// Loss returns mean(sum(-target * log_softmax(out))) with the targets chosen
// as the type's comment says.
func (c SoftCrossEntropy) Loss(out torch.Tensor, b *dataset.Batch, train bool) torch.Tensor {
	if train {
		if b.K != c.NumClasses || len(b.Targets) != b.Shape[0]*c.NumClasses {
			panic(fmt.Sprintf("train: soft targets of width %d for %d classes: the loader's source has no soft labels", b.K, c.NumClasses))
		}
		return OneHotCrossEntropy(out, torch.FromFloat32(b.Targets, int64(b.Shape[0]), int64(b.K)))
	}
	return LabelCrossEntropy(out, batchLabels(b), c.NumClasses)
}

// OneHotCrossEntropy returns mean over rows of sum(-target * log_softmax(
// logits)), the blog's CrossEntropyLossOneHot: for one-hot targets it is the
// ordinary cross-entropy, for blended targets the soft-label loss. logits
// and targets are (N, K); targets are moved to the logits' device.
func OneHotCrossEntropy(logits, targets torch.Tensor) torch.Tensor {
	logp := torch.LogSoftmax(torch.To(logits, torch.Float32), 1) // (N, K)
	t := targets
	if torch.TypeOf(t) != torch.Float32 {
		t = torch.To(t, torch.Float32)
	}
	t = torch.ToDevice(t, torch.DeviceOf(logits))
	perRow := torch.SumDims(torch.Neg(torch.Mul(t, logp)), false, 1) // (N)
	return torch.MeanDims(perRow, false)                             // ()
}

// LabelCrossEntropy is OneHotCrossEntropy against integer labels in
// 0..classes-1, one per row of logits (N, classes): the ordinary
// cross-entropy, for tasks whose labels are not the batch's own.
func LabelCrossEntropy(logits torch.Tensor, labels []int, classes int) torch.Tensor {
	v := make([]int64, len(labels))
	for i, l := range labels {
		v[i] = int64(l)
	}
	return OneHotCrossEntropy(logits, torch.OneHot(torch.FromInt64(v, int64(len(v))), int64(classes)))
}

// batchLabels returns the batch's labels, panicking with the image's index
// on an unlabelled row.
func batchLabels(b *dataset.Batch) []int {
	for i, l := range b.Labels {
		if l < 0 {
			panic(fmt.Sprintf("train: row %d of the batch has no label (image %d): the loader's source is unlabeled", i, b.Index[i]))
		}
	}
	return b.Labels
}
