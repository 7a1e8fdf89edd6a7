package checkpoint

import (
	"archive/zip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// pthAlignment is the boundary torch.save aligns each record's data to, so
// that a reader may map storages straight from the file.
const pthAlignment = 64

// writePTH writes entries as a torch.save zip archive whose top folder is
// archive: archive/data.pkl, archive/data/<i> for the i-th tensor's
// storage, and archive/version. Records are stored uncompressed, each data
// start padded to 64 bytes with an extra field, as PyTorch does.
func writePTH(w io.Writer, archive string, entries []named) error {
	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	add := func(name string, data []byte) error {
		// Flush so that cw.n is the offset of the next local header.
		if err := zw.Flush(); err != nil {
			return err
		}
		full := archive + "/" + name
		fh := &zip.FileHeader{
			Name:               full,
			Method:             zip.Store,
			CRC32:              crc32.ChecksumIEEE(data),
			CompressedSize64:   uint64(len(data)),
			UncompressedSize64: uint64(len(data)),
			Extra:              alignmentField(cw.n, len(full)),
		}
		fw, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := add("data.pkl", picklePTH(entries)); err != nil {
		return err
	}
	for i, e := range entries {
		if err := add("data/"+strconv.Itoa(i), e.t.data); err != nil {
			return err
		}
	}
	if err := add("version", []byte("3\n")); err != nil {
		return err
	}
	return zw.Close()
}

// alignmentField returns a zip extra field (id "FB", filled with 'Z') that
// makes the data of a record whose local header starts at offset begin on
// a multiple of pthAlignment. The local header is 30 bytes, then the name,
// then the extra field (4 bytes of id and length, then the padding).
func alignmentField(offset int64, nameLen int) []byte {
	start := offset + 30 + int64(nameLen) + 4
	pad := (pthAlignment - start%pthAlignment) % pthAlignment
	f := []byte{'F', 'B'}
	f = binary.LittleEndian.AppendUint16(f, uint16(pad))
	return append(f, strings.Repeat("Z", int(pad))...)
}

// archiveName returns the top folder torch.save would use for path: the
// file name without its extension.
func archiveName(path string) string {
	base := filepath.Base(path)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if name == "" || name == "." || strings.ContainsAny(name, "/\\") {
		return "archive"
	}
	return name
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
