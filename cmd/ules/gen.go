package main

import (
	"context"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"

	"github.com/ules-kz/ules/internal/demo"
)

func runGen(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "gen", "--items N [flags]",
		`Writes realistic synthetic procurement data (the demo's distributions) of any size, deterministic for a
seed: --format portal writes a portal export folder, --format csv the canonical CSV file, --format ocds
OCDS releases as JSON Lines (values without VAT: OCDS items have no value of their own).`)
	def := demo.DefaultOptions()
	items := fs.Int("items", def.Items, "number of contract items")
	seed := fs.Uint64("seed", def.Seed, "dataset seed")
	format := fs.String("format", "portal", "portal, csv or ocds")
	out := fs.String("out", "", "output folder (portal) or file (csv, ocds); default ules-gen-<format>[.csv|.jsonl]")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *items < 1 {
		return fmt.Errorf("--items must be at least 1")
	}
	path := *out
	if path == "" {
		path = "ules-gen-" + *format
		switch *format {
		case "csv":
			path += ".csv"
		case "ocds":
			path += ".jsonl"
		}
	}
	opts := def
	opts.Items, opts.Seed = *items, *seed
	bar := newItemBar(env, int64(opts.Items), "generating")
	stats, err := generate(ctx, *format, path, opts, bar)
	bar.Finish() //nolint:errcheck
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote %d items in %d contracts (%d buyers, %d suppliers) to %s\n",
		stats.Units, stats.Contracts, stats.Buyers, stats.Suppliers, path)
	return nil
}

// generate writes a dataset in format to path, counting items on bar.
func generate(ctx context.Context, format, path string, opts demo.Options, bar *progressbar.ProgressBar) (demo.Stats, error) {
	var sink demo.Sink
	var err error
	switch format {
	case "portal":
		sink, err = demo.PortalSink(path, opts.PageSize)
	case "csv", "ocds":
		var f *os.File
		if f, err = os.Create(path); err != nil {
			return demo.Stats{}, err
		}
		defer f.Close()
		if format == "csv" {
			sink, err = demo.CSVSink(f)
		} else {
			sink = demo.OCDSSink(f)
		}
	default:
		return demo.Stats{}, fmt.Errorf("unknown --format %q: want portal, csv or ocds", format)
	}
	if err != nil {
		return demo.Stats{}, err
	}
	return demo.Run(ctx, countingSink{Sink: sink, bar: bar}, opts)
}

// countingSink moves a progress bar as items pass.
type countingSink struct {
	demo.Sink
	bar *progressbar.ProgressBar
}

func (s countingSink) Unit(u demo.Unit) error {
	s.bar.Add(1) //nolint:errcheck // a progress bar that cannot draw is harmless
	return s.Sink.Unit(u)
}

// newItemBar is a bar over a known number of items, drawn only on a terminal.
func newItemBar(env *environment, total int64, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(env.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("items"),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionSetVisibility(isTerminal(env.stderr)),
		progressbar.OptionClearOnFinish(),
	)
}
