package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ules-kz/ules/internal/ingest"
)

func runImport(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "import", "--format FORMAT [flags] PATH [PATH...]",
		`Imports procurement data in one transaction: all of it, or nothing when more records are bad than
--max-errors allows. Every bad record is reported with its file, line or JSON path and the reason.

Formats:
  portal        a folder saved from the national procurement portal's OWS v3 REST API (ules portal fetch
                writes one), with the sub-folders subject/, contract/, contract-units/, plans/ and
                plans-kato/ holding JSON pages
  csv, xlsx     the canonical template, one row per contract item (docs/import-csv.md; ules template)
  ocds          OCDS release or record packages, bare releases or records, JSON Lines, concatenated
                documents, .gz, or a folder of them (docs/import-ocds.md)
  register      the register of domestic producers, CSV or XLSX (docs/import-reference.md)
  certificates  ST-KZ certificates of origin with their local-content percentage, CSV or XLSX
  fx            exchange rates to tenge by date, CSV or XLSX
  auto          detect portal, csv, xlsx or ocds from the path and its content

Several paths (as a shell glob gives them, mexico/*.json) are read in one import, in order, and must be of
one format; flags may come before or after them.`)
	env.cfg.BindDatabase(fs)
	env.cfg.BindHome(fs)
	format := fs.String("format", "", "input format: "+strings.Join(ingest.Formats, ", "))
	maxErrors := fs.Int64("max-errors", 0, "accept up to this many bad records (each is still reported)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *format == "" || len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("want --format and at least one PATH")
	}
	if *maxErrors < 0 {
		return fmt.Errorf("--max-errors %d: want 0 or more bad records to accept", *maxErrors)
	}
	if err := env.cfg.Validate(); err != nil {
		return err
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s: no such file or folder (check the path; a quoted glob is not expanded)", p)
		}
	}
	im, closeDB, err := env.importer(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	bar, progress := newImportBar(env.stderr, "importing")
	res, err := im.Import(ctx, ingest.Options{
		Format: *format, Path: paths[0], Paths: paths, MaxErrors: *maxErrors, CreatedBy: currentUser(),
		Progress: progress,
	})
	bar.Finish() //nolint:errcheck
	printImportResult(env.stdout, res)
	if errors.Is(err, ingest.ErrTooManyErrors) {
		return fmt.Errorf("%w\nFix the records listed above and import again; --max-errors N imports the others without them", err)
	}
	return err
}

// parseInterleaved parses flags wherever they stand among the paths (the flag package stops at the first
// argument that is not a flag) and returns the paths in order; after "--" everything is a path.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		rest := args
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return paths, nil
		}
		if len(rest) > len(args) && rest[len(rest)-len(args)-1] == "--" {
			return append(paths, args...), nil
		}
		paths, args = append(paths, args[0]), args[1:]
	}
}

func printImportResult(w io.Writer, res ingest.Result) {
	if res.BatchID == 0 {
		return
	}
	removed := ""
	if res.Removed > 0 {
		removed = fmt.Sprintf(", %s a newer version no longer lists removed", plural(int(res.Removed), "item"))
	}
	// Records are the input's; rows are the database's: a contract and its items, a register entry.
	fmt.Fprintf(w, "batch %d %s: %s read; %s written, %d unchanged, %d replaced by a newer version%s; %d rejected\n",
		res.BatchID, res.Status, plural(int(res.Read), "record"), plural(int(res.Loaded), "row"), res.Unchanged,
		res.Replaced, removed, res.Rejected)
	for _, e := range res.Errors {
		fmt.Fprintf(w, "  %s\n", e)
	}
	if int64(len(res.Errors)) < res.Rejected {
		fmt.Fprintf(w, "  ... and %d more\n", res.Rejected-int64(len(res.Errors)))
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

// newImportBar shows the bytes read of the input (rate, time left) and the records so far on a terminal,
// and stays silent otherwise (logs, CI).
func newImportBar(w io.Writer, what string) (*progressbar.ProgressBar, func(ingest.Progress)) {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetVisibility(isTerminal(w)),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return bar, func(p ingest.Progress) {
		if p.TotalBytes > 0 && bar.GetMax64() != p.TotalBytes {
			bar.ChangeMax64(p.TotalBytes)
		}
		if p.Read {
			bar.Describe(fmt.Sprintf("%s: %d records read, storing them", what, p.Records))
		} else {
			bar.Describe(fmt.Sprintf("%s: %d records", what, p.Records))
		}
		bar.Set64(p.Bytes) //nolint:errcheck // a progress bar that cannot draw is harmless
	}
}

// newRecordBar counts records on a terminal and stays silent otherwise (logs, CI).
func newRecordBar(w io.Writer, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("records"),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionSetVisibility(isTerminal(w)),
		progressbar.OptionClearOnFinish(),
	)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}
