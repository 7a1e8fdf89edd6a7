package checkpoint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeAtomic writes path so that a reader sees either the old file or the
// complete new one, never a part: write streams into a temporary file in
// the same directory, which is synced, closed and renamed over path; then
// the directory is synced so the rename survives a crash. It returns the
// SHA-256 (hex) of what was written. On any error the temporary file is
// removed and path is untouched.
func writeAtomic(path string, write func(io.Writer) error) (sum string, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	if err = write(bw); err != nil {
		return "", err
	}
	if err = bw.Flush(); err != nil {
		return "", err
	}
	if err = f.Chmod(0o644); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	if err = os.Rename(tmp, path); err != nil {
		return "", err
	}
	if err = syncDir(dir); err != nil {
		return "", fmt.Errorf("%s written, but syncing its directory failed: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
