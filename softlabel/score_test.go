package softlabel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scoreTruth is train.csv-format truth of six images of classes a, b, c.
const scoreTruth = `image_id,a,b,c
i0,1,0,0
i1,1,0,0
i2,0,1,0
i3,0,1,0
i4,0,0,1
i5,0,0,1
`

// scorePred predicts them with its columns as c, a, b and its rows in
// another order. In a, b, c order the rows are
//
//	i0 .7 .2 .1   i1 .3 .4 .3   i2 .2 .5 .3
//	i3 .5 .5 0    i4 .1 .1 .8   i5 .2 .3 .5
//
// Accuracy: i1 (argmax b, truth a) and i3 (tie, argmax the first, a; truth
// b) are wrong: 4/6. ROC AUC of a: positives .7 and .3 against negatives
// .2 .5 .1 .2: .3 loses to .5 only, so 7/8; b's positives .5 .5 and c's .8
// .5 beat all their negatives: 1 and 1; the mean is 23/24. scikit-learn's
// roc_auc_score and accuracy_score give the same.
const scorePred = `image_id,c,a,b
i5,0.5,0.2,0.3
i0,0.1,0.7,0.2
i3,0,0.5,0.5
i1,0.3,0.3,0.4
i4,0.8,0.1,0.1
i2,0.3,0.2,0.5
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScoreFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := ScoreFiles(writeFile(t, dir, "truth.csv", scoreTruth), writeFile(t, dir, "pred.csv", scorePred))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{7.0 / 8, 1, 1}
	if s.Images != 6 || strings.Join(s.Classes, ",") != "a,b,c" {
		t.Errorf("scored %d images of %v; want 6 of a,b,c", s.Images, s.Classes)
	}
	if !near(s.Accuracy, 4.0/6, 1e-12) {
		t.Errorf("accuracy = %g; want 4/6", s.Accuracy)
	}
	if !near(s.MeanROCAUC, 23.0/24, 1e-12) {
		t.Errorf("mean ROC AUC = %g; want 23/24", s.MeanROCAUC)
	}
	for c := range want {
		if !near(s.ROCAUC[c], want[c], 1e-12) {
			t.Errorf("ROC AUC of %s = %g; want %g", s.Classes[c], s.ROCAUC[c], want[c])
		}
	}
}

func TestScoreFilesErrors(t *testing.T) {
	tests := []struct {
		name, truth, pred, want string
	}{
		{"a missing prediction", scoreTruth, strings.Replace(scorePred, "i4,0.8,0.1,0.1\n", "", 1),
			"1 images of the truth have no prediction (i4)"},
		{"an extra prediction", scoreTruth, scorePred + "z9,0.2,0.2,0.6\n",
			"1 predicted images are not in the truth (z9)"},
		{"an unknown column", scoreTruth, strings.Replace(scorePred, "image_id,c,a,b", "image_id,c,a,x", 1),
			`column "x" is not a class`},
		{"a missing column", scoreTruth, "image_id,a,b\ni0,0.5,0.5\n", `no column for class "c"`},
		{"a class absent from the truth", "image_id,a,b,c\ni0,1,0,0\ni1,0,1,0\n", "image_id,a,b,c\ni0,0.5,0.3,0.2\ni1,0.2,0.5,0.3\n",
			"the ROC AUC of c is undefined: 0 of the 2 true labels are c"},
		{"not probabilities", scoreTruth, strings.Replace(scorePred, "0.8,", "1.8,", 1), "predictions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := ScoreFiles(writeFile(t, dir, "truth.csv", tt.truth), writeFile(t, dir, "pred.csv", tt.pred))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want one mentioning %q", err, tt.want)
			}
		})
	}
}
