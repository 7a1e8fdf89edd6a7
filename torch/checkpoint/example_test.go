package checkpoint_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

// A model saved in state_dict order with its sidecar, then loaded back.
func ExampleSaveOrdered() {
	dir, _ := os.MkdirTemp("", "ckpt")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "encoder.pth")

	names := []string{"conv1.weight", "bn1.num_batches_tracked"}
	tensors := map[string]torch.Tensor{
		"conv1.weight":            torch.FromFloat32([]float32{0.5, -1, 2, 0}, 1, 1, 2, 2),
		"bn1.num_batches_tracked": torch.FromInt64([]int64{42}), // 0-dim
	}
	meta := &checkpoint.Meta{Kind: "encoder", Arch: "seresnext26d_32x4d", ImageSize: 224}
	if err := checkpoint.SaveOrdered(path, names, tensors, meta); err != nil {
		fmt.Println(err)
		return
	}

	entries, got, err := checkpoint.LoadOrdered(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range entries {
		fmt.Println(e.Name, torch.TypeOf(e.Tensor), e.Tensor.Shape(), torch.Float32s(e.Tensor))
	}
	fmt.Println(got.Kind, got.Arch, got.ImageSize, len(got.SHA256), "hex digits of SHA-256")
	// Output:
	// conv1.weight float32 [1 1 2 2] [0.5 -1 2 0]
	// bn1.num_batches_tracked int64 [] [42]
	// encoder seresnext26d_32x4d 224 64 hex digits of SHA-256
}

// A file written by torch.save(model.state_dict()) loads without a sidecar.
func ExampleLoad() {
	tensors, meta, err := checkpoint.Load("testdata/state_dict.pth")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tensors), "tensors; sidecar:", meta != nil)
	fmt.Println(torch.Int64s(tensors["bn1.num_batches_tracked"]))
	// Output:
	// 8 tensors; sidecar: false
	// [1]
}
