// Package dataset reads image-classification data laid out as the Plant
// Pathology 2020 competition ships it (train.csv, test.csv,
// sample_submission.csv and images/), decodes and caches the photographs,
// augments them and batches them for training.
//
// It owns everything between files on disk and plain float32 batches; it
// imports nothing of torch, so it builds and tests on any machine. Class
// names always come from the header of train.csv: nothing here knows the
// four competition classes.
//
// The one image type is Image: 8-bit RGB, row-major, three bytes a pixel.
package dataset
