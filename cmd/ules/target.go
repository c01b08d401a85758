package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ules-kz/ules/internal/config"
	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/targetfile"
)

// maxTargetFile bounds a targets file: a few hundred targets are a few hundred kilobytes.
const maxTargetFile = 4 << 20

func runTarget(ctx context.Context, env *environment, args []string) error {
	subs := map[string]func(context.Context, *environment, []string) error{
		"list": runTargetList, "show": runTargetShow, "apply": runTargetApply, "remove": runTargetRemove, "export": runTargetExport,
	}
	if len(args) == 0 {
		targetUsage(env.stderr)
		return errors.New("want a subcommand: list, show, apply, remove or export")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		targetUsage(env.stdout)
		return flag.ErrHelp
	}
	sub, ok := subs[args[0]]
	if !ok {
		targetUsage(env.stderr)
		return fmt.Errorf("unknown subcommand %q: want list, show, apply, remove or export", args[0])
	}
	return sub(ctx, env, args[1:])
}

func targetUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: ules target list|show|apply|remove|export [flags]

Manages the targets shares are measured against: a name in kk/ru/en, a scope (a category and, each
optional, regions, buyer types and procurement methods), a metric, and a schedule of thresholds by date
(docs/targets.md describes the file).

Subcommands:
  list   [--as-of DATE] [--lang en]   every target with its status as of a day
  show   SLUG [--as-of DATE]          one target: its definition and progress
  apply  FILE [--dry-run]             create or replace the targets of a YAML or JSON file, all or none
  remove SLUG                         delete a target and its schedule
  export [SLUG...] [--out FILE]       write targets as a file apply reads back

