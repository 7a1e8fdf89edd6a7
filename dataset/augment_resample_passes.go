package dataset

// The two passes of the resize, with unrolled loops for the trimmed window
// widths that the pipelines meet (2 taps when enlarging, 3 or 4 when
// shrinking by up to 2, 5 or 6 up to 3) and generic loops for the rest.
// Each tap is one multiply-add on three packed channels.

// horizontal2 resamples two rows of packed pixels, in0 and in1, into out0
// and out1, with unrolled loops for the fixed widths that load each weight
// once for both rows (a quarter faster than one row at a time).
func (c *resampleCoeffs) horizontal2(in0, in1, out0, out1 []uint64) {
	// Locals, not fields: the compiler would reload c's fields after every
	// store to out0 and out1.
	b, kk := c.bounds, c.k
	out1 = out1[:len(out0)]
	switch {
	case !c.fixed:
		c.horizontal(in0, out0)
		c.horizontal(in1, out1)
	case c.ksize == 2:
		for o := range out0 {
			k := kk[2*o : 2*o+2 : 2*o+2]
			i := b[2*o]
			s0, s1 := in0[i:][:2], in1[i:][:2]
			k0, k1 := k[0], k[1]
			out0[o] = laneRound(laneHalf + s0[0]*k0 + s0[1]*k1)
			out1[o] = laneRound(laneHalf + s1[0]*k0 + s1[1]*k1)
		}
	case c.ksize == 3:
		for o := range out0 {
			k := kk[3*o : 3*o+3 : 3*o+3]
			i := b[2*o]
			s0, s1 := in0[i:][:3], in1[i:][:3]
			k0, k1, k2 := k[0], k[1], k[2]
			out0[o] = laneRound(laneHalf + s0[0]*k0 + s0[1]*k1 + s0[2]*k2)
			out1[o] = laneRound(laneHalf + s1[0]*k0 + s1[1]*k1 + s1[2]*k2)
		}
	case c.ksize == 4:
		for o := range out0 {
			k := kk[4*o : 4*o+4 : 4*o+4]
			i := b[2*o]
			s0, s1 := in0[i:][:4], in1[i:][:4]
			k0, k1, k2, k3 := k[0], k[1], k[2], k[3]
			out0[o] = laneRound(laneHalf + s0[0]*k0 + s0[1]*k1 + s0[2]*k2 + s0[3]*k3)
			out1[o] = laneRound(laneHalf + s1[0]*k0 + s1[1]*k1 + s1[2]*k2 + s1[3]*k3)
		}
	case c.ksize == 5:
		for o := range out0 {
			k := kk[5*o : 5*o+5 : 5*o+5]
			i := b[2*o]
			s0, s1 := in0[i:][:5], in1[i:][:5]
			k0, k1, k2, k3, k4 := k[0], k[1], k[2], k[3], k[4]
			out0[o] = laneRound(laneHalf + s0[0]*k0 + s0[1]*k1 + s0[2]*k2 + s0[3]*k3 + s0[4]*k4)
			out1[o] = laneRound(laneHalf + s1[0]*k0 + s1[1]*k1 + s1[2]*k2 + s1[3]*k3 + s1[4]*k4)
		}
	case c.ksize == 6:
		for o := range out0 {
			k := kk[6*o : 6*o+6 : 6*o+6]
			i := b[2*o]
			s0, s1 := in0[i:][:6], in1[i:][:6]
			k0, k1, k2, k3, k4, k5 := k[0], k[1], k[2], k[3], k[4], k[5]
			out0[o] = laneRound(laneHalf + s0[0]*k0 + s0[1]*k1 + s0[2]*k2 + s0[3]*k3 + s0[4]*k4 + s0[5]*k5)
			out1[o] = laneRound(laneHalf + s1[0]*k0 + s1[1]*k1 + s1[2]*k2 + s1[3]*k3 + s1[4]*k4 + s1[5]*k5)
		}
	default:
		c.horizontal(in0, out0)
		c.horizontal(in1, out1)
	}
}

