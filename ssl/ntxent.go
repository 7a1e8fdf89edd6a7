package ssl

import (
	"fmt"
	"math"
	"runtime"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/train"
)

// DefaultTemperature is the blog's SimCLRLoss(temp=0.5).
const DefaultTemperature = 0.5

// maskValue stands in for minus infinity on the similarity matrix's
// diagonal: exp of it is 0 in float32, and unlike -Inf it keeps 0 * logp
// finite for the masked entries.
const maskValue = -1e9

// NTXent is the normalized temperature-scaled cross-entropy loss of SimCLR
// (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
// Representations", ICML, equation 1):
//
//	"l(i,j) = -log( exp(sim(z_i, z_j)/τ) / Σ_{k=1}^{2N} 1[k≠i] exp(sim(z_i, z_k)/τ) ),
//	where 1[k≠i] ∈ {0, 1} is an indicator function evaluating to 1 iff k ≠ i
//	and τ denotes a temperature parameter. The final loss is computed across
//	all positive pairs, both (i, j) and (j, i), in a mini-batch."
//
// z is (2B, D): rows i and i+B are the two views of image i, the layout of a
// dataset.SimCLRAugment batch. sim is the cosine similarity. The matrix of
// all similarities divided by temperature has its diagonal removed (masked
// with a large negative number), and each row i is a cross-entropy whose
// target is column (i+B) mod 2B; the result is the mean over the 2B rows, a
// scalar. This is the blog's SimCLRLoss. Gradients flow into z.
//
// It panics with a message naming the problem when z is not 2-d with an
// even number (at least 2) of rows, or temperature is not a positive
// number: both are programmer errors (the CLI checks --temp first).
func NTXent(z torch.Tensor, temperature float64) torch.Tensor {
	rows := checkNTXent(z, temperature)
	dev := torch.DeviceOf(z)
	zf := torch.To(z, torch.Float32)                           // (2B, D)
	zn := torch.Normalize(zf, 2, 1, 1e-12)                     // (2B, D), unit rows
	znT := zn.Transpose(0, 1)                                  // (D, 2B)
	sim := torch.DivScalar(torch.Matmul(zn, znT), temperature) // (2B, 2B) cos / τ
	eye := torch.ToDevice(torch.Eye(rows), dev)                // (2B, 2B)
	logits := torch.MaskedFill(sim, eye, maskValue)            // (2B, 2B), diagonal out
	target := torch.ToDevice(positives(rows), dev)             // (2B, 2B) one-hot of (i+B) mod 2B
	loss := train.OneHotCrossEntropy(logits, target)           // ()
	runtime.KeepAlive([]torch.Tensor{z, zf, zn, znT, sim, eye, logits, target})
	return loss
}

// checkNTXent validates NTXent's arguments and returns the row count 2B.
func checkNTXent(z torch.Tensor, temperature float64) int64 {
	if !(temperature > 0) || math.IsInf(temperature, 0) {
		panic(&torch.Error{Msg: fmt.Sprintf("ssl: NT-Xent temperature %v: give a positive number such as 0.5", temperature)})
	}
	s := z.Shape()
	if len(s) != 2 {
		panic(&torch.Error{Msg: fmt.Sprintf("ssl: NT-Xent wants (2B, D) projections, got shape %v", s)})
	}
	if s[0] < 2 || s[0]%2 != 0 {
		panic(&torch.Error{Msg: fmt.Sprintf("ssl: NT-Xent wants an even number of rows (rows i and i+B are positive pairs), got shape %v", s)})
	}
	return s[0]
}

// positives returns the (n, n) float32 matrix with a 1 at (i, (i+n/2) mod n).
func positives(n int64) torch.Tensor {
	v := make([]float32, n*n)
	for i := int64(0); i < n; i++ {
		v[i*n+(i+n/2)%n] = 1
	}
	return torch.FromFloat32(v, n, n)
}

// ContrastiveTask is the SimCLR pretext as a train.Task: the model maps the
// 2B views of a batch to projections (2B, D), and the loss is NTXent of
// them. It is not a classifier, so Fit reports losses only.
type ContrastiveTask struct {
	// Temperature is τ (default DefaultTemperature, 0.5; zero means the
	// default).
	Temperature float64
}

// Loss returns NTXent of out, checking that b holds two views per image.
func (c ContrastiveTask) Loss(out torch.Tensor, b *dataset.Batch, _ bool) torch.Tensor {
	if b.Views != 2 {
		panic(&torch.Error{Msg: fmt.Sprintf("ssl: the SimCLR task needs 2 views per image, the batch has %d: use dataset.SimCLRAugment", b.Views)})
	}
	t := c.Temperature
	if t == 0 {
		t = DefaultTemperature
	}
	return NTXent(out, t)
}
