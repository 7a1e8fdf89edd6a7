// Package checkpoint reads and writes named tensors in the files PyTorch
// uses: torch.save's .pth zip archives and Hugging Face's .safetensors,
// each with an optional JSON sidecar (X.pth.json) that describes the model
// and carries the file's SHA-256.
//
// It owns the file formats, the sidecar and atomic writes; it does not know
// models (key names are kept exactly as given: timm's for a backbone,
// encoder.* and head.* for a classifier) and it does no I/O on tensors
// other than copying their bytes. Parsing is pure Go and bounded: a
// truncated or garbled file is an error naming it (ErrCorrupt), never a
// panic and never garbage weights.
//
// # Usage
//
//	err := checkpoint.SaveOrdered("run/encoder.pth", names, tensors, &checkpoint.Meta{
//		Kind: "encoder", Arch: "seresnext50_32x4d", ImageSize: 224, Precision: "fp32",
//	})
//	// run/encoder.pth (torch.load gives a dict) and run/encoder.pth.json
//
//	entries, meta, err := checkpoint.LoadOrdered("resnet.pth") // from torch.save; meta == nil
//
// Save takes a map and writes its keys sorted; SaveOrdered and LoadOrdered
// keep a state_dict's order, which timm and PyTorch users expect to see.
// The format follows the extension: .pth, .pt and .bin are torch.save
// archives, .safetensors is safetensors.
//
// # What .pth files load
//
// What torch.save (PyTorch 1.6 and later) writes for a dict of tensors: a
// plain dict or an OrderedDict state_dict (its _metadata is ignored),
// nn.Parameter values, float32/float16/bfloat16/float64/int64/int32/uint8/
// bool tensors including 0-dim ones (num_batches_tracked), views with
// strides and storage offsets, storages shared by several tensors. Nested
// dicts are flattened with ".". The pickle is read by a small unpickler of
// our own that resolves only torch's tensor-rebuilding functions and
// storage types, so a checkpoint cannot run code; a file holding anything
// else (an optimizer state, an int, a custom class) is refused with
// ErrUnsupported naming the entry. The legacy format of PyTorch < 1.6
// (non-zip, torch.save(..., _use_new_zipfile_serialization=False)) loads
// too, except storage views of PyTorch < 0.4.
//
// Writes follow torch.save's layout (records stored uncompressed, data
// aligned to 64 bytes, a plain dict in the given order), each tensor
// contiguous with its own storage.
//
// # Integrity
//
// .pth records carry CRC-32s, which catch a damaged storage. safetensors
// and legacy .pth files have no checksum: without a sidecar, a flipped bit
// inside their data goes unnoticed (a truncation does not). With a
// sidecar, the SHA-256 of the whole file is checked before anything is
// parsed (ErrChecksum).
package checkpoint
