package ssl

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// naiveNTXent is equation 1 of the SimCLR paper written as loops over
// float64: for every row i, -log(exp(s(i, p)/τ) / Σ_{k≠i} exp(s(i, k)/τ))
// with p = (i+B) mod 2B and s the cosine similarity, averaged over rows.
func naiveNTXent(z [][]float64, tau float64) float64 {
	n := len(z)
	cos := func(a, b []float64) float64 {
		var dot, na, nb float64
		for d := range a {
			dot += a[d] * b[d]
			na += a[d] * a[d]
			nb += b[d] * b[d]
		}
		return dot / (math.Sqrt(na) * math.Sqrt(nb))
	}
	var total float64
	for i := 0; i < n; i++ {
		p := (i + n/2) % n
		var denom float64
		for k := 0; k < n; k++ {
			if k != i {
				denom += math.Exp(cos(z[i], z[k]) / tau)
			}
		}
		total += -math.Log(math.Exp(cos(z[i], z[p])/tau) / denom)
	}
	return total / float64(n)
}

func randomRows(rng *rand.Rand, n, d int) [][]float64 {
	z := make([][]float64, n)
	for i := range z {
		z[i] = make([]float64, d)
		for j := range z[i] {
			z[i][j] = float64(float32(rng.NormFloat64()))
		}
	}
	return z
}

func toTensor(z [][]float64) torch.Tensor {
	var v []float32
	for _, r := range z {
		for _, x := range r {
			v = append(v, float32(x))
		}
	}
	return torch.FromFloat32(v, int64(len(z)), int64(len(z[0])))
}

func ntxentValue(t *testing.T, z [][]float64, tau float64) float64 {
	t.Helper()
	var got float64
	if err := torch.Try(func() { got = torch.Scalar(NTXent(toTensor(z), tau)) }); err != nil {
		t.Fatal(err)
	}
	return got
}

func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestNTXentMatchesNaiveLoops(t *testing.T) {
	tests := []struct {
		name string
		b, d int
		tau  float64
	}{
		{"one pair", 1, 4, 0.5},
		{"B=2 tau 0.5", 2, 3, 0.5},
		{"B=5 tau 0.1", 5, 8, 0.1},
		{"B=8 tau 1", 8, 16, 1},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := randomRows(rng, 2*tc.b, tc.d)
			got, want := ntxentValue(t, z, tc.tau), naiveNTXent(z, tc.tau)
			if !closeTo(got, want, 1e-5) {
				t.Errorf("NTXent = %.7f, naive loops = %.7f", got, want)
			}
		})
	}
}

func TestNTXentSymmetricInTheTwoViews(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, b := range []int{1, 3, 6} {
		z := randomRows(rng, 2*b, 5)
		swapped := append(append([][]float64(nil), z[b:]...), z[:b]...)
		a, s := ntxentValue(t, z, 0.5), ntxentValue(t, swapped, 0.5)
		if !closeTo(a, s, 1e-6) {
			t.Errorf("B=%d: loss %.7f, with the halves swapped %.7f", b, a, s)
		}
	}
}

func TestNTXentIdenticalEmbeddings(t *testing.T) {
	// Every similarity is 1, so each row's softmax is uniform over its
	// 2B-1 other rows: the loss is -log(1/(2B-1)) at any temperature.
	for _, tc := range []struct {
		b   int
		tau float64
	}{{1, 0.5}, {2, 0.5}, {4, 0.1}, {16, 2}} {
		z := make([][]float64, 2*tc.b)
		for i := range z {
			z[i] = []float64{0.3, -1.2, 2}
		}
		got, want := ntxentValue(t, z, tc.tau), -math.Log(1/float64(2*tc.b-1))
		if !closeTo(got, want, 1e-5) {
			t.Errorf("B=%d tau=%g: got %.7f, want -log(1/%d) = %.7f", tc.b, tc.tau, got, 2*tc.b-1, want)
		}
	}
}

type ntxentGolden struct {
	Cases []struct {
		Name        string    `json:"name"`
		Rows        int64     `json:"rows"`
		Dim         int64     `json:"dim"`
		Temperature float64   `json:"temperature"`
		Z           []float64 `json:"z"`
		Loss        float64   `json:"loss"`
		Grad        []float64 `json:"grad"`
	} `json:"cases"`
}

// TestNTXentAgainstPyTorch compares loss and input gradient with the
// blog's SimCLRLoss run by PyTorch (scripts/gen_ntxent_golden.py).
func TestNTXentAgainstPyTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/ntxent_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g ntxentGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			v := make([]float32, len(c.Z))
			for i, x := range c.Z {
				v[i] = float32(x)
			}
			var loss float64
			var grad []float32
			err := torch.Try(func() {
				z := torch.SetRequiresGrad(torch.FromFloat32(v, c.Rows, c.Dim), true)
				l := NTXent(z, c.Temperature)
				torch.Backward(l)
				loss = torch.Scalar(l)
				gz, _ := torch.Grad(z)
				grad = torch.Float32s(gz)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !closeTo(loss, c.Loss, 1e-5) {
				t.Errorf("loss = %.7f, PyTorch %.7f", loss, c.Loss)
			}
			for i := range grad {
				if math.Abs(float64(grad[i])-c.Grad[i]) > 1e-5 {
					t.Fatalf("grad[%d] (row %d) = %.7f, PyTorch %.7f", i, int64(i)/c.Dim, grad[i], c.Grad[i])
				}
			}
		})
	}
}

func TestNTXentRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name  string
		shape []int64
		tau   float64
		want  string
	}{
		{"odd rows", []int64{3, 4}, 0.5, "even number of rows"},
		{"one row", []int64{1, 4}, 0.5, "even number of rows"},
		{"not 2-d", []int64{2, 2, 2}, 0.5, "(2B, D)"},
		{"zero temperature", []int64{2, 4}, 0, "temperature"},
		{"negative temperature", []int64{2, 4}, -1, "temperature"},
		{"NaN temperature", []int64{2, 4}, math.NaN(), "temperature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := torch.Try(func() { NTXent(torch.Zeros(torch.Float32, tc.shape...), tc.tau) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
