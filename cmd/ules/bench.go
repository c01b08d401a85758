package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
)

func runBench(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(env.stdout, "Usage: ules bench import|query [flags]\n\nBenchmarks:\n  import  our import against a raw COPY of the same rows\n  query   the pages' and the API's queries, the API under load and the CSV download\n\nFlags:\n  see `ules bench import --help` and `ules bench query --help`")
		return flag.ErrHelp
	}
	if len(args) > 0 && args[0] == "query" {
		return runBenchQuery(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("want a benchmark name: ules bench import|query [flags]")
	}
	fs := flags(env, "bench", "import [flags]",
		`Generates N items, then in one run measures our import of them into a fresh database and a raw COPY of
the same rows (the canonical CSV) into an unindexed table, and prints items/s for both, their ratio and
this process's peak resident memory. The database server comes from DATABASE_URL; a database named
ules_bench_<time> is created there and dropped afterwards.`)
	env.cfg.BindDatabase(fs)
	def := demo.DefaultOptions()
	items := fs.Int("items", 100_000, "number of contract items")
	seed := fs.Uint64("seed", def.Seed, "dataset seed")
	format := fs.String("format", "portal", "format our import reads: portal, csv or ocds")
	keep := fs.Bool("keep", false, "keep the benchmark database and the generated files")
	staged := fs.Bool("staged", false, "stage and merge every record, as before the direct load (csv and ocds)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of our import to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *items < 1 {
		return fmt.Errorf("--items must be at least 1")
	}
	inputNames := map[string]string{"portal": "portal", "csv": "items.csv", "ocds": "releases.jsonl"}
	if _, ok := inputNames[*format]; !ok {
		return fmt.Errorf("unknown --format %q: want portal, csv or ocds", *format)
	}
	if env.cfg.DatabaseURL == "" {
		return fmt.Errorf("no database server: set DATABASE_URL or pass --database-url")
	}
	dir, err := os.MkdirTemp("", "ules-bench-*")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	dbURL, drop, err := createBenchDatabase(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if !*keep {
		defer drop()
	}

	opts := def
	opts.Items, opts.Seed = *items, *seed
	// The raw COPY always reads the canonical CSV; our import reads the chosen format of the same dataset.
	csvPath, path := filepath.Join(dir, inputNames["csv"]), filepath.Join(dir, inputNames[*format])
	formats := []string{"csv"}
	if *format != "csv" {
		formats = append(formats, *format)
	}
	for _, f := range formats {
		if err := generateWithBar(ctx, env, f, filepath.Join(dir, inputNames[f]), opts); err != nil {
			return err
		}
	}

	pool, err := migratedPool(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()

	copyRows, copyTime, err := rawCopy(ctx, dbURL, csvPath)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := ingest.NewImporter(pool, "KZ", env.log).Import(ctx, ingest.Options{Format: *format, Path: path, CreatedBy: "bench", Staged: *staged})
	importTime := time.Since(start)
	if err != nil {
		printImportResult(env.stdout, res)
		return err
	}

	ours := float64(opts.Items) / importTime.Seconds()
	raw := float64(copyRows) / copyTime.Seconds()
	fmt.Fprintf(env.stdout, "items:          %d (%s format, seed %d)\n", opts.Items, *format, opts.Seed)
	fmt.Fprintf(env.stdout, "raw COPY:       %10.0f rows/s  (%d rows in %s, unindexed table)\n", raw, copyRows, copyTime.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "ules import:    %10.0f items/s (%s: parse, classify, stage, merge, tiers)\n", ours, importTime.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "ratio:          %.3f\n", ours/raw)
	fmt.Fprintf(env.stdout, "peak RSS:       %.1f MiB (this process)\n", peakRSSMiB())
	if *keep {
		fmt.Fprintf(env.stdout, "kept database %s and files in %s\n", dbURL, dir)
	}
	return nil
}

// generateWithBar writes opts.Items generated items in format to path, with a progress bar.
func generateWithBar(ctx context.Context, env *environment, format, path string, opts demo.Options) error {
	bar := newItemBar(env, int64(opts.Items), "generating "+format)
	_, err := generate(ctx, format, path, opts, bar)
	bar.Finish() //nolint:errcheck
	return err
}

// migratedPool connects to the benchmark database and migrates it.
func migratedPool(ctx context.Context, dbURL string) (*pgxpool.Pool, error) {
	pool, err := database.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if _, err := database.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// createBenchDatabase makes an empty database beside the one serverURL names and returns its URL and a
// function that drops it.
func createBenchDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("parse database URL: %w", err)
	}
	name := fmt.Sprintf("ules_bench_%d", time.Now().Unix())
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create benchmark database (the role needs CREATEDB): %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), serverURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck // best effort
	}
	return u.String(), drop, nil
}

// rawCopy loads the CSV file as it is into an unindexed table of text columns: the ceiling for any import.
func rawCopy(ctx context.Context, dbURL, path string) (int64, time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	header, err := csv.NewReader(f).Read()
	if err != nil {
		return 0, 0, fmt.Errorf("read %s header: %w", path, err)
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = pgx.Identifier{h}.Sanitize() + " text"
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE bench_raw_copy ("+strings.Join(cols, ", ")+")"); err != nil {
		return 0, 0, fmt.Errorf("create raw table: %w", err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	tag, err := conn.PgConn().CopyFrom(ctx, f, "COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)")
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("raw COPY: %w", err)
	}
	return tag.RowsAffected(), elapsed, nil
}

func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}
