package dataset

import "math/rand/v2"

// Flips and right-angle rotations move pixels without changing their values.
// Each returns a new image and leaves its input untouched, so they are safe
// on images shared through the Cache.

// FlipHorizontal returns m mirrored left to right: pixel (x, y) of the result
// is pixel (W-1-x, y) of m (torchvision's hflip).
func FlipHorizontal(m *Image) *Image {
	out := NewImage(m.W, m.H)
	for y := 0; y < m.H; y++ {
		src := m.Pix[m.Offset(0, y):m.Offset(0, y+1)]
		dst := out.Pix[out.Offset(0, y):out.Offset(0, y+1)]
		for x := 0; x < m.W; x++ {
			s, d := 3*(m.W-1-x), 3*x
			dst[d], dst[d+1], dst[d+2] = src[s], src[s+1], src[s+2]
		}
	}
	return out
}

// FlipVertical returns m mirrored top to bottom: pixel (x, y) of the result
// is pixel (x, H-1-y) of m (torchvision's vflip).
func FlipVertical(m *Image) *Image {
	out := NewImage(m.W, m.H)
	row := 3 * m.W
	for y := 0; y < m.H; y++ {
		copy(out.Pix[y*row:(y+1)*row], m.Pix[(m.H-1-y)*row:(m.H-y)*row])
	}
	return out
}

// RandomFlipHorizontal mirrors m left to right with probability p (0 never,
// 1 always; torchvision's RandomHorizontalFlip default is 0.5). It draws one
// number from rng whatever p is, so the random stream does not depend on p.
// When it does not flip it returns m itself.
func RandomFlipHorizontal(rng *rand.Rand, m *Image, p float64) *Image {
	if rng.Float64() < p {
		return FlipHorizontal(m)
	}
	return m
}

// RandomFlipVertical mirrors m top to bottom with probability p, drawing one
// number from rng whatever p is. When it does not flip it returns m itself.
func RandomFlipVertical(rng *rand.Rand, m *Image, p float64) *Image {
	if rng.Float64() < p {
		return FlipVertical(m)
	}
	return m
}

// Rot90 rotates m by k x 90 degrees counter-clockwise, as torch.rot90(img, k,
// dims=(H, W)), numpy.rot90 and PIL's rotate(90*k, expand=True) do: for k=1
// the top row of m becomes the left column of the result, read bottom to
// top, and a W x H image becomes H x W. Negative k rotates clockwise; k is
// taken modulo 4, and k=0 returns a copy.
func Rot90(m *Image, k int) *Image {
	k = ((k % 4) + 4) % 4
	var out *Image
	if k%2 == 0 {
		out = NewImage(m.W, m.H)
	} else {
		out = NewImage(m.H, m.W)
	}
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			var ox, oy int
			switch k {
			case 0:
				ox, oy = x, y
			case 1: // (x, y) -> (y, W-1-x)
				ox, oy = y, m.W-1-x
			case 2:
				ox, oy = m.W-1-x, m.H-1-y
			case 3: // (x, y) -> (H-1-y, x)
				ox, oy = m.H-1-y, x
			}
			s, d := m.Offset(x, y), out.Offset(ox, oy)
			out.Pix[d], out.Pix[d+1], out.Pix[d+2] = m.Pix[s], m.Pix[s+1], m.Pix[s+2]
		}
	}
	return out
}
