package dataset

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// pending is a batch being filled by the workers. done is closed when the
// last row is written (or has failed).
type pending struct {
	batch *Batch
	left  atomic.Int32
	done  chan struct{}
	mu    sync.Mutex
	err   error
}

func (p *pending) error() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// finish records one row as written, keeping the first error.
func (p *pending) finish(err error) {
	if err != nil {
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
	if p.left.Add(-1) == 0 {
		close(p.done)
	}
}

// job asks a worker to fill row (image slot) i of p with source image index.
type job struct {
	p     *pending
	i     int
	index int
}

// produce allocates the batches of epoch from step first on, hands each to
// the consumer through ready (which bounds how far it runs ahead) and then
// its rows to the workers through jobs. It closes both when done or
// cancelled.
func (l *Loader) produce(ctx context.Context, epoch, first int, jobs chan<- job, ready chan<- *pending) {
	defer close(ready)
	defer close(jobs)
	order := l.Order(epoch)
	bs := l.cfg.BatchSize
	for step := first; step < l.Len(); step++ {
		idx := order[step*bs : min((step+1)*bs, len(order))]
		p := l.newPending(epoch, step, idx)
		select {
		case ready <- p:
		case <-ctx.Done():
			return
		}
		for i, index := range idx {
			select {
			case jobs <- job{p: p, i: i, index: index}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// newPending allocates the batch for the images idx.
func (l *Loader) newPending(epoch, step int, idx []int) *pending {
	v, s := l.pipe.Views(), l.pipe.ViewSize()
	rows := v * len(idx)
	b := &Batch{
		X:      l.batchFloats(rows * 3 * s * s),
		Shape:  [4]int{rows, 3, s, s},
		Views:  v,
		Labels: make([]int, rows),
		Index:  make([]int, rows),
		Epoch:  epoch,
		Step:   step,
		loader: l,
	}
	if ts, ok := l.src.(TargetSource); ok && ts.TargetWidth() > 0 {
		b.K = ts.TargetWidth()
		b.Targets = make([]float32, rows*b.K)
	}
	p := &pending{batch: b, done: make(chan struct{})}
	p.left.Store(int32(len(idx)))
	return p
}

// batchFloats returns n floats for a batch's X: memory a Release handed
// back when there is enough, else new memory. Reused memory is not zeroed:
// the pipelines write every value (TestPipelinesWriteEveryValue).
func (l *Loader) batchFloats(n int) []float32 {
	if x, ok := l.xs.Get().(*[]float32); ok && cap(*x) >= n {
		return (*x)[:n]
	}
	return make([]float32, n)
}

// work fills rows until jobs is closed; after cancellation it drains jobs
// without doing the work.
func (l *Loader) work(ctx context.Context, jobs <-chan job) {
	for j := range jobs {
		if ctx.Err() != nil {
			j.p.finish(ctx.Err())
			continue
		}
		j.p.finish(l.fill(j))
	}
}

// fill loads, augments and writes one image's rows. A panic in a pipeline
// becomes an error naming the image, since no caller could recover it on
// this goroutine.
func (l *Loader) fill(j job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dataset: augmenting image %d: internal error: %v", j.index, r)
		}
	}()
	img, err := l.src.Load(j.index)
	if err != nil {
		return fmt.Errorf("dataset: loading image %d: %w", j.index, err)
	}
	b := j.p.batch
	n := b.Images()
	per := 3 * b.Shape[2] * b.Shape[3]
	views := make([][]float32, b.Views)
	for v := range views {
		r := v*n + j.i
		views[v] = b.X[r*per : (r+1)*per]
	}
	label := l.pipe.Apply(l.ItemRNG(b.Epoch, j.index), img, views)
	if ls, ok := l.src.(LabeledSource); ok && label == NoLabel {
		label = ls.Label(j.index)
	}
	var target []float32
	if b.K > 0 {
		target = l.src.(TargetSource).Target(j.index)
		if len(target) != b.K {
			return fmt.Errorf("dataset: image %d has %d targets, want %d", j.index, len(target), b.K)
		}
	}
	for v := range b.Views {
		r := v*n + j.i
		b.Labels[r], b.Index[r] = label, j.index
		copy(b.Targets[r*b.K:(r+1)*b.K], target)
	}
	return nil
}
