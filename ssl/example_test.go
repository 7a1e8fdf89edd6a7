package ssl_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/ssl"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/train"
)

// Two images, two views each: rows 0 and 2 are one image's views, rows 1
// and 3 the other's. Each row's positive has cosine similarity 1 and its
// two negatives 0, so every row's loss is -log(e^2 / (e^2 + 2)) at
// temperature 0.5.
func ExampleNTXent() {
	z := torch.FromFloat32([]float32{
		1, 0, // image 0, view 1
		0, 1, // image 1, view 1
		1, 0, // image 0, view 2
		0, 1, // image 1, view 2
	}, 4, 2)
	loss := ssl.NTXent(z, 0.5)
	fmt.Printf("loss %.4f\n", torch.Scalar(loss))
	// Output: loss 0.2395
}

// Features of six images of two classes: each held-out image's nearest
// neighbours share its class, so the cross-validated accuracy is 1.
func ExampleKNNAccuracy() {
	feats := [][]float32{{1, 0.1}, {1, 0.2}, {0.9, 0}, {0.1, 1}, {0, 1}, {0.2, 0.9}}
	labels := []int{0, 0, 0, 1, 1, 1}
	res, err := ssl.KNNAccuracy(feats, labels, ssl.KNNConfig{K: 2, Folds: 3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("knn_accuracy %.4f over %d folds\n", res.Accuracy, len(res.FoldAccuracy))
	// Output: knn_accuracy 1.0000 over 3 folds
}

// Pretraining from another Go program: a config with the blog's defaults,
// a context that can stop it, a Reporter for progress, and the encoder back
// (also written to runs/simclr/encoder.pth), judged by kNN.
func ExamplePretrainSimCLR() {
	ctx := context.Background()
	ds, err := dataset.Open("data")
	if err != nil {
		log.Fatal(err)
	}
	cfg := ssl.DefaultSimCLRConfig()
	cfg.Arch, cfg.Epochs, cfg.LR, cfg.Out = "seresnext_tiny", 10, 1e-3, "runs/simclr"
	cfg.Reporter = train.NewReporter(os.Stderr, train.ReportPlain)
	res, err := ssl.PretrainSimCLR(ctx, ds, cfg)
	if err != nil {
		log.Fatal(err)
	}
	paths := make([]string, len(ds.Train))
	labels := make([]int, len(ds.Train))
	for i, it := range ds.Train {
		paths[i], labels[i] = it.Path, it.Label
	}
	emb := ssl.DefaultEmbedConfig()
	emb.Size = cfg.Augment.Crop.Size
	feats, err := ssl.Embed(ctx, res.Encoder, paths, emb)
	if err != nil {
		log.Fatal(err)
	}
	knn, err := ssl.KNNAccuracy(feats, labels, ssl.DefaultKNNConfig())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("knn_accuracy %.4f\n", knn.Accuracy)
}
