package dataset

import (
	"fmt"
	"math/rand/v2"
)

// SynthClass is a class of the synthetic leaf dataset. The values follow the
// column order of the competition's train.csv, so a SynthClass is also the
// index of its one-hot column.
type SynthClass int

// The four classes of Plant Pathology 2020, in train.csv column order.
const (
	SynthHealthy          SynthClass = iota // a clean leaf
	SynthMultipleDiseases                   // rust spots and scab blotches on one leaf
	SynthRust                               // orange-yellow spots
	SynthScab                               // dark olive-brown blotches
)

// numSynthClasses is the number of SynthClass values.
const numSynthClasses = 4

var synthClassNames = [numSynthClasses]string{"healthy", "multiple_diseases", "rust", "scab"}

// String returns the class column name, e.g. "multiple_diseases".
func (c SynthClass) String() string {
	if c < 0 || int(c) >= numSynthClasses {
		return fmt.Sprintf("SynthClass(%d)", int(c))
	}
	return synthClassNames[c]
}

// hasRust and hasScab say which lesions a leaf of class c carries.
func (c SynthClass) hasRust() bool { return c == SynthRust || c == SynthMultipleDiseases }
func (c SynthClass) hasScab() bool { return c == SynthScab || c == SynthMultipleDiseases }

// SynthClasses returns the class column names of the synthetic dataset in
// train.csv order: healthy, multiple_diseases, rust, scab.
func SynthClasses() []string {
	out := make([]string, numSynthClasses)
	copy(out, synthClassNames[:])
	return out
}

// competitionCounts are the class counts of the competition's train.csv
// (1,821 rows), in SynthClass order; the imbalanced generator keeps their
// proportions (multiple_diseases is 5%).
var competitionCounts = [numSynthClasses]int{516, 91, 622, 592}

// synthClassCounts splits n images over the classes in the competition's
// proportions (imbalance) or evenly, by the largest-remainder method: every
// count is the floor of its exact share, and the images left over go to the
// classes with the largest fractional parts (ties to the earlier class).
func synthClassCounts(n int, imbalance bool) [numSynthClasses]int {
	weights := [numSynthClasses]int{1, 1, 1, 1}
	if imbalance {
		weights = competitionCounts
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	var counts, rem [numSynthClasses]int
	given := 0
	for c, w := range weights {
		counts[c] = n * w / total
		rem[c] = n * w % total
		given += counts[c]
	}
	for ; given < n; given++ {
		best := 0
		for c := range rem {
			if rem[c] > rem[best] {
				best = c
			}
		}
		counts[best]++
		rem[best] = -1
	}
	return counts
}

// synthLabels draws the classes of n images: exactly synthClassCounts of
// each, in an order shuffled by rng. given is clean with each label replaced,
// with probability noise, by one of the other classes chosen uniformly.
func synthLabels(n int, imbalance bool, noise float64, rng *rand.Rand) (clean, given []SynthClass) {
	counts := synthClassCounts(n, imbalance)
	clean = make([]SynthClass, 0, n)
	for c, k := range counts {
		for range k {
			clean = append(clean, SynthClass(c))
		}
	}
	rng.Shuffle(n, func(i, j int) { clean[i], clean[j] = clean[j], clean[i] })
	given = make([]SynthClass, n)
	for i, c := range clean {
		given[i] = c
		if rng.Float64() < noise {
			other := SynthClass(rng.IntN(numSynthClasses - 1))
			if other >= c {
				other++
			}
			given[i] = other
		}
	}
	return clean, given
}

// Random streams: every image and each label list has its own generator,
// derived from the seed and the stream number alone, so the dataset does not
// depend on the number of workers or the order in which they run.
const (
	streamTrainLabels = 0
	streamTestLabels  = 1
	streamImages      = 2 // image i of a split: streamImages + 2*i (+1 for test)
)

// synthRNG returns the generator of one stream of a seed. Both halves of the
// PCG state go through a 64-bit mixer, so neighbouring seeds and streams give
// unrelated sequences.
func synthRNG(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(synthMix64(uint64(seed)^0x6a09e667f3bcc908), synthMix64(stream+0xbb67ae8584caa73b)))
}

// imageStream is the stream number of image index of the train or test split.
func imageStream(test bool, index int) uint64 {
	s := streamImages + 2*uint64(index)
	if test {
		s++
	}
	return s
}

// synthMix64 is the splitmix64 finalizer: a bijection of uint64 whose output bits
// each depend on all input bits.
func synthMix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
