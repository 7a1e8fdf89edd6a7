package models

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	cases := []struct {
		name               string
		build              func() (Layer, error)
		size               int64
		wantRows           int
		wantLast           []int64
		wantBody, wantHead int64
	}{
		{"seresnext50 body", func() (Layer, error) { return New(Config{Arch: "seresnext50_32x4d"}) },
			224, 1 + 16, []int64{1, 2048, 7, 7}, 25_510_896, 0},
		{"seresnext50 with fc", func() (Layer, error) { return New(Config{Arch: "seresnext50_32x4d", Classes: 1000}) },
			224, 1 + 16 + 2, []int64{1, 1000}, 25_510_896, 2_049_000},
		{"tiny classifier", func() (Layer, error) {
			return NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
		}, 64, 1 + 5 + 9, []int64{1, 4}, 182_696, 2*512 + 512*512 + 2*512 + 512*4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(c.name, "seresnext50") {
				t.Skip("big member")
			}
			m, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			s, err := Summarize(m, c.size)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Rows) != c.wantRows {
				t.Errorf("%d rows, want %d", len(s.Rows), c.wantRows)
			}
			if got := s.Rows[len(s.Rows)-1].Output; !equal(got, c.wantLast) {
				t.Errorf("last output %v, want %v", got, c.wantLast)
			}
			if s.BodyParams != c.wantBody || s.HeadParams != c.wantHead {
				t.Errorf("body %d head %d, want %d %d", s.BodyParams, s.HeadParams, c.wantBody, c.wantHead)
			}
			if s.Params != CountParameters(m) {
				t.Errorf("total %d, CountParameters %d", s.Params, CountParameters(m))
			}
			var buf bytes.Buffer
			if err := s.Format(&buf); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), thousands(s.Params)) {
				t.Errorf("table lacks the total:\n%s", buf.String())
			}
		})
	}
	if _, err := Summarize(&SEResNeXt{}, 16); err == nil || !strings.Contains(err.Error(), "32") {
		t.Errorf("size 16: error %v, want one naming the minimum", err)
	}
}

func TestThousands(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {27559896, "27,559,896"}}
	for _, c := range cases {
		if got := thousands(c.n); got != c.want {
			t.Errorf("thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
