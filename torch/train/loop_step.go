package train

import (
	"context"
	"fmt"
	"math"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
)

// trainEpoch runs one training pass of phase ph and returns the mean batch
// loss and the number of images seen.
func (l *loop) trainEpoch(ctx context.Context, ph Phase, epoch int) (float64, int, error) {
	l.model.SetTraining(true)
	steps := l.data.Train.Len()
	params := allTensors(l.model.Groups())
	var sum float64
	var batches, images int
	for b, err := range l.data.Train.Epoch(ctx, l.loaderEpoch()) {
		if err != nil {
			return 0, 0, fmt.Errorf("train: %s: loading batch %d: %w", l.cfg.Stage, batches, err)
		}
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		pos := min(epoch*steps+b.Step, ph.Schedule.TotalSteps-1)
		lrs, beta1 := ph.Schedule.At(pos)
		last := b.Step == steps-1
		var loss float64
		err := torch.Scoped(func() {
			x := Input(b, l.cfg.Device, l.cfg.ChannelsLast)
			var lossT torch.Tensor
			torch.Autocast(l.cfg.Device, l.cfg.Autocast, func() {
				lossT = l.task.Loss(l.model.Forward(x), b, true)
			})
			loss = torch.Scalar(lossT)
			if l.cfg.Accum > 1 {
				lossT = torch.DivScalar(lossT, float64(l.cfg.Accum))
			}
			torch.Backward(lossT)
			if (b.Step+1)%l.cfg.Accum == 0 || last {
				if l.cfg.ClipNorm > 0 {
					torch.ClipGradNorm(params, l.cfg.ClipNorm)
				}
				setHyper(l.opt, lrs, beta1)
				l.opt.Step()
				l.opt.ZeroGrad()
				l.res.Updates++
			}
		})
		if err != nil {
			return 0, 0, fmt.Errorf("train: %s phase %s epoch %d batch %d: %w", l.cfg.Stage, ph.Name, epoch, b.Step, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return 0, 0, fmt.Errorf("train: %s phase %s epoch %d batch %d: the loss is %v; lower the learning rate (--lr) or use --precision fp32",
				l.cfg.Stage, ph.Name, epoch, b.Step, loss)
		}
		sum += loss
		batches++
		images += b.Images()
		l.res.Steps++
		if l.cfg.Reporter != nil {
			l.cfg.Reporter.Step(StepInfo{Epoch: epoch, Step: b.Step + 1, Loss: loss, Images: b.Images()})
		}
	}
	if batches == 0 {
		return 0, 0, fmt.Errorf("train: %s: the training loader yielded no batch", l.cfg.Stage)
	}
	return sum / float64(batches), images, nil
}

// loaderEpoch numbers the loader's epochs across phases, so that every epoch
// of a fine_tune gets its own shuffle and augmentations.
func (l *loop) loaderEpoch() int { return len(l.res.Records) }

// Input returns the batch's images as an (N, C, H, W) tensor on dev
// (channels-last in memory when asked), and hands b.X's memory back to its
// loader: the tensor holds a copy. Everything that feeds batches to a
// network (training, evaluation, embeddings, predictions) goes through it.
func Input(b *dataset.Batch, dev torch.Device, channelsLast bool) torch.Tensor {
	x := torch.FromFloat32(b.X, int64(b.Shape[0]), int64(b.Shape[1]), int64(b.Shape[2]), int64(b.Shape[3])) // (N, C, H, W)
	b.Release()
	if dev.IsCUDA() {
		x = torch.ToDevice(x, dev)
	}
	if channelsLast {
		x = torch.ChannelsLast(x)
	}
	return x
}

func allTensors(groups []Group) []torch.Tensor {
	out := make([]torch.Tensor, 0, paramCount(groups))
	for _, g := range groups {
		for _, p := range g.Params {
			out = append(out, p.T)
		}
	}
	return out
}

// Eval is the outcome of Evaluate.
type Eval struct {
	Loss     float64   // mean loss per row
	Rows     int       // rows evaluated
	Accuracy *float64  // classifiers only
	ROCAUC   *float64  // classifiers only, nil when undefined (a class absent from the labels)
	Probs    []float32 // classifiers only: softmax probabilities, one row of Classes per label
	Labels   []int     // per row, the batch labels (per output row for a RowLabeler)
	Index    []int     // per label, the image's index in the loader's source
}

// fill copies the validation figures into r.
func (e *Eval) fill(r *Record) {
	r.ValidLoss = new(e.Loss)
	r.Accuracy = e.Accuracy
	r.ROCAUC = e.ROCAUC
}

// Evaluate runs model over every batch of loader in evaluation mode without
// autograd and returns the mean loss and, for a Classifier task, the class
// probabilities, accuracy and mean ROC AUC against the batches' labels.
func Evaluate(ctx context.Context, model Model, task Task, loader *dataset.Loader, dev torch.Device, autocast torch.DType) (*Eval, error) {
	return evaluate(ctx, model, task, loader, dev, autocast, nil, 0)
}

// evaluate is Evaluate reporting each batch to r (when not nil) as a
// validation step of epoch.
func evaluate(ctx context.Context, model Model, task Task, loader *dataset.Loader, dev torch.Device, autocast torch.DType, r Reporter, epoch int) (*Eval, error) {
	model.SetTraining(false)
	defer model.SetTraining(true)
	cls, isCls := task.(Classifier)
	ev := &Eval{}
	var sum float64
	for b, err := range loader.Epoch(ctx, 0) {
		if err != nil {
			return nil, fmt.Errorf("train: evaluating: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := torch.Scoped(func() {
			torch.NoGrad(func() {
				x := Input(b, dev, false)
				var out, loss torch.Tensor
				torch.Autocast(dev, autocast, func() {
					out = model.Forward(x)
					loss = task.Loss(out, b, false)
				})
				sum += torch.Scalar(loss) * float64(b.Shape[0])
				if isCls {
					ev.Probs = append(ev.Probs, torch.Float32s(torch.Softmax(torch.To(out, torch.Float32), 1))...)
				}
			})
		})
		if err != nil {
			return nil, fmt.Errorf("train: evaluating batch %d: %w", b.Step, err)
		}
		ev.Rows += b.Shape[0]
		if r != nil {
			r.Step(StepInfo{Epoch: epoch, Step: b.Step + 1, Loss: math.NaN(), Images: b.Images(), Valid: true})
		}
		labels, index := b.Labels, b.Index
		if rl, ok := task.(RowLabeler); ok {
			labels = rl.RowLabels(b)
			index = make([]int, len(labels))
			for i := range index {
				index[i] = b.Index[i%len(b.Index)]
			}
		}
		ev.Labels = append(ev.Labels, labels...)
		ev.Index = append(ev.Index, index...)
	}
	if ev.Rows == 0 {
		return nil, fmt.Errorf("train: evaluating: the loader yielded no batch")
	}
	ev.Loss = sum / float64(ev.Rows)
	if isCls && hasLabels(ev.Labels) {
		acc, err := Accuracy(ev.Probs, cls.Classes(), ev.Labels)
		if err != nil {
			return nil, err
		}
		ev.Accuracy = &acc
		if auc, err := MeanROCAUC(ev.Probs, cls.Classes(), ev.Labels); err == nil {
			ev.ROCAUC = &auc
		}
	}
	return ev, nil
}

func hasLabels(labels []int) bool {
	for _, l := range labels {
		if l < 0 {
			return false
		}
	}
	return len(labels) > 0
}
