package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
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
		fmt.Fprintln(env.stdout, "Usage: ules bench import|query|report [flags]\n\nBenchmarks:\n  import  our import against a raw COPY of the same rows\n  query   the pages' and the API's queries, the API under load and the CSV download\n  report  a target's yearly report in XLSX, PDF and CSV\n\nFlags:\n  see `ules bench import --help`, `ules bench query --help` and `ules bench report --help`")
		return flag.ErrHelp
	}
	if len(args) > 0 && args[0] == "query" {
		return runBenchQuery(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "report" {
		return runBenchReport(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("want a benchmark name: ules bench import|query|report [flags]")
	}
	fs := flags(env, "bench", "import [flags]",
		`Generates N items, then measures our import of them into a fresh database and a raw COPY of the same
rows (the canonical CSV) into an unindexed table, --runs times each, alternately and each after a
CHECKPOINT, and prints the median items/s of both, the median of the runs' ratios, every run's ratio and
this process's peak resident memory. The
database server comes from DATABASE_URL; each run creates a database named ules_bench_<time>_<run> there
and drops it afterwards.`)
	env.cfg.BindDatabase(fs)
	def := demo.DefaultOptions()
	items := fs.Int("items", 100_000, "number of contract items")
	seed := fs.Uint64("seed", def.Seed, "dataset seed")
	format := fs.String("format", "portal", "format our import reads: portal, csv or ocds")
	runs := fs.Int("runs", 3, "how many times to measure each; the median of the runs' ratios is reported")
	keep := fs.Bool("keep", false, "keep the last run's database and the generated files")
	staged := fs.Bool("staged", false, "stage and merge every record, as before the direct load (csv and ocds)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of our imports to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *items < 1 {
		return fmt.Errorf("--items must be at least 1")
	}
	if *runs < 1 {
		return fmt.Errorf("--runs must be at least 1")
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

	// One run on a loaded machine says little; alternating the two and comparing medians says more.
	var copyTimes, importTimes []time.Duration
	var copyRows int64
	var kept string
	for run := range *runs {
		dbURL, drop, err := createBenchDatabase(ctx, env.cfg.DatabaseURL, run)
		if err != nil {
			return err
		}
		last := run == *runs-1
		c, i, rows, err := benchImportRun(ctx, env, dbURL, csvPath, ingest.Options{Format: *format, Path: path, CreatedBy: "bench", Staged: *staged})
		if *keep && last {
			kept = dbURL
		} else {
			drop()
		}
		if err != nil {
			return err
		}
		copyRows = rows
		copyTimes, importTimes = append(copyTimes, c), append(importTimes, i)
	}

	// Each run's pair was measured minutes apart at most, so the median of the runs' ratios is the figure;
	// the rates are each side's median.
	copyMedian, _ := percentiles(copyTimes)
	importMedian, _ := percentiles(importTimes)
	ratios, each := make([]float64, len(copyTimes)), make([]string, len(copyTimes))
	for i := range copyTimes {
		ratios[i] = copyTimes[i].Seconds() / importTimes[i].Seconds() * float64(opts.Items) / float64(copyRows)
		each[i] = fmt.Sprintf("%.3f", ratios[i])
	}
	slices.Sort(ratios)
	fmt.Fprintf(env.stdout, "items:          %d (%s format, seed %d), medians of %d runs\n", opts.Items, *format, opts.Seed, *runs)
	fmt.Fprintf(env.stdout, "raw COPY:       %10.0f rows/s  (%d rows in %s, unindexed table)\n", float64(copyRows)/copyMedian.Seconds(), copyRows, copyMedian.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "ules import:    %10.0f items/s (%s: parse, classify, stage, merge, tiers)\n", float64(opts.Items)/importMedian.Seconds(), importMedian.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "ratio:          %.3f (each run: %s)\n", ratios[len(ratios)/2], strings.Join(each, " "))
	fmt.Fprintf(env.stdout, "peak RSS:       %.1f MiB (this process)\n", peakRSSMiB("self"))
	if *keep {
		fmt.Fprintf(env.stdout, "kept database %s and files in %s\n", kept, dir)
	}
	return nil
}

// benchImportRun migrates the empty database at dbURL, copies the CSV raw into it, then imports the
// dataset, and returns both times and the raw COPY's row count.
func benchImportRun(ctx context.Context, env *environment, dbURL, csvPath string, opts ingest.Options) (copyTime, importTime time.Duration, rows int64, err error) {
	pool, err := migratedPool(ctx, dbURL)
	if err != nil {
		return 0, 0, 0, err
	}
	defer pool.Close()
	settle(ctx, pool)
	rows, copyTime, err = rawCopy(ctx, dbURL, csvPath)
	if err != nil {
		return 0, 0, 0, err
	}
	settle(ctx, pool)
	start := time.Now()
	res, err := ingest.NewImporter(pool, "KZ", env.log).Import(ctx, opts)
	importTime = time.Since(start)
	if err != nil {
		printImportResult(env.stdout, res)
		return 0, 0, 0, err
	}
	return copyTime, importTime, rows, nil
}

// settle writes the server's dirty pages out before a measurement, so that neither side pays for the
// other's writes. A role without the right to CHECKPOINT measures without it.
func settle(ctx context.Context, pool *pgxpool.Pool) {
	pool.Exec(ctx, "CHECKPOINT") //nolint:errcheck // best effort, see above
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
func createBenchDatabase(ctx context.Context, serverURL string, run int) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("parse database URL: %w", err)
	}
	name := fmt.Sprintf("ules_bench_%d_%d", time.Now().Unix(), run)
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

// resetPeakRSS starts peakRSSMiB's count over from the memory process ("self" or a pid) holds now (Linux
// 4.0 and later), so that a measurement's peak is its own; it says whether it could.
func resetPeakRSS(process string) bool {
	return os.WriteFile("/proc/"+process+"/clear_refs", []byte("5"), 0) == nil
}

// peakRSSMiB is the most memory process ("self" or a pid) held at once: since the last resetPeakRSS where
// Linux tells (VmHWM), since it started otherwise.
func peakRSSMiB(process string) float64 {
	if b, err := os.ReadFile("/proc/" + process + "/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				var kb float64
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err == nil {
					return kb / 1024
				}
			}
		}
	}
	if process != "self" {
		return 0
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

// childServer is a `ules serve` of the bench's own, so that what the server holds is measured apart from
// the clients and the bench.
type childServer struct {
	cmd    *exec.Cmd
	base   string
	stderr bytes.Buffer
	exited chan struct{} // closed when the process has ended
}

// startServer runs this executable's serve over dbURL on a free loopback port and waits until it is ready.
func startServer(ctx context.Context, dbURL string) (*childServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start a server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start a server: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return nil, fmt.Errorf("start a server: %w", err)
	}
	c := &childServer{base: "http://" + addr, exited: make(chan struct{})}
	c.cmd = exec.Command(self, "serve", "--addr", addr)
	c.cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ULES_LOG_LEVEL=warn")
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start a server: %w", err)
	}
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		req, err := http.NewRequestWithContext(ctx, "GET", c.base+"/readyz", nil)
		if err != nil {
			c.stop()
			return nil, err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-c.exited:
			return nil, fmt.Errorf("the server exited: %s", strings.TrimSpace(c.stderr.String()))
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("the server was not ready in 30 s: %s", strings.TrimSpace(c.stderr.String()))
		}
	}
}

