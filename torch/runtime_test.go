package torch

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	gotorch "github.com/wangkuiyi/gotorch"
	"github.com/wangkuiyi/gotorch/nn"
	F "github.com/wangkuiyi/gotorch/nn/functional"
)

func TestDefaultThreadsIsEveryCore(t *testing.T) {
	if os.Getenv("PPCTL_THREADS") != "" || os.Getenv("OMP_NUM_THREADS") != "" {
		t.Skip("thread count overridden by the environment")
	}
	if got, want := Threads(), runtime.NumCPU(); got != want {
		t.Errorf("Threads() = %d after init, want runtime.NumCPU() = %d (gotorch's init sets NumCPU/2)", got, want)
	}
	// The count belongs to the OS thread (OpenMP): set and read it on one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	SetThreads(1)
	if got := Threads(); got != 1 {
		t.Errorf("after SetThreads(1), Threads() = %d", got)
	}
	SetThreads(0)
	if got, want := Threads(), runtime.NumCPU(); got != want {
		t.Errorf("SetThreads(0) gave %d threads, want %d", got, want)
	}
}

func TestShapeMismatchIsAnErrorAndTheProcessGoesOn(t *testing.T) {
	a, b := Zeros(Float32, 2, 3), Zeros(Float32, 4, 5)
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"ours", func() { Matmul(a, b) }, "cannot be multiplied"},
		{"gotorch", func() { gotorch.MM(a, b) }, "cannot be multiplied"},
		{"cat", func() { Cat([]Tensor{a, b}, 0) }, "Sizes of tensors must match"},
		{"go side", func() { FromFloat32([]float32{1, 2, 3}, 2, 2) }, "do not fill shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Try(c.f)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not carry libtorch's message %q", err, c.want)
			}
			if strings.Contains(err.Error(), "frame #") {
				t.Errorf("error carries the C++ backtrace: %q", err)
			}
		})
	}
	// Still alive: a correct product works after the failures.
	if got := Float32s(Matmul(Zeros(Float32, 2, 3), Zeros(Float32, 3, 1))); len(got) != 2 {
		t.Errorf("after errors, matmul gave %v", got)
	}
}

func TestTryLetsOtherPanicsThrough(t *testing.T) {
	defer func() {
		if r := recover(); r != 42.0 {
			t.Errorf("recovered %v, want the original panic", r)
		}
	}()
	_ = Try(func() { panic(42.0) })
	t.Error("Try swallowed a non-libtorch panic")
}

