package checkpoint

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The fuzz targets prove that no input makes the readers panic or return a
// tensor whose bytes do not fill its shape. Their seed corpora are the
// golden files (added here) and the entries under testdata/fuzz/.
// Run one with: go test -run XXX -fuzz FuzzReadPTH ./torch/checkpoint

func addGoldenSeeds(f *testing.F, pattern string, transform func([]byte) []byte) {
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seed files %s (%s)", pattern, regenerate)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(transform(b))
	}
}

func checkParsed(t *testing.T, entries []named, err error) {
	if err != nil {
		return
	}
	for _, e := range entries {
		n, nerr := numel(e.t.shape)
		if nerr != nil || int64(len(e.t.data)) != n*int64(e.t.dtype.Size()) {
			t.Fatalf("tensor %q: %d bytes for shape %v of %v (%v)", e.name, len(e.t.data), e.t.shape, e.t.dtype, nerr)
		}
	}
}

func FuzzReadPTH(f *testing.F) {
	addGoldenSeeds(f, "*.pth", func(b []byte) []byte { return b })
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := readPTH(data)
		checkParsed(t, entries, err)
	})
}

// fuzzStorages are the records every FuzzPickle archive holds, so that a
// mutated data.pkl reaches tensor rebuilding (zip CRCs would stop most
// mutations of a whole .pth file before the unpickler sees them).
const fuzzStorages = 16

func FuzzPickle(f *testing.F) {
	addGoldenSeeds(f, "*.pth", func(b []byte) []byte {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return b // legacy.pth: a bare pickle
		}
		for _, zf := range zr.File {
			if filepath.Base(zf.Name) == "data.pkl" {
				rc, _ := zf.Open()
				var buf bytes.Buffer
				buf.ReadFrom(rc)
				return buf.Bytes()
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, pkl []byte) {
		entries, err := readPTH(archiveWith(t, pkl))
		checkParsed(t, entries, err)
	})
}

// archiveWith returns a .pth archive holding pkl as data.pkl and storages
// data/0 .. data/15 of 96 bytes each.
func archiveWith(t *testing.T, pkl []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "a/" + name, Method: zip.Store})
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add("data.pkl", pkl)
	for i := range fuzzStorages {
		add("data/"+strconv.Itoa(i), bytes.Repeat([]byte{byte(i)}, 96))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzReadSafetensors(f *testing.F) {
	addGoldenSeeds(f, "*.safetensors", func(b []byte) []byte { return b })
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := readSafetensors(data)
		checkParsed(t, entries, err)
	})
}
