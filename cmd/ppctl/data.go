package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
)

// dataSubcommands holds the subcommands of `ppctl data`; each lives in its
// own file and adds itself from an init function (check is in this one).
var dataSubcommands = []func() *cli.Command{dataCheckCommand}

func init() { register(dataCommand) }

func dataCommand() *cli.Command {
	var subs []*cli.Command
	for _, s := range dataSubcommands {
		subs = append(subs, s())
	}
	return &cli.Command{
		Name:  "data",
		Usage: "inspect and validate datasets in the Plant Pathology layout",
		Description: "A dataset folder holds train.csv (image_id, then one one-hot column per class),\n" +
			"test.csv (image_id), optionally sample_submission.csv, and images/<image_id>.jpg or .png.",
		Subcommands: subs,
	}
}

func dataCheckCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "validate a dataset folder and print a summary",
		Description: "Runs the validation every command runs before reading a dataset, reads every\n" +
			"image's header, and prints rows per class, image sizes and every problem with its\n" +
			"file and line. Exits with status 1 when there is a problem.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", EnvVars: []string{"PPCTL_DATA"}, Usage: "dataset `DIR` (required; no default)"},
		},
		Action: dataCheckAction,
	}
}

func dataCheckAction(c *cli.Context) error {
	dir := c.String("data")
	if dir == "" {
		return usageError("data check: --data DIR is required (a folder with train.csv and images/)")
	}
	d, err := dataset.Validate(dir)
	var verr *dataset.ValidationError
	if err != nil && !errors.As(err, &verr) {
		return fmt.Errorf("data check: %w", err)
	}
	var problems []*dataset.FileError
	omitted := 0
	if verr != nil {
		problems, omitted = verr.Problems, verr.Omitted
	}
	sizes, bad := scanImageHeaders(d)
	problems = append(problems, bad...)
	w := c.App.Writer
	printDataSummary(w, d, sizes)
	if len(problems) == 0 {
		fmt.Fprintln(w, "problems: none")
		return nil
	}
	total := len(problems) + omitted
	fmt.Fprintf(w, "problems: %d\n", total)
	for _, p := range problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if omitted > 0 {
		fmt.Fprintf(w, "  ... and %d more not listed (at most 100 per file)\n", omitted)
	}
	return cli.Exit(fmt.Sprintf("data check: %s has %d problem(s), listed above", dir, total), 1)
}

// imageSizes counts images by stored width x height and format.
type imageSizes map[string]int

// scanImageHeaders reads the header of every train and test image,
// counting sizes and reporting unreadable files against their CSV row.
func scanImageHeaders(d *dataset.Dataset) (imageSizes, []*dataset.FileError) {
	sizes := imageSizes{}
	var bad []*dataset.FileError
	scan := func(items []dataset.Item, csvName string) {
		for _, it := range items {
			w, h, format, err := dataset.ImageSize(it.Path)
			if err != nil {
				bad = append(bad, &dataset.FileError{
					File: filepath.Join(d.Dir, csvName), Line: it.Line, Image: it.ID,
					Err: fmt.Errorf("%w: %w", dataset.ErrBadImage, err),
				})
				continue
			}
			sizes[fmt.Sprintf("%dx%d %s", w, h, format)]++
		}
	}
	scan(d.Train, dataset.TrainFile)
	scan(d.Test, dataset.TestFile)
	return sizes, bad
}

// printDataSummary writes classes, rows per class, test rows and sizes.
func printDataSummary(w io.Writer, d *dataset.Dataset, sizes imageSizes) {
	fmt.Fprintf(w, "dataset: %s\n", d.Dir)
	fmt.Fprintf(w, "classes: %d (%s)\n", len(d.Classes), strings.Join(d.Classes, ", "))
	fmt.Fprintf(w, "%s: %d rows with images\n", dataset.TrainFile, len(d.Train))
	counts := d.ClassCounts()
	for i, name := range d.Classes {
		share := 0.0
		if len(d.Train) > 0 {
			share = 100 * float64(counts[i]) / float64(len(d.Train))
		}
		fmt.Fprintf(w, "  %-20s %6d  %5.1f%%\n", name, counts[i], share)
	}
	if d.Test == nil {
		fmt.Fprintf(w, "%s: absent\n", dataset.TestFile)
	} else {
		fmt.Fprintf(w, "%s: %d rows with images\n", dataset.TestFile, len(d.Test))
	}
	if d.SubmissionClasses != nil {
		fmt.Fprintf(w, "%s: columns %s\n", dataset.SampleSubmissionFile, strings.Join(d.SubmissionClasses, ","))
	}
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if sizes[keys[i]] != sizes[keys[j]] {
			return sizes[keys[i]] > sizes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintln(w, "image sizes:")
	if len(keys) == 0 {
		fmt.Fprintln(w, "  none readable")
	}
	for _, k := range keys {
		fmt.Fprintf(w, "  %-20s %6d\n", k, sizes[k])
	}
}