Flags:
`)
	fs := flag.NewFlagSet("target", flag.ContinueOnError)
	new(config.Config).BindDatabase(fs)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nRun `ules target <subcommand> --help` for a subcommand's flags.")
}

// targetFlags parses a subcommand's flags and its SLUG or FILE arguments, which may come before or after
// the flags; want is how many (-1: any number).
func targetFlags(env *environment, name, synopsis, description string, want int, args []string, bind func(*flag.FlagSet)) ([]string, error) {
	fs := flags(env, "target "+name, synopsis, description)
	env.cfg.BindDatabase(fs)
	if bind != nil {
		bind(fs)
	}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	if want >= 0 && len(rest) != want {
		fs.Usage()
		return nil, fmt.Errorf("want %d argument(s): %s", want, synopsis)
	}
	return rest, nil
}

// progressFlags is targetFlags for a subcommand that measures progress: it adds and checks --as-of and
// --lang.
func progressFlags(env *environment, name, synopsis, description string, want int, args []string) ([]string, time.Time, string, error) {
	var asOfText, lang string
	rest, err := targetFlags(env, name, synopsis, description, want, args, func(fs *flag.FlagSet) {
		fs.StringVar(&asOfText, "as-of", "", "the day progress is measured on, YYYY-MM-DD (default: today)")
		fs.StringVar(&lang, "lang", "en", "language of the names: kk, ru or en")
	})
	if err != nil {
		return nil, time.Time{}, "", err
	}
	asOf, err := parseAsOf(asOfText)
	if err != nil {
		return nil, time.Time{}, "", err
	}
	if lang != "kk" && lang != "ru" && lang != "en" {
		return nil, time.Time{}, "", fmt.Errorf("--lang %q: want kk, ru or en", lang)
	}
	return rest, asOf, lang, nil
}

func parseAsOf(v string) (time.Time, error) {
	if v == "" {
		return locale.Today(time.Now()), nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of %q: want a date YYYY-MM-DD", v)
	}
	return t, nil
}

func runTargetList(ctx context.Context, env *environment, args []string) error {
	_, asOf, lang, err := progressFlags(env, "list", "[--as-of DATE] [--lang kk|ru|en]",
		"Lists every target with the threshold in force, the value, the gap and the status as of a day.", 0, args)
	if err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	s := store.New()
	targets, err := s.TargetList(ctx, pool)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tSTATUS\tVALUE %\tTHRESHOLD %\tGAP POINTS\tGAP TENGE\tPROJECTED %\tNAME")
	for _, t := range targets {
		p, err := s.TargetProgress(ctx, pool, t, asOf)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Slug, p.Shown(), orDash(p.Figures.Total > 0, money.FormatPercent(p.Value)),
			orDash(p.InForce, money.FormatPercent(p.Threshold.Value)), orDash(p.Status.Verdict(), money.FormatPercent(p.GapPoints)),
			orDash(p.Status.Verdict(), tenge(p.GapAmount)), orDash(p.Status.Verdict(), money.FormatPercent(p.Projected)), t.Names.In(lang))
	}
	return w.Flush()
}

func orDash(ok bool, s string) string {
	if !ok {
		return "-"
	}
	return s
}

// tenge is whole tenge grouped by spaces, as a terminal reader of any of the three languages reads it.
func tenge(minor int64) string { return money.FormatWhole(minor, " ") }

// noTarget says what to do about a slug no target has.
func noTarget(slug string) error {
	return fmt.Errorf("no target %q: `ules target list` shows the slugs", slug)
}

func runTargetShow(ctx context.Context, env *environment, args []string) error {
	rest, asOf, lang, err := progressFlags(env, "show", "SLUG [--as-of DATE] [--lang kk|ru|en]",
		"Shows a target's definition, its schedule and its progress as of a day: value, threshold, gap,\nprojection to the deadline and what the projection was estimated from.", 1, args)
	if err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	p, err := store.New().TargetProgressGet(ctx, pool, rest[0], asOf)
	if errors.Is(err, store.ErrNotFound) {
		return noTarget(rest[0])
	}
	if err != nil {
		return err
	}
	printProgress(env.stdout, p, lang)
	return nil
}

func printProgress(w io.Writer, p share.Progress, lang string) {
	t := p.Target
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	line("target", t.Slug+": "+t.Names.In(lang))
	if b := t.Basis.In(lang); b != "" {
		line("basis", b)
	}
	line("scope", describeFilter(t.Filter))
	line("metric", t.Metric)
	period := "calendar year, judged on 31 December"
	if t.Period == share.PeriodSchedule {
		period = "the schedule's span, judged on " + t.EndsOn.Format(time.DateOnly)
	}
	line("period", period)
	for _, s := range t.Schedule {
		line("  from "+s.EffectiveFrom.Format(time.DateOnly), money.FormatPercent(s.Value)+" %")
	}
	line("as of", p.AsOf.Format(time.DateOnly)+" (figures "+p.From.Format(time.DateOnly)+" to "+p.To.Format(time.DateOnly)+", with VAT)")
	line("status", string(p.Shown()))
	if p.Figures.Total > 0 {
		line("value", money.FormatPercent(p.Value)+" %")
	}
	line("purchases", tenge(p.Figures.Total)+" tenge, of which "+tenge(p.Figures.Domestic)+" to domestic producers")
	if p.InForce {
		line("threshold", money.FormatPercent(p.Threshold.Value)+" % (from "+p.Threshold.EffectiveFrom.Format(time.DateOnly)+")")
	}
	if p.Next != nil {
		line("next threshold", money.FormatPercent(p.Next.Value)+" % from "+p.Next.EffectiveFrom.Format(time.DateOnly))
	}
	if p.Status.Verdict() {
		line("gap", money.FormatPercent(p.GapPoints)+" points, "+tenge(p.GapAmount)+" tenge that had to go to domestic producers")
		basis := map[share.Basis]string{share.BasisNone: "", share.BasisTrend: " (from the trend of the last 12 months)",
			share.BasisSeasonal: " (from the same months of earlier years)"}[p.Basis]
		line("projected", money.FormatPercent(p.Projected)+" % on "+p.Deadline.Format(time.DateOnly)+basis)
	}
	_ = tw.Flush()
}

// describeFilter says in words what a filter covers.
func describeFilter(f share.Filter) string {
	parts := []string{"category " + f.Category}
	for _, l := range []struct {
		name   string
		values []string
	}{{"regions", f.Regions}, {"buyer types", f.BuyerTypes}, {"methods", f.Methods}} {
		if len(l.values) > 0 {
			parts = append(parts, l.name+" "+strings.Join(l.values, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

func runTargetApply(ctx context.Context, env *environment, args []string) error {
	var dryRun bool
	rest, err := targetFlags(env, "apply", "FILE [--dry-run]",
		"Creates or replaces the targets of a YAML or JSON file (docs/targets.md), all or none: every mistake\nis reported with its line and field, and nothing is stored until the whole file is right. Targets not\nin the file are left alone.", 1, args,
		func(fs *flag.FlagSet) {
			fs.BoolVar(&dryRun, "dry-run", false, "check the file and say what would change, storing nothing")
		})
	if err != nil {
		return err
	}
	data, err := readTargetFile(rest[0])
	if err != nil {
		return err
	}
	done, err := applyTargets(ctx, env, data, rest[0], dryRun)
	if err != nil {
		return err
	}
	if dryRun {
		fmt.Fprintf(env.stdout, "%s is valid; applying it would create %d target(s) and replace %d (nothing stored)\n",
			rest[0], len(done.Created), len(done.Updated))
		return nil
	}
	for _, slug := range done.Created {
		fmt.Fprintf(env.stdout, "created %s\n", slug)
	}
	for _, slug := range done.Updated {
		fmt.Fprintf(env.stdout, "replaced %s\n", slug)
	}
	return nil
}

// applyTargets checks a targets file named name against the database's categories and regions and applies
// it, all or none; a dry run rolls back what it applied.
func applyTargets(ctx context.Context, env *environment, data []byte, name string, dryRun bool) (store.TargetApplied, error) {
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return store.TargetApplied{}, err
	}
	defer pool.Close()
	s := store.New()
	known, err := knownRefs(ctx, s, pool)
	if err != nil {
		return store.TargetApplied{}, err
	}
	targets, err := targetfile.Parse(data, name, known)
	if err != nil {
		return store.TargetApplied{}, err
	}
	if !dryRun {
		return s.TargetApply(ctx, pool, targets)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return store.TargetApplied{}, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	return s.TargetApply(ctx, tx, targets)
}

func readTargetFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTargetFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTargetFile {
		return nil, fmt.Errorf("%s is larger than %d MiB: is it a targets file?", path, maxTargetFile>>20)
	}
	return data, nil
}

func knownRefs(ctx context.Context, s *store.Store, db store.DBTX) (targetfile.Known, error) {
	var known targetfile.Known
	cats, err := s.CategoryList(ctx, db)
	if err != nil {
		return known, err
	}
	for _, c := range cats {
		known.Categories = append(known.Categories, c.Slug)
	}
	regions, err := s.RegionList(ctx, db)
	if err != nil {
		return known, err
	}
	for _, r := range regions {
		known.Regions = append(known.Regions, r.Code)
	}
	return known, nil
}

func runTargetRemove(ctx context.Context, env *environment, args []string) error {
	rest, err := targetFlags(env, "remove", "SLUG", "Deletes a target and its schedule. The purchases it measured are not touched.", 1, args, nil)
	if err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	err = store.New().TargetRemove(ctx, pool, rest[0])
	if errors.Is(err, store.ErrNotFound) {
		return noTarget(rest[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "removed %s\n", rest[0])
	return nil
}

func runTargetExport(ctx context.Context, env *environment, args []string) error {
	var out string
	slugs, err := targetFlags(env, "export", "[SLUG...] [--out FILE]",
		"Writes targets (all, or the ones named) as a YAML file that `ules target apply` reads back: edit it\nand apply it to change them.", -1, args,
		func(fs *flag.FlagSet) { fs.StringVar(&out, "out", "", "file to write; default: standard output") })
	if err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	s := store.New()
	var targets []share.Target
	if len(slugs) == 0 {
		if targets, err = s.TargetList(ctx, pool); err != nil {
			return err
		}
	}
	for _, slug := range slugs {
		t, err := s.TargetGetBySlug(ctx, pool, slug)
		if errors.Is(err, store.ErrNotFound) {
			return noTarget(slug)
		}
		if err != nil {
			return err
		}
		targets = append(targets, t)
	}
	data, err := targetfile.Marshal(targets)
	if errors.Is(err, targetfile.ErrEmpty) {
		return errors.New("there are no targets to export: `ules target apply FILE` creates them")
	}
	if err != nil {
		return err
	}
	if out == "" {
		_, err = env.stdout.Write(data)
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote %d target(s) to %s\n", len(targets), out)
	return nil
}
