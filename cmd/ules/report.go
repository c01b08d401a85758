package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/web"
)

// reportArgs are a report's flags, checked before the database is opened.
type reportArgs struct {
	req    report.Request
	format string
	csv    report.CSVOptions
	out    string
}

func parseReportArgs(env *environment, args []string) (reportArgs, error) {
	fs := flags(env, "report", "--target SLUG --period P [--region KATO2] --format xlsx|pdf|csv --lang kk|ru|en --out FILE",
		`Writes a target's report over a period, to file: the filter in words, the headline (share by value and
by count, the threshold in force, the gap in points and tenge, projection and status), the breakdowns by
region, buyer type and buyer (those that pull the share down first), the domestic producers that could
supply, the largest contracts to non-producers, the monthly trend and the methodology. All sums include
VAT. Periods: a year (2026), a quarter (2026-Q3), a month (2026-07) or days (2026-01-01..2026-06-30); the
figures run to the period's end or to --as-of, the earlier.`)
	env.cfg.BindDatabase(fs)
	var a reportArgs
	var period, sep, asOf string
	fs.StringVar(&a.req.Target, "target", "", "the target's slug (ules target list lists them)")
	fs.StringVar(&period, "period", "", "2026, 2026-Q3, 2026-07 or 2026-01-01..2026-06-30")
	fs.StringVar(&a.req.Region, "region", "", "narrow the target's scope to one region, by its two-digit KATO code (75 is Almaty)")
	fs.StringVar(&a.format, "format", "", "xlsx, pdf or csv; default: the --out file's extension")
	fs.StringVar(&a.req.Lang, "lang", "ru", "language of the report: kk, ru or en")
	fs.StringVar(&sep, "separator", ",", "CSV field separator: ',' or ';' (Excel in Russian and Kazakh expects ';')")
	fs.BoolVar(&a.csv.DecimalComma, "decimal-comma", false, "CSV numbers with a decimal comma (default: on with --separator ';')")
	fs.StringVar(&asOf, "as-of", "", "the day the report is made, YYYY-MM-DD (default: today)")
	fs.StringVar(&a.out, "out", "", "file to write, - for standard output")
	if err := parseFlags(fs, args); err != nil {
		return a, err
	}
	if a.req.Target == "" || period == "" || a.out == "" {
		fs.Usage()
		return a, fmt.Errorf("want --target, --period and --out")
	}
	var err error
	if a.req.Period, err = report.ParsePeriod(period); err != nil {
		return a, fmt.Errorf("--period: %w", err)
	}
	if a.format == "" {
		a.format = strings.TrimPrefix(strings.ToLower(filepath.Ext(a.out)), ".")
	}
	if !slices.Contains(report.Formats, a.format) {
		return a, fmt.Errorf("--format %q: want xlsx, pdf or csv (or an --out file ending in one of them)", a.format)
	}
	// A PDF named .csv opens as garbage wherever the name decides the program.
	if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(a.out)), "."); slices.Contains(report.Formats, ext) && ext != a.format {
		return a, fmt.Errorf("--format %s but --out %s ends in .%s: name the file .%s, or leave --format out", a.format, a.out, ext, a.format)
	}
	if !locale.Known(a.req.Lang) {
		return a, fmt.Errorf("--lang %q: want kk, ru or en", a.req.Lang)
	}
	if sep != "," && sep != ";" {
		return a, fmt.Errorf("--separator %q: want ',' or ';'", sep)
	}
	a.csv.Separator = rune(sep[0])
	decimalSet := false
	fs.Visit(func(f *flag.Flag) { decimalSet = decimalSet || f.Name == "decimal-comma" })
	if !decimalSet {
		a.csv.DecimalComma = sep == ";"
	}
	if a.csv.DecimalComma && sep == "," {
		return a, fmt.Errorf("--decimal-comma needs --separator ';': a comma cannot both split fields and numbers")
	}
	if a.req.Region != "" && (len(a.req.Region) != 2 || strings.Trim(a.req.Region, "0123456789") != "") {
		return a, fmt.Errorf("--region %q: want a two-digit KATO code such as 75 (Almaty)", a.req.Region)
	}
	if a.req.Today, err = parseAsOf(asOf); err != nil {
		return a, err
	}
	return a, nil
}

func runReport(ctx context.Context, env *environment, args []string) error {
	a, err := parseReportArgs(env, args)
	if err != nil {
		return err
	}
	catalog, err := locale.Load(web.Translations)
	if err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()

	started := time.Now()
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(env.stderr), progressbar.OptionSetDescription("reading figures"),
		progressbar.OptionSetVisibility(isTerminal(env.stderr)), progressbar.OptionClearOnFinish())
	r, err := report.Build(ctx, pool, store.New(), catalog, a.req, func(step, steps int) {
		bar.ChangeMax(steps + 1)
		_ = bar.Set(step) // a progress bar that cannot draw is harmless
	})
	if err != nil {
		return err
	}
	bar.Describe("writing " + a.format)
	written, err := writeReport(r, a, env)
	_ = bar.Finish()
	if err != nil {
		return err
	}
	if a.out != "-" {
		fmt.Fprintf(env.stdout, "wrote %s (%s, %s, %d bytes) in %s\n", a.out, a.format, a.req.Lang, written,
			time.Since(started).Round(time.Millisecond))
	}
	return nil
}

// writeReport writes the report to --out through a temporary file beside it, renamed when complete, so a
// failed report never leaves half a file under the name asked for.
func writeReport(r *report.Report, a reportArgs, env *environment) (int64, error) {
	write := func(w *bufio.Writer) error {
		if err := r.Write(w, a.format, a.csv); err != nil {
			return err
		}
		return w.Flush()
	}
	if a.out == "-" {
		return 0, write(bufio.NewWriter(env.stdout))
	}
	tmp, err := os.CreateTemp(filepath.Dir(a.out), "."+filepath.Base(a.out)+".*")
	if err != nil {
		return 0, fmt.Errorf("--out %s: %w", a.out, err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if err := write(bufio.NewWriter(tmp)); err != nil {
		tmp.Close()
		return 0, err
	}
	info, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), a.out); err != nil {
		return 0, fmt.Errorf("--out %s: %w", a.out, err)
	}
	return info.Size(), nil
}