// horizontal resamples one row of packed pixels in into out, for any
// window: resample uses it for the odd last row, horizontal2 for the
// widths it has no unrolled loop for.
func (c *resampleCoeffs) horizontal(in, out []uint64) {
	for o := range out {
		lo, n := c.bounds[2*o], c.bounds[2*o+1]
		acc := uint64(laneHalf)
		for i, wt := range c.k[o*c.ksize : o*c.ksize+n] {
			acc += in[lo+i] * wt
		}
		out[o] = laneRound(acc)
	}
}

// vertical resamples the columns of the packed w-wide rows in, whose
// first row is input row base, and hands each output row to emit.
func (c *resampleCoeffs) vertical(in []uint64, base, w int, emit func(y int, row []uint64)) {
	acc := getScratch(w)
	defer putScratch(acc)
	for o := range len(c.bounds) / 2 {
		lo, n := c.bounds[2*o]-base, c.bounds[2*o+1]
		k := c.k[o*c.ksize : o*c.ksize+n]
		rows := in[lo*w : (lo+n)*w]
		if !c.fixed || !verticalFixed(acc, rows, k, w) {
			verticalGeneric(acc, rows, k, w)
		}
		emit(o, acc)
	}
}

// verticalFixed computes one output row from the len(k) input rows with an
// unrolled loop, reporting false when it has none for that width.
func verticalFixed(acc, rows, k []uint64, w int) bool {
	acc = acc[:w]
	switch len(k) {
	case 2:
		r0, r1 := rows[:w], rows[w:2*w]
		k0, k1 := k[0], k[1]
		for x := range acc {
			acc[x] = laneRound(laneHalf + r0[x]*k0 + r1[x]*k1)
		}
	case 3:
		r0, r1, r2 := rows[:w], rows[w:2*w], rows[2*w:3*w]
		k0, k1, k2 := k[0], k[1], k[2]
		for x := range acc {
			acc[x] = laneRound(laneHalf + r0[x]*k0 + r1[x]*k1 + r2[x]*k2)
		}
	case 4:
		r0, r1, r2, r3 := rows[:w], rows[w:2*w], rows[2*w:3*w], rows[3*w:4*w]
		k0, k1, k2, k3 := k[0], k[1], k[2], k[3]
		for x := range acc {
			acc[x] = laneRound(laneHalf + r0[x]*k0 + r1[x]*k1 + r2[x]*k2 + r3[x]*k3)
		}
	case 5:
		r0, r1, r2, r3, r4 := rows[:w], rows[w:2*w], rows[2*w:3*w], rows[3*w:4*w], rows[4*w:5*w]
		k0, k1, k2, k3, k4 := k[0], k[1], k[2], k[3], k[4]
		for x := range acc {
			acc[x] = laneRound(laneHalf + r0[x]*k0 + r1[x]*k1 + r2[x]*k2 + r3[x]*k3 + r4[x]*k4)
		}
	case 6:
		r0, r1, r2, r3, r4, r5 := rows[:w], rows[w:2*w], rows[2*w:3*w], rows[3*w:4*w], rows[4*w:5*w], rows[5*w:6*w]
		k0, k1, k2, k3, k4, k5 := k[0], k[1], k[2], k[3], k[4], k[5]
		for x := range acc {
			acc[x] = laneRound(laneHalf + r0[x]*k0 + r1[x]*k1 + r2[x]*k2 + r3[x]*k3 + r4[x]*k4 + r5[x]*k5)
		}
	default:
		return false
	}
	return true
}

// verticalGeneric computes one output row from any number of input rows.
func verticalGeneric(acc, rows, k []uint64, w int) {
	for x := range acc {
		acc[x] = laneHalf
	}
	for i, wt := range k {
		r := rows[i*w : (i+1)*w]
		for x, v := range r {
			acc[x] += v * wt
		}
	}
	for x, a := range acc {
		acc[x] = laneRound(a)
	}
}
