package checkpoint

import "fmt"

// Convert rewrites the checkpoint in as out, in the format of out's
// extension (.pth to .safetensors or back), with the same keys in the same
// order and the same bytes in every tensor. A sidecar of in is verified and
// carried over to out with out's SHA-256; without one, out gets none. out
// is replaced atomically if it exists (the CLI asks for --force first). It
// returns the number of tensors written.
func Convert(in, out string) (int, error) {
	if _, err := FormatOf(out); err != nil {
		return 0, err
	}
	if in == out {
		return 0, fmt.Errorf("checkpoint: convert %s: input and output are the same file", in)
	}
	entries, meta, err := loadRaw(in)
	if err != nil {
		return 0, err
	}
	if err := saveRaw(out, entries, meta); err != nil {
		return 0, err
	}
	return len(entries), nil
}
