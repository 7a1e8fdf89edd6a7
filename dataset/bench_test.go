package dataset

import (
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBenchJPEGs writes n w x h JPEGs of smooth gradients into dir and
// returns their paths.
func writeBenchJPEGs(t *testing.T, dir string, n, w, h int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(40 * i), 255})
			}
		}
		f, err := os.Create(filepath.Join(dir, "img_"+string(rune('a'+i))+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, m, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func TestBenchData(t *testing.T) {
	dir := t.TempDir()
	writeBenchJPEGs(t, filepath.Join(dir, "images"), 5, 96, 64)
	for _, color := range []bool{false, true} {
		res, err := BenchData(context.Background(), BenchDataConfig{Dir: dir, Size: 16, Resize: 32, BatchSize: 2, Workers: 2, Color: color, Limit: 4, WarmEpochs: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 || res[0].Mode != "cold" || res[1].Mode != "warm" {
			t.Fatalf("got %+v, want a cold and a warm result", res)
		}
		for _, r := range res {
			if r.Bench != "data" || r.Size != 16 || r.BS != 2 || r.Workers != 2 || r.Images != 4 || r.Color != color || !(r.ImgPerS > 0) || !(r.Seconds > 0) {
				t.Errorf("result %+v: want bench data, size 16, bs 2, workers 2, 4 images, color %v, positive rates", r, color)
			}
		}
	}
}

func TestBenchImages(t *testing.T) {
	flat := t.TempDir()
	writeBenchJPEGs(t, flat, 3, 8, 8)
	os.WriteFile(filepath.Join(flat, "notes.txt"), []byte("x"), 0o644)
	empty := t.TempDir()
	cases := []struct {
		name  string
		dir   string
		limit int
		want  int
		err   string
	}{
		{"flat folder", flat, 0, 3, ""},
		{"limit", flat, 2, 2, ""},
		{"no images", empty, 0, 0, "no .jpg or .png files"},
		{"missing", filepath.Join(empty, "nope"), 0, 0, "no such file"},
		{"unset", "", 0, 0, "no data directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := benchImages(c.dir, c.limit)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want an error containing %q", err, c.err)
				}
				return
			}
			if err != nil || len(got) != c.want {
				t.Fatalf("got %d paths, %v; want %d", len(got), err, c.want)
			}
		})
	}
}

func TestWarmEpochs(t *testing.T) {
	tests := []struct {
		name     string
		set, n   int
		want     int
		minTotal int
	}{
		{"set explicitly", 3, 32, 3, 0},
		{"few images: enough epochs for MinWarmImages", 0, 32, MinWarmImages / 32, MinWarmImages},
		{"rounds up", 0, 1000, 2, MinWarmImages},
		{"many images: at least two epochs", 0, 5000, 2, 0},
		{"one image", 0, 1, MinWarmImages, MinWarmImages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := warmEpochs(tc.set, tc.n)
			if got != tc.want {
				t.Errorf("warmEpochs(%d, %d) = %d, want %d", tc.set, tc.n, got, tc.want)
			}
			if got*tc.n < tc.minTotal {
				t.Errorf("%d epochs of %d images = %d, want at least %d", got, tc.n, got*tc.n, tc.minTotal)
			}
		})
	}
}
