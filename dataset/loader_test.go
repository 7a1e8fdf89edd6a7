package dataset

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// augMemSource is an in-memory LabeledSource and TargetSource of n small
// distinct images; image i has label i%3 and targets {i, -i}.
type augMemSource struct {
	imgs  []*Image
	delay time.Duration
	fail  int // index whose Load fails; -1 for none
}

func newAugMemSource(n int) *augMemSource {
	s := &augMemSource{fail: -1}
	for i := range n {
		m := NewImage(12, 10)
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		for p := range m.Pix {
			m.Pix[p] = uint8(rng.IntN(256))
		}
		s.imgs = append(s.imgs, m)
	}
	return s
}

func (s *augMemSource) Len() int { return len(s.imgs) }
func (s *augMemSource) Load(i int) (*Image, error) {
	time.Sleep(s.delay)
	if i == s.fail {
		return nil, errors.New("corrupt file")
	}
	return s.imgs[i], nil
}
func (s *augMemSource) Label(i int) int        { return i % 3 }
func (s *augMemSource) TargetWidth() int       { return 2 }
func (s *augMemSource) Target(i int) []float32 { return []float32{float32(i), float32(-i)} }

// tinySimCLR is the SimCLR pipeline at toy sizes, colour on.
func tinySimCLR() SimCLRAugment {
	a := DefaultSimCLRAugment()
	a.Resize, a.Crop.Size, a.Color = 8, 4, true
	return a
}

func collect(t *testing.T, l *Loader, epoch int) []*Batch {
	t.Helper()
	var out []*Batch
	for b, err := range l.Epoch(context.Background(), epoch) {
		if err != nil {
			t.Fatalf("epoch %d: %v", epoch, err)
		}
		out = append(out, b)
	}
	return out
}