func (c *childServer) pid() string { return strconv.Itoa(c.cmd.Process.Pid) }

// stop asks the server to shut down, and kills it if it has not within 15 s.
func (c *childServer) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// benchData is the database a read bench measures: a fresh one loaded with generated items, or with
// --reuse the one DATABASE_URL names.
type benchData struct {
	items       *int
	seed        *uint64
	reuse, keep *bool
	format      *string
}

func (d *benchData) bind(env *environment, fs *flag.FlagSet) {
	env.cfg.BindDatabase(fs)
	d.items = fs.Int("items", 1_000_000, "number of contract items to generate and import")
	d.seed = fs.Uint64("seed", demo.DefaultOptions().Seed, "dataset seed")
	d.reuse = fs.Bool("reuse", false, "measure the database as it is, loading nothing")
	d.keep = fs.Bool("keep", false, "keep the benchmark database (use it again with --reuse)")
	d.format = fs.String("format", "portal", "format the generated items are imported from: portal, csv or ocds (csv and ocds load every item directly; a portal export larger than the loader keeps in memory is partly staged, which is slower to load)")
}

func (d *benchData) check() error {
	if !slices.Contains([]string{"portal", "csv", "ocds"}, *d.format) {
		return fmt.Errorf("--format %q: want portal, csv or ocds (the format the generated items are imported from)", *d.format)
	}
	if *d.items < 1 {
		return errors.New("--items must be at least 1")
	}
	return nil
}

// open connects to the database to measure, creating and loading it first unless --reuse; done closes
// the pool and drops a database created without --keep.
func (d *benchData) open(ctx context.Context, env *environment) (pool *pgxpool.Pool, done func(), err error) {
	if env.cfg.DatabaseURL == "" {
		return nil, nil, errors.New("no database server: set DATABASE_URL or pass --database-url")
	}
	dbURL, drop := env.cfg.DatabaseURL, func() {}
	if !*d.reuse {
		url, dropCreated, err := createBenchDatabase(ctx, env.cfg.DatabaseURL, 0)
		if err != nil {
			return nil, nil, err
		}
		if !*d.keep {
			drop = dropCreated
		}
		dbURL = url
		if err := loadBenchItems(ctx, env, dbURL, *d.format, *d.items, *d.seed); err != nil {
			drop()
			return nil, nil, err
		}
		if *d.keep {
			fmt.Fprintf(env.stdout, "kept database %s\n", dbURL)
		}
	}
	if pool, err = database.Open(ctx, dbURL); err != nil {
		drop()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); drop() }, nil
}
