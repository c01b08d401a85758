package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/web"
)

// reportGoal is the goal for a target's yearly report at 10,000,000 items, in each format.
const reportGoal = 2 * time.Second

// runBenchReport measures what `ules report` and the pages' Download report take: reading a target's
// yearly report from the database, and reading and writing it in each format.
func runBenchReport(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "bench", "report [flags]",
		`Loads N generated items into a fresh database (or, with --reuse, uses the database DATABASE_URL names
as it is) and measures a target's yearly report: p50 and p95 over --repeat runs of reading its figures,
and of reading and writing it (to nowhere) in each format, XLSX, PDF and CSV, against the goal of 2 s at
10,000,000 items; then the reports' sizes and this process's peak memory. The year is --period, or the
last full year before the newest contract (the newest contract's year when the data has no earlier one).`)
	var data benchData
	data.bind(env, fs)
	repeat := fs.Int("repeat", 5, "runs of each report; p50 and p95 are over these")
	target := fs.String("target", "school-uniforms-50", "the target whose report is measured")
	period := fs.String("period", "", "the report's period (default: the last full year of the data)")
	lang := fs.String("lang", "ru", "language of the reports: kk, ru or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := data.check(); err != nil {
		return err
	}
	if *repeat < 1 {
		return errors.New("--repeat must be at least 1")
	}
	if !locale.Known(*lang) {
		return fmt.Errorf("--lang %q: want kk, ru or en", *lang)
	}
	if *period != "" {
		if _, err := report.ParsePeriod(*period); err != nil {
			return fmt.Errorf("--period: %w", err)
		}
	}
	pool, done, err := data.open(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	return measureReports(ctx, env, pool, reportBench{repeat: *repeat, target: *target, period: *period, lang: *lang})
}

type reportBench struct {
	repeat               int
	target, period, lang string
}

// countingDiscard is io.Discard that counts: a report's size without keeping it.
type countingDiscard struct{ n int64 }

func (w *countingDiscard) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

func measureReports(ctx context.Context, env *environment, pool *pgxpool.Pool, b reportBench) error {
	catalog, err := locale.Load(web.Translations)
	if err != nil {
		return err
	}
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM contract_items").Scan(&n); err != nil {
		return err
	}
	var first, last *time.Time
	if err := pool.QueryRow(ctx, "SELECT min(signed_on), max(signed_on) FROM contracts").Scan(&first, &last); err != nil {
		return err
	}
	if last == nil {
		return errors.New("the database holds no contracts: load some, or leave out --reuse")
	}
	spec := b.period
	if spec == "" {
		spec = strconv.Itoa(last.Year() - 1)
		if first.Year() >= last.Year() {
			spec = strconv.Itoa(last.Year())
		}
	}
	p, err := report.ParsePeriod(spec)
	if err != nil {
		return fmt.Errorf("--period: %w", err)
	}
	req := report.Request{Target: b.target, Period: p, Lang: b.lang, Today: *last}
	st := store.New()
	build := func(ctx context.Context) (*report.Report, error) {
		return report.Build(ctx, pool, st, catalog, req, nil)
	}
	r, err := build(ctx) // warms the cache and says what is measured
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "items: %d; target %s, period %s (%s to %s), %d items in scope, %d buyers, language %s; %d runs each\n\n",
		n, b.target, p.Spec, p.From.Format(time.DateOnly), r.AsOf.Format(time.DateOnly), r.Figures.Items, len(r.Buyers), b.lang, b.repeat)

	csv := report.CSVOptions{Separator: ';', DecimalComma: true}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "report\tp50\tp95\tsize\tgoal\t")
	p50, p95, err := measure(ctx, b.repeat, func(ctx context.Context) error {
		_, err := build(ctx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "figures (read)\t%s\t%s\t\t\t\n", p50.Round(time.Millisecond), p95.Round(time.Millisecond))
	for _, format := range report.Formats {
		var size int64
		p50, p95, err := measure(ctx, b.repeat, func(ctx context.Context) error {
			r, err := build(ctx)
			if err != nil {
				return err
			}
			w := &countingDiscard{}
			if err := r.Write(w, format, csv); err != nil {
				return err
			}
			size = w.n
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", format, err)
		}
		// The goal is for 10,000,000 items: a smaller database says how the time grows, not whether it is met.
		verdict := "not measured at 10M"
		switch {
		case n < 10_000_000:
		case p95 > reportGoal:
			verdict = "MISSED"
		default:
			verdict = "met"
		}
		fmt.Fprintf(tw, "%s (read and write)\t%s\t%s\t%.1f KiB\tp95 ≤ %s at 10M items: %s\t\n", format,
			p50.Round(time.Millisecond), p95.Round(time.Millisecond), float64(size)/1024, reportGoal, verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "\npeak RSS:       %.1f MiB (this process)\n", peakRSSMiB("self"))
	return nil
}
