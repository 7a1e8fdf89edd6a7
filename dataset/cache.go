package dataset

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// CacheConfig configures a Cache.
type CacheConfig struct {
	// Side is the shorter side, in pixels, of the images the cache keeps:
	// each is decoded (DCT-scaled where possible) and resized, aspect ratio
	// kept, so that its shorter side is Side; images already smaller are
	// never enlarged. Default 512, twice the 256 pixels training crops
	// start from. Zero keeps full size.
	Side int
	// BudgetBytes bounds the pixel bytes held in memory (3 per pixel);
	// beyond it the least recently used images are dropped. Default 1 GiB:
	// 1,821 photographs at 768x512 need about 2.1 GB, at 384x256 0.54 GB.
	// Zero means no bound.
	BudgetBytes int64
	// Dir, when set, is a folder of decoded images as raw uint8 files,
	// written on first decode and read by later processes, so that a second
	// run starts warm. Entries are keyed by source path, size, modification
	// time and Side, so a changed photograph is decoded again. Default "":
	// memory only.
	Dir string
}

// DefaultCacheConfig returns Side 512, a 1 GiB budget and no disk folder.
func DefaultCacheConfig() CacheConfig {
	return CacheConfig{Side: 512, BudgetBytes: 1 << 30}
}

// CacheStats counts what a Cache did since it was made.
type CacheStats struct {
	Hits       int64 // loads served from memory, including waits on another goroutine's decode
	Misses     int64 // loads that had to read the disk folder or decode
	DiskHits   int64 // misses served from the disk folder
	Decodes    int64 // misses that decoded the source image
	Evictions  int64 // images dropped to stay within the budget
	DiskErrors int64 // failed writes to the disk folder (loads still succeed)
	Images     int   // images held in memory now
	Bytes      int64 // pixel bytes held in memory now
}

// Cache holds decoded, down-scaled images so that each is decoded once, not
// every epoch. It is safe for concurrent use: when several goroutines ask
// for the same image at once, one decodes and the others wait for it.
//
// Images returned by Load are shared by every caller and must not be
// modified; augmentations write new images.
type Cache struct {
	cfg     CacheConfig
	mu      sync.Mutex
	entries map[string]*cacheEntry
	lru     *list.List // of *cacheEntry, most recently used at the front
	bytes   int64
	stats   CacheStats // counters only; Images and Bytes are filled by Stats
	diskErr atomic.Int64
}

// cacheEntry is one image, being loaded (ready open) or loaded.
type cacheEntry struct {
	path  string
	ready chan struct{} // closed when img or err is set
	img   *Image
	err   error
	elem  *list.Element // position in lru; nil while loading or once evicted
}

// NewCache returns an empty cache. A negative Side or BudgetBytes counts as
// zero.
func NewCache(cfg CacheConfig) *Cache {
	return &Cache{cfg: cfg, entries: make(map[string]*cacheEntry), lru: list.New()}
}

// Load returns the image at path, shrunk to the configured Side, from
// memory, from the disk folder, or by decoding it. Errors are not cached:
// a later Load tries again.
func (c *Cache) Load(path string) (*Image, error) {
	c.mu.Lock()
	if e, ok := c.entries[path]; ok {
		c.stats.Hits++
		if e.elem != nil {
			c.lru.MoveToFront(e.elem)
		}
		c.mu.Unlock()
		<-e.ready
		return e.img, e.err
	}
	e := &cacheEntry{path: path, ready: make(chan struct{})}
	c.entries[path] = e
	c.stats.Misses++
	c.mu.Unlock()

	img, fromDisk, err := c.fill(path)

	c.mu.Lock()
	defer c.mu.Unlock()
	e.img, e.err = img, err
	close(e.ready)
	switch {
	case err != nil:
		delete(c.entries, path)
	default:
		if fromDisk {
			c.stats.DiskHits++
		} else {
			c.stats.Decodes++
		}
		e.elem = c.lru.PushFront(e)
		c.bytes += int64(len(img.Pix))
		c.evict()
	}
	return img, err
}

