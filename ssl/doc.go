// Package ssl is ppctl's self-supervised pretraining (DESIGN section 2,
// steps 1 and 2) and the tools that judge what it learned.
//
// It owns the two pretexts of the blog and their models: RotNet (an
// SE-ResNeXt body with fastai's create_head(nf, 4) predicting which k x 90
// degree rotation an image got) and SimCLR (the body with a projection MLP,
// trained with NTXent so that two random views of one image agree). Each
// pretrains with PretrainRotNet or PretrainSimCLR: a documented config
// (DefaultRotNetConfig, DefaultSimCLRConfig), a context that cancels within
// one batch, and a train.Reporter for progress. The result is the encoder,
// the body alone with timm's key names, saved as RUN/encoder.pth so that
// fine-tuning, timm and PyTorch load it.
//
// It also owns the light judges of an encoder, as lightly and solo-learn
// use them: Embed (pooled features of every image), KNNAccuracy
// (cross-validated cosine k-nearest-neighbour accuracy against the labels,
// pure Go) and LinearProbe (cross-validated logistic regression on frozen
// features, pure Go). A random-init encoder is the baseline both must beat.
//
// It does not own the loop (torch/train), the networks' layers
// (torch/models), the augmentations (dataset) or the downstream
// fine-tuning (softlabel, which ssl never imports).
//
// From Go:
//
//	ds, err := dataset.Open("data")
//	cfg := ssl.DefaultSimCLRConfig()
//	cfg.Arch, cfg.Epochs, cfg.Out = "seresnext_tiny", 10, "runs/simclr"
//	cfg.Reporter = train.NewReporter(os.Stderr, train.ReportPlain)
//	res, err := ssl.PretrainSimCLR(ctx, ds, cfg)   // also writes runs/simclr/encoder.pth
//	feats, err := ssl.Embed(ctx, res.Encoder, paths, ssl.DefaultEmbedConfig())
//	knn, err := ssl.KNNAccuracy(feats, labels, ssl.DefaultKNNConfig())
//	fmt.Println("knn_accuracy", knn.Accuracy)
//
// An encoder saved by any run loads back with models.LoadEncoder(RUN, "").
package ssl
