package models

import (
	"math"
	"slices"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// snapshot copies every entry of l to CPU float32 values.
func snapshot(l Layer) map[string][]float32 {
	m := map[string][]float32{}
	for _, e := range l.Entries("") {
		m[e.Name] = torch.Float32s(torch.To(torch.ToDevice(e.Tensor, torch.CPU), torch.Float32))
	}
	return m
}

// TestToDevice moves a classifier to each device this machine has and
// back: the tensors the entries handed out before the move follow it (the
// identity an optimizer relies on), the forward pass agrees with the CPU's,
// and the round trip returns every value unchanged. Without a GPU only the
// CPU case runs, where the move must leave everything as it was.
func TestToDevice(t *testing.T) {
	devices := []torch.Device{torch.CPU}
	if torch.CUDADevices() > 0 {
		gpu, err := torch.ParseDevice("cuda:0")
		if err != nil {
			t.Fatal(err)
		}
		devices = append(devices, gpu)
	}
	for _, dev := range devices {
		t.Run(dev.String(), func(t *testing.T) {
			torch.ManualSeed(3)
			clf, err := NewClassifier(ClassifierConfig{Arch: tinyArch, Classes: 3, Head: HeadConfig{Dropout: []float64{0}}})
			if err != nil {
				t.Fatal(err)
			}
			clf.SetTraining(false)
			before := snapshot(clf)
			handles := clf.Entries("")
			x := torch.RandN(2, 3, 32, 32)
			want := torch.Float32s(Infer(clf, x))

			if err := ToDevice(clf, dev); err != nil {
				t.Fatal(err)
			}
			for _, e := range handles {
				if got := torch.DeviceOf(e.Tensor); got != dev {
					t.Fatalf("%s is on %v after the move, want %v", e.Name, got, dev)
				}
				if !e.Buffer && !torch.RequiresGrad(e.Tensor) {
					t.Fatalf("parameter %s stopped requiring gradients", e.Name)
				}
			}
			got := torch.Float32s(torch.ToDevice(Infer(clf, torch.ToDevice(x, dev)), torch.CPU))
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("logit %d on %v: %v, want the CPU's %v", i, dev, got[i], want[i])
				}
			}

			if err := ToDevice(clf, torch.CPU); err != nil {
				t.Fatal(err)
			}
			after := snapshot(clf)
			for name, v := range before {
				if !slices.Equal(after[name], v) {
					t.Fatalf("%s changed over the round trip to %v", name, dev)
				}
			}
		})
	}
}
