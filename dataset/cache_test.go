package dataset

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// writeCachePNG writes a w x h PNG whose pixel (x, y) is (x, y, seed) and
// returns its path.
func writeCachePNG(t *testing.T, dir, name string, w, h int, seed uint8) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x), uint8(y), seed, 255})
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, m); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCacheSide(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		w, h, side int
		ww, wh     int
	}{
		{"landscape", 64, 48, 12, 16, 12},
		{"portrait", 48, 64, 12, 12, 16},
		{"rounded", 50, 30, 10, 17, 10}, // 50*10/30 = 16.7
		{"not enlarged", 16, 12, 40, 16, 12},
		{"zero keeps full size", 64, 48, 0, 64, 48},
		{"not a DCT factor", 64, 48, 20, 27, 20}, // 64*20/48 = 26.7
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCachePNG(t, dir, fmt.Sprintf("%d.png", i), tt.w, tt.h, 1)
			c := NewCache(CacheConfig{Side: tt.side})
			m, err := c.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if m.W != tt.ww || m.H != tt.wh {
				t.Errorf("Side %d of %dx%d gave %dx%d, want %dx%d", tt.side, tt.w, tt.h, m.W, m.H, tt.ww, tt.wh)
			}
		})
	}
}

func TestCacheDecodesOnceUnderConcurrency(t *testing.T) {
	dir := t.TempDir()
	paths := []string{
		writeCachePNG(t, dir, "a.png", 32, 24, 1),
		writeCachePNG(t, dir, "b.png", 32, 24, 2),
		writeCachePNG(t, dir, "c.png", 24, 32, 3),
	}
	c := NewCache(CacheConfig{Side: 8})
	const workers, rounds = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for _, p := range paths {
					m, err := c.Load(p)
					if err != nil {
						errs <- err
						return
					}
					if _, _, b := m.RGB(0, 0); b < 1 || b > 3 {
						errs <- fmt.Errorf("%s: blue %d, want the image's seed", p, b)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := c.Stats()
	if s.Decodes != 3 || s.Misses != 3 || s.Hits != workers*rounds*3-3 {
		t.Errorf("stats %+v, want 3 decodes, 3 misses, %d hits", s, workers*rounds*3-3)
	}
	if want := int64(3 * 3 * 8 * 11); s.Bytes != want || s.Images != 3 {
		t.Errorf("holds %d images, %d bytes; want 3 images, %d bytes", s.Images, s.Bytes, want)
	}
}

func TestCacheBudgetEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	path := map[string]string{}
	for i, n := range []string{"a", "b", "c"} {
		path[n] = writeCachePNG(t, dir, n+".png", 4, 4, uint8(i))
	}
	const one = 3 * 4 * 4 // bytes of one 4x4 image
	tests := []struct {
		name          string
		budget        int64
		loads         string // image names loaded in order
		decodes       int64
		evicted       int64
		images        int
		stillCachedAs string // an image that must be a hit now
	}{
		{"fits", 3 * one, "abcabc", 3, 0, 3, "a"},
		{"oldest goes", 2 * one, "abc", 3, 1, 2, "b"},
		{"a touched, b goes", 2 * one, "abac", 3, 1, 2, "a"},
		{"evicted is decoded again", 2 * one, "abca", 4, 2, 2, "c"},
		{"larger than the budget is served, not kept", one - 1, "aa", 2, 2, 0, ""},
		{"zero budget is unbounded", 0, "abc", 3, 0, 3, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCache(CacheConfig{BudgetBytes: tt.budget})
			for _, n := range tt.loads {
				if _, err := c.Load(path[string(n)]); err != nil {
					t.Fatal(err)
				}
			}
			s := c.Stats()
			if s.Decodes != tt.decodes || s.Evictions != tt.evicted || s.Images != tt.images || s.Bytes != int64(tt.images*one) {
				t.Errorf("stats %+v, want %d decodes, %d evictions, %d images", s, tt.decodes, tt.evicted, tt.images)
			}
			if tt.budget > 0 && s.Bytes > tt.budget {
				t.Errorf("holds %d bytes over a budget of %d", s.Bytes, tt.budget)
			}
			if tt.stillCachedAs != "" {
				c.Load(path[tt.stillCachedAs])
				if got := c.Stats().Decodes; got != tt.decodes {
					t.Errorf("%s was decoded again, want it still cached", tt.stillCachedAs)
				}
			}
		})
	}
}

func TestCacheDiskRoundTrip(t *testing.T) {
	src, cacheDir := t.TempDir(), filepath.Join(t.TempDir(), "cache")
	path := writeCachePNG(t, src, "leaf.png", 40, 30, 7)
	cfg := CacheConfig{Side: 10, Dir: cacheDir}

	first := NewCache(cfg)
	want, err := first.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Stats(); s.Decodes != 1 || s.DiskHits != 0 || s.DiskErrors != 0 {
		t.Fatalf("first process: %+v, want one decode", s)
	}

	second := NewCache(cfg) // a new process, same folder: starts warm
	got, err := second.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := second.Stats(); s.Decodes != 0 || s.DiskHits != 1 {
		t.Errorf("second process: %+v, want one disk hit and no decode", s)
	}
	if got.W != want.W || got.H != want.H || string(got.Pix) != string(want.Pix) {
		t.Errorf("disk copy %dx%d differs from the decode %dx%d", got.W, got.H, want.W, want.H)
	}

	other := NewCache(CacheConfig{Side: 5, Dir: cacheDir}) // another Side: another entry
	if m, _ := other.Load(path); other.Stats().Decodes != 1 || m.H != 5 {
		t.Errorf("Side 5 reused the Side 10 entry: %+v", other.Stats())
	}

	// A changed source is decoded again.
	writeCachePNG(t, src, "leaf.png", 40, 30, 9)
	later := time.Now().Add(time.Hour)
	os.Chtimes(path, later, later)
	third := NewCache(cfg)
	m, err := third.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, b := m.RGB(0, 0); third.Stats().Decodes != 1 || b != 9 {
		t.Errorf("changed source: stats %+v, blue %d; want a fresh decode with blue 9", third.Stats(), b)
	}
}

func TestCacheCorruptDiskFileIsRedecoded(t *testing.T) {
	src, cacheDir := t.TempDir(), t.TempDir()
	path := writeCachePNG(t, src, "leaf.png", 8, 8, 3)
	NewCache(CacheConfig{Dir: cacheDir}).Load(path)
	entries, _ := os.ReadDir(cacheDir)
	if len(entries) != 1 {
		t.Fatalf("cache folder holds %d files, want 1", len(entries))
	}
	file := filepath.Join(cacheDir, entries[0].Name())
	for _, bad := range []string{"", "PPRGB\x00\x00\x01short", "garbage that is long enough to be a header"} {
		os.WriteFile(file, []byte(bad), 0o644)
		c := NewCache(CacheConfig{Dir: cacheDir})
		m, err := c.Load(path)
		if err != nil || c.Stats().Decodes != 1 || m.W != 8 {
			t.Errorf("corrupt file %q: err %v, stats %+v; want a fresh decode", bad, err, c.Stats())
		}
	}
}

func TestCacheErrorsAreNotCached(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "late.png")
	c := NewCache(CacheConfig{})
	if _, err := c.Load(path); err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
	writeCachePNG(t, dir, "late.png", 2, 2, 1)
	if _, err := c.Load(path); err != nil {
		t.Errorf("Load after the file appeared: %v", err)
	}
	if s := c.Stats(); s.Images != 1 || s.Misses != 2 {
		t.Errorf("stats %+v, want 2 misses and 1 image", s)
	}
}