// TestGotorchForwardBackward runs a small convolutional net built from
// gotorch's modules and ppctl's ops and checks that every parameter gets a
// gradient and that SGD-like steps lower the loss.
func TestGotorchForwardBackward(t *testing.T) {
	ManualSeed(1)
	conv := nn.Conv2d(3, 4, 3, 1, 1, 1, 1, true, "zeros")
	bn := nn.BatchNorm2d(4, 1e-5, 0.1, true, true)
	fc := nn.Linear(8, 2, true)
	x := gotorch.RandN([]int64{4, 3, 6, 6}, false)
	y := FromInt64([]int64{0, 1, 0, 1}, 4)
	params := append(append(conv.Parameters(), bn.Parameters()...), fc.Parameters()...)
	opt := NewAdamW([]ParamGroup{{Params: params, LR: 0.05, Beta1: 0.9, Beta2: 0.99, Eps: 1e-5}})
	var losses []float64
	for step := 0; step < 5; step++ {
		err := Scoped(func() {
			h := Relu(bn.Forward(conv.Forward(x)))                                             // (4, 4, 6, 6)
			pooled := Cat([]Tensor{AdaptiveAvgPool2d(h, 1, 1), AdaptiveMaxPool2d(h, 1, 1)}, 1) // (4, 8, 1, 1)
			logits := fc.Forward(Reshape(pooled, 4, 8))                                        // (4, 2)
			loss := F.CrossEntropy(logits, y, Tensor{}, -100, "mean")
			opt.ZeroGrad()
			Backward(loss)
			for i, p := range params {
				if _, ok := Grad(p); !ok {
					t.Fatalf("parameter %d got no gradient", i)
				}
			}
			opt.Step()
			losses = append(losses, Scalar(loss))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !(losses[4] < losses[0]) {
		t.Errorf("loss did not fall: %v", losses)
	}
}

func TestNoGradAndAutocast(t *testing.T) {
	a := SetRequiresGrad(FromFloat32([]float32{1, 2, 3, 4}, 2, 2), true)
	NoGrad(func() {
		if GradEnabled() {
			t.Error("grad mode on inside NoGrad")
		}
		if RequiresGrad(Matmul(a, a)) {
			t.Error("result inside NoGrad requires grad")
		}
	})
	if !GradEnabled() {
		t.Error("grad mode not restored after NoGrad")
	}
	Autocast(CPU, BFloat16, func() {
		if got := TypeOf(Matmul(a, a)); got != BFloat16 {
			t.Errorf("matmul under bf16 autocast is %v", got)
		}
	})
	if got := TypeOf(Matmul(a, a)); got != Float32 {
		t.Errorf("matmul after autocast is %v, want float32", got)
	}
}

func TestRNGStateRoundTrip(t *testing.T) {
	ManualSeed(7)
	state := RNGState()
	first := Float32s(gotorch.RandN([]int64{5}, false))
	SetRNGState(state)
	again := Float32s(gotorch.RandN([]int64{5}, false))
	ManualSeed(7)
	seeded := Float32s(gotorch.RandN([]int64{5}, false))
	for i := range first {
		if first[i] != again[i] || first[i] != seeded[i] {
			t.Fatalf("draw %d: %v, after SetRNGState %v, after ManualSeed %v", i, first[i], again[i], seeded[i])
		}
	}
}

func TestChannelsLast(t *testing.T) {
	x := Reshape(FromFloat32(make([]float32, 2*3*4*5), 2, 3, 4, 5), 2, 3, 4, 5)
	if IsChannelsLast(x) {
		t.Fatal("a fresh NCHW tensor reports channels-last")
	}
	y := ChannelsLast(x)
	if !IsChannelsLast(y) || !sameShape(y.Shape(), x.Shape()) {
		t.Errorf("ChannelsLast: channels-last %v, shape %v", IsChannelsLast(y), y.Shape())
	}
}

func TestParseDevice(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"cpu", "cpu", true},
		{"CPU", "cpu", true},
		{"tpu", "", false},
		{"cuda:x", "", false},
	}
	if CUDADevices() == 0 {
		cases = append(cases, struct {
			in, want string
			ok       bool
		}{"auto", "cpu", true}, struct {
			in, want string
			ok       bool
		}{"cuda", "", false})
	}
	for _, c := range cases {
		d, err := ParseDevice(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseDevice(%q) error %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && d.String() != c.want {
			t.Errorf("ParseDevice(%q) = %v, want %v", c.in, d, c.want)
		}
	}
}

func TestPrecision(t *testing.T) {
	for _, s := range []string{"auto", "fp32", "bf16", "fp16"} {
		p, err := ParsePrecision(s)
		if err != nil || p.String() != s {
			t.Errorf("ParsePrecision(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParsePrecision("int8"); err == nil {
		t.Error("int8 accepted")
	}
	if _, _, err := PrecisionFP16.Resolve(CPU); err == nil {
		t.Error("fp16 on the CPU accepted")
	}
	p, dt, err := PrecisionAuto.Resolve(CPU)
	if err != nil || p == PrecisionAuto {
		t.Errorf("auto resolved to %v, %v", p, err)
	}
	if want := map[Precision]DType{PrecisionFP32: Float32, PrecisionBF16: BFloat16}[p]; dt != want {
		t.Errorf("auto -> %v with dtype %v", p, dt)
	}
}

func TestLibInfo(t *testing.T) {
	info := LibInfo()
	if !strings.HasPrefix(info.Version, "1.") && !strings.HasPrefix(info.Version, "2.") {
		t.Errorf("version %q", info.Version)
	}
	if info.Capability == "unknown" {
		t.Errorf("no CPU capability in the build config:\n%s", info.BuildConfig)
	}
	if info.Threads != Threads() {
		t.Errorf("Info.Threads %d, Threads() %d", info.Threads, Threads())
	}
}

// rss returns the resident set size of this process in bytes.
func rss(t *testing.T) int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm")
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// TestScopedKeepsMemoryFlat allocates 4 MB of intermediates per step; after
// 300 steps (1.2 GB in all) resident memory must not have grown by more than
// a few steps' worth.
func TestScopedKeepsMemoryFlat(t *testing.T) {
	step := func() {
		x := Zeros(Float32, 1024, 1024) // 4 MB
		y := Exp(AddScalar(x, 1))
		_ = Scalar(MeanDims(y, false))
	}
	for i := 0; i < 20; i++ {
		if err := Scoped(step); err != nil {
			t.Fatal(err)
		}
	}
	before := rss(t)
	for i := 0; i < 300; i++ {
		if err := Scoped(step); err != nil {
			t.Fatal(err)
		}
	}
	after := rss(t)
	if grew := after - before; grew > 64<<20 {
		t.Errorf("resident memory grew by %d MB over 300 scoped steps", grew>>20)
	}
}

func TestFromBytesRoundTrip(t *testing.T) {
	src := FromFloat32([]float32{1.5, -2, 3.25, 0}, 2, 2)
	b := Bytes(src)
	if len(b) != 16 {
		t.Fatalf("Bytes gave %d bytes, want 16", len(b))
	}
	got := Float32s(FromBytes(b, Float32, 2, 2))
	for i, want := range []float32{1.5, -2, 3.25, 0} {
		if got[i] != want {
			t.Errorf("element %d: %v, want %v", i, got[i], want)
		}
	}
	if err := Try(func() { FromBytes(b[:15], Float32, 2, 2) }); err == nil || !strings.Contains(err.Error(), "do not fill") {
		t.Errorf("short buffer: error %v", err)
	}
	if n := Numel(FromBytes(nil, Int64, 0, 3)); n != 0 {
		t.Errorf("empty tensor has %d elements", n)
	}
}

// TestDropout checks dropout's contract, which random draws keep out of the
// golden file: identity outside training and at p=0, zeros at p=1, and in
// training every element either dropped or scaled by 1/(1-p), with about p
// of them dropped.
func TestDropout(t *testing.T) {
	x := AddScalar(Zeros(Float32, 100, 100), 2)
	cases := []struct {
		name  string
		p     float64
		train bool
	}{{"eval", 0.5, false}, {"p0", 0, true}, {"p1", 1, true}, {"p0.3", 0.3, true}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ManualSeed(3)
			got := Float32s(Dropout(x, c.p, c.train))
			dropped := 0
			for i, v := range got {
				switch {
				case v == 0:
					dropped++
				case !c.train || c.p == 0:
					if v != 2 {
						t.Fatalf("element %d = %v, want 2 unchanged", i, v)
					}
				default:
					if want := float32(2 / (1 - c.p)); math.Abs(float64(v-want)) > 1e-5 {
						t.Fatalf("kept element %d = %v, want %v", i, v, want)
					}
				}
			}
			frac := float64(dropped) / float64(len(got))
			want := c.p
			if !c.train {
				want = 0
			}
			if math.Abs(frac-want) > 0.02 {
				t.Errorf("dropped %.3f of the elements, want about %.2f", frac, want)
			}
		})
	}
}