// evict drops least recently used images until the budget holds. The caller
// holds c.mu.
func (c *Cache) evict() {
	if c.cfg.BudgetBytes <= 0 {
		return
	}
	for c.bytes > c.cfg.BudgetBytes && c.lru.Len() > 0 {
		e := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		e.elem = nil
		delete(c.entries, e.path)
		c.bytes -= int64(len(e.img.Pix))
		c.stats.Evictions++
	}
}

// Stats returns the counters and the current memory use.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Images, s.Bytes = c.lru.Len(), c.bytes
	s.DiskErrors = c.diskErr.Load()
	return s
}

// fill produces the image for path from the disk folder or by decoding,
// reporting which.
func (c *Cache) fill(path string) (*Image, bool, error) {
	var key string
	if c.cfg.Dir != "" {
		k, err := c.diskKey(path)
		if err != nil {
			return nil, false, fmt.Errorf("dataset: cache: %w", err)
		}
		key = k
		if img, err := readRaw(filepath.Join(c.cfg.Dir, key)); err == nil {
			return img, true, nil
		}
	}
	img, err := DecodeFile(path, DecodeOptions{MinSide: c.cfg.Side})
	if err != nil {
		return nil, false, err
	}
	img = shrinkShorterSide(img, c.cfg.Side)
	if key != "" {
		if err := writeRaw(c.cfg.Dir, key, img); err != nil {
			c.diskErr.Add(1)
		}
	}
	return img, false, nil
}

// shrinkShorterSide resizes m, aspect ratio kept, so that its shorter side
// is side; it returns m itself when side is not positive or m is no larger.
func shrinkShorterSide(m *Image, side int) *Image {
	short, long := m.H, m.W
	if m.W < m.H {
		short, long = m.W, m.H
	}
	if side <= 0 || short <= side {
		return m
	}
	other := max(1, (long*side+short/2)/short)
	if m.W < m.H {
		return Resize(m, side, other)
	}
	return Resize(m, other, side)
}

// cacheFormat versions the disk files; bump it when the bytes a key maps to
// would change (a new resize filter, say).
const cacheFormat = "ppctl-cache-2"

// diskKey names the disk file for path: a hash of the format version, the
// absolute path, the source's size and modification time, and Side.
func (c *Cache) diskKey(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%d", cacheFormat, abs, fi.Size(), fi.ModTime().UnixNano(), c.cfg.Side)
	return hex.EncodeToString(h.Sum(nil)[:16]) + ".rgb", nil
}

// rawMagic starts every disk file; then come width and height as
// little-endian uint32 and the pixels, row-major RGB.
const rawMagic = "PPRGB\x00\x00\x01"

// errRawCorrupt marks a disk file that is not what writeRaw writes.
var errRawCorrupt = errors.New("corrupt cache file")

// readRaw reads a disk file written by writeRaw.
func readRaw(path string) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hdr [16]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil || string(hdr[:8]) != rawMagic {
		return nil, errRawCorrupt
	}
	w, h := binary.LittleEndian.Uint32(hdr[8:]), binary.LittleEndian.Uint32(hdr[12:])
	fi, err := f.Stat()
	if err != nil || fi.Size() != 16+3*int64(w)*int64(h) {
		return nil, errRawCorrupt
	}
	m := NewImage(int(w), int(h))
	if _, err := io.ReadFull(f, m.Pix); err != nil {
		return nil, errRawCorrupt
	}
	return m, nil
}

// writeRaw writes m to dir/key atomically (temp file and rename), so that
// concurrent processes never read half a file.
func writeRaw(dir, key string, m *Image) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+key+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	var hdr [16]byte
	copy(hdr[:], rawMagic)
	binary.LittleEndian.PutUint32(hdr[8:], uint32(m.W))
	binary.LittleEndian.PutUint32(hdr[12:], uint32(m.H))
	if _, err := f.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := f.Write(m.Pix); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, key))
}