func TestLoaderSameBatchesWhateverTheWorkers(t *testing.T) {
	src := newAugMemSource(11)
	var ref [][]*Batch
	for _, workers := range []int{1, 4, 7} {
		l, err := NewLoader(src, tinySimCLR(), LoaderConfig{BatchSize: 3, Workers: workers, Prefetch: 2, Shuffle: true, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		got := [][]*Batch{collect(t, l, 0), collect(t, l, 1)}
		if ref == nil {
			ref = got
			continue
		}
		for e := range got {
			if len(got[e]) != len(ref[e]) {
				t.Fatalf("workers %d epoch %d: %d batches, want %d", workers, e, len(got[e]), len(ref[e]))
			}
			for s, b := range got[e] {
				r := ref[e][s]
				if !slices.Equal(b.X, r.X) || !slices.Equal(b.Labels, r.Labels) || !slices.Equal(b.Index, r.Index) || !slices.Equal(b.Targets, r.Targets) || b.Shape != r.Shape {
					t.Fatalf("workers %d epoch %d step %d differs from 1 worker", workers, e, s)
				}
			}
		}
	}
	if slices.Equal(ref[0][0].Index, ref[1][0].Index) && slices.Equal(ref[0][1].Index, ref[1][1].Index) {
		t.Errorf("epochs 0 and 1 have the same order")
	}
}

func TestLoaderCoversEachImageOncePerEpoch(t *testing.T) {
	cases := []struct {
		name     string
		n, bs    int
		dropLast bool
		shuffle  bool
		sizes    []int // images per batch
	}{
		{"keep last", 10, 4, false, true, []int{4, 4, 2}},
		{"drop last", 10, 4, true, true, []int{4, 4}},
		{"exact", 8, 4, true, false, []int{4, 4}},
		{"batch larger than data", 3, 8, false, true, []int{3}},
		{"batch larger, drop last", 3, 8, true, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := NewLoader(newAugMemSource(c.n), tinySimCLR(), LoaderConfig{BatchSize: c.bs, Workers: 3, DropLast: c.dropLast, Shuffle: c.shuffle, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != len(c.sizes) {
				t.Errorf("Len: got %d, want %d", l.Len(), len(c.sizes))
			}
			seen := map[int]int{}
			var sizes []int
			for step, b := range collect(t, l, 3) {
				B := b.Images()
				sizes = append(sizes, B)
				if b.Step != step || b.Epoch != 3 || b.Shape != [4]int{2 * B, 3, 4, 4} || len(b.X) != 2*B*48 {
					t.Fatalf("step %d: got step %d epoch %d shape %v len %d", step, b.Step, b.Epoch, b.Shape, len(b.X))
				}
				for i := range B {
					if b.Index[i] != b.Index[i+B] {
						t.Errorf("rows %d and %d hold images %d and %d, want the two views of one", i, i+B, b.Index[i], b.Index[i+B])
					}
					seen[b.Index[i]]++
				}
			}
			if !slices.Equal(sizes, c.sizes) {
				t.Errorf("batch sizes: got %v, want %v", sizes, c.sizes)
			}
			want := c.n
			if c.dropLast {
				want = c.n / c.bs * c.bs
			}
			if len(seen) != want {
				t.Errorf("%d distinct images, want %d", len(seen), want)
			}
			for idx, k := range seen {
				if k != 1 || idx < 0 || idx >= c.n {
					t.Errorf("image %d seen %d times", idx, k)
				}
			}
		})
	}
}

func TestLoaderLabelsAndTargets(t *testing.T) {
	src := newAugMemSource(5)
	t.Run("source labels and targets", func(t *testing.T) {
		l, _ := NewLoader(src, tinySimCLR(), LoaderConfig{BatchSize: 5, Workers: 2})
		b := collect(t, l, 0)[0]
		if b.K != 2 || len(b.Targets) != 2*10 {
			t.Fatalf("K %d, %d targets; want 2, 20", b.K, len(b.Targets))
		}
		for r := range 10 {
			i := b.Index[r]
			if b.Labels[r] != i%3 || b.Targets[2*r] != float32(i) || b.Targets[2*r+1] != float32(-i) {
				t.Errorf("row %d (image %d): label %d targets %v, want %d [%d %d]", r, i, b.Labels[r], b.Targets[2*r:2*r+2], i%3, i, -i)
			}
		}
	})
	t.Run("rotnet label wins and matches the view", func(t *testing.T) {
		a := RotNetAugment{Size: 6}
		l, _ := NewLoader(src, a, LoaderConfig{BatchSize: 5, Workers: 2, Seed: 3})
		b := collect(t, l, 2)[0]
		for r := range 5 {
			k := b.Labels[r]
			want := augTensor(Rot90(SquashResize(src.imgs[b.Index[r]], 6), k), Normalization{})
			if !slices.Equal(b.X[r*108:(r+1)*108], want) {
				t.Errorf("row %d: view is not image %d rotated by label %d", r, b.Index[r], k)
			}
		}
	})
}

func TestLoaderResumesMidEpoch(t *testing.T) {
	l, _ := NewLoader(newAugMemSource(10), tinySimCLR(), LoaderConfig{BatchSize: 3, Workers: 3, Seed: 9, Shuffle: true})
	all := collect(t, l, 4)
	var rest []*Batch
	for b, err := range l.EpochFrom(context.Background(), 4, 2) {
		if err != nil {
			t.Fatal(err)
		}
		rest = append(rest, b)
	}
	if len(rest) != len(all)-2 {
		t.Fatalf("resumed at 2: %d batches, want %d", len(rest), len(all)-2)
	}
	for i, b := range rest {
		if !slices.Equal(b.X, all[i+2].X) || b.Step != i+2 {
			t.Errorf("resumed batch %d differs from step %d of the full epoch", i, i+2)
		}
	}
}

// settled waits for the goroutine count to come back to base.
func settled(base int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > base; i++ {
		time.Sleep(5 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func TestLoaderStopsWithoutLeaks(t *testing.T) {
	src := newAugMemSource(40)
	src.delay = time.Millisecond
	l, _ := NewLoader(src, tinySimCLR(), LoaderConfig{BatchSize: 2, Workers: 4, Prefetch: 3})
	t.Run("break", func(t *testing.T) {
		base := runtime.NumGoroutine()
		for range l.Epoch(context.Background(), 0) {
			break
		}
		if n := settled(base); n > base {
			t.Errorf("%d goroutines after break, want %d", n, base)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		base := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var got error
		steps := 0
		for _, err := range l.Epoch(ctx, 0) {
			if err != nil {
				got = err
				break
			}
			if steps++; steps == 2 {
				cancel()
			}
		}
		if !errors.Is(got, context.Canceled) {
			t.Errorf("got error %v, want one wrapping context.Canceled", got)
		}
		if n := settled(base); n > base {
			t.Errorf("%d goroutines after cancel, want %d", n, base)
		}
	})
}

// panicky is a pipeline whose Apply panics.
type panicky struct{ RotNetAugment }

func (panicky) Apply(*rand.Rand, *Image, [][]float32) int { panic("boom") }

func TestLoaderErrors(t *testing.T) {
	bad := newAugMemSource(6)
	bad.fail = 4
	cases := []struct {
		name string
		src  Source
		pipe Pipeline
		want string
	}{
		{"load failure names the image", bad, tinySimCLR(), "loading image 4: corrupt file"},
		{"pipeline panic becomes an error", newAugMemSource(3), panicky{RotNetAugment{Size: 4}}, "internal error: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			l, err := NewLoader(c.src, c.pipe, LoaderConfig{BatchSize: 2, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			var got error
			for _, err := range l.Epoch(context.Background(), 0) {
				if err != nil {
					got = err
				}
			}
			if got == nil || !strings.Contains(got.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", got, c.want)
			}
			if n := settled(base); n > base {
				t.Errorf("%d goroutines after the error, want %d", n, base)
			}
		})
	}
	t.Run("bad settings", func(t *testing.T) {
		for _, c := range []struct {
			src  Source
			cfg  LoaderConfig
			pipe Pipeline
			want string
		}{
			{newAugMemSource(0), LoaderConfig{}, tinySimCLR(), "no images"},
			{newAugMemSource(2), LoaderConfig{BatchSize: -1}, tinySimCLR(), "positive"},
			{newAugMemSource(2), LoaderConfig{}, RotNetAugment{Size: -2}, "RotNet size"},
		} {
			if _, err := NewLoader(c.src, c.pipe, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%+v: got %v, want an error containing %q", c.cfg, err, c.want)
			}
		}
	})
}

func TestFilesSource(t *testing.T) {
	img := augDistinct(2, 2)
	f := &Files{Paths: []string{"a", "b"}, Open: func(p string) (*Image, error) {
		if p == "b" {
			return nil, fmt.Errorf("no such file %s", p)
		}
		return img, nil
	}}
	if m, err := f.Load(0); err != nil || m != img {
		t.Errorf("Load(0): got %v, %v", m, err)
	}
	if _, err := f.Load(1); err == nil {
		t.Errorf("Load(1): want the Open error")
	}
	if f.Label(0) != NoLabel || f.TargetWidth() != 0 {
		t.Errorf("unlabelled Files: label %d width %d, want NoLabel, 0", f.Label(0), f.TargetWidth())
	}
	f.Labels, f.Targets = []int{2, 0}, [][]float32{{0.5, 0.5}, {1, 0}}
	if f.Label(0) != 2 || f.TargetWidth() != 2 || f.Target(1)[0] != 1 {
		t.Errorf("labelled Files: got %d %d %v", f.Label(0), f.TargetWidth(), f.Target(1))
	}
}
