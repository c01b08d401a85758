package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// runBenchQuery measures what the pages and the API ask of the database, at a size of data, next to a
// naive GROUP BY over the raw items of the same filter.
func runBenchQuery(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "bench", "query [flags]",
		`Loads N generated items into a fresh database (or, with --reuse, uses the database DATABASE_URL names
as it is) and measures, in one run: p50 and p95 of the overview's, a target's and the explorer's queries
next to a naive GROUP BY over the raw items of the same filter; the whole target page; the progress API's
requests per second with --clients concurrent clients on loopback; and the CSV download's rows per second
and the peak memory of the server it runs for the download (a `+"`ules serve`"+` of its own).`)
	var data benchData
	data.bind(env, fs)
	repeat := fs.Int("repeat", 20, "runs of each query; p50 and p95 are over these")
	clients := fs.Int("clients", 32, "concurrent clients of the progress API")
	duration := fs.Duration("duration", 5*time.Second, "how long the clients of the progress API run")
	target := fs.String("target", "school-uniforms-50", "the target whose page and API are measured")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := data.check(); err != nil {
		return err
	}
	if *repeat < 2 || *clients < 1 {
		return errors.New("--repeat must be at least 2 and --clients at least 1")
	}
	pool, done, err := data.open(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	return measureQueries(ctx, env, pool, queryBench{repeat: *repeat, clients: *clients, duration: *duration, target: *target})
}

// loadBenchItems generates n items in format, imports them and applies the demo's targets.
func loadBenchItems(ctx context.Context, env *environment, dbURL, format string, n int, seed uint64) error {
	dir, err := os.MkdirTemp("", "ules-bench-query-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts := demo.DefaultOptions()
	opts.Items, opts.Seed = n, seed
	path := filepath.Join(dir, format)
	if format != "portal" {
		path += "." + format
	}
	if err := generateWithBar(ctx, env, format, path, opts); err != nil {
		return err
	}
	pool, err := migratedPool(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	bar, progress := newImportBar(env.stderr, "importing")
	start := time.Now()
	res, err := ingest.NewImporter(pool, "KZ", env.log).Import(ctx, ingest.Options{Format: format, Path: path,
		CreatedBy: "bench", Progress: progress})
	bar.Finish() //nolint:errcheck
	if err != nil {
		printImportResult(env.stdout, res)
		return err
	}
	fmt.Fprintf(env.stdout, "loaded %d items in %s\n", n, time.Since(start).Round(time.Second))
	saved := env.cfg.DatabaseURL
	env.cfg.DatabaseURL = dbURL
	defer func() { env.cfg.DatabaseURL = saved }()
	return applyDemoTargets(ctx, env)
}

type queryBench struct {
	repeat, clients int
	duration        time.Duration
	target          string
}

// timing is one measured query: p50 and p95 of its runs, and of the naive query of the same filter.
type timing struct {
	name             string
	p50, p95         time.Duration
	naive50, naive95 time.Duration
	goal             string
}

func percentiles(runs []time.Duration) (p50, p95 time.Duration) {
	s := slices.Clone(runs)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, (len(s)*95+99)/100-1)]
}

// measure runs fn once to warm up, then repeat times.
func measure(ctx context.Context, repeat int, fn func(context.Context) error) (p50, p95 time.Duration, err error) {
	return measureAfter(ctx, repeat, nil, fn)
}

// measureAfter is measure with prepare, untimed, before each run of fn.
func measureAfter(ctx context.Context, repeat int, prepare, fn func(context.Context) error) (p50, p95 time.Duration, err error) {
	if err := fn(ctx); err != nil {
		return 0, 0, err
	}
	runs := make([]time.Duration, repeat)
	for i := range runs {
		if prepare != nil {
			if err := prepare(ctx); err != nil {
				return 0, 0, err
			}
		}
		start := time.Now()
		if err := fn(ctx); err != nil {
			return 0, 0, err
		}
		runs[i] = time.Since(start)
	}
	p50, p95 = percentiles(runs)
	return p50, p95, nil
}

// naiveFigures is the GROUP BY a first version would write: the raw items of a category and period,
// joined to their contracts and buyers, grouped, with no regard for what counts.
const naiveFigures = `SELECT %s AS key, sum(i.value), sum(i.value) FILTER (WHERE i.tier = 1), count(*)
FROM contract_items i JOIN contracts c ON c.id = i.contract_id JOIN buyers b ON b.id = c.buyer_id
JOIN suppliers s ON s.id = c.supplier_id
WHERE i.category_id = (SELECT id FROM categories WHERE slug = $1) AND i.signed_on BETWEEN $2 AND $3
GROUP BY 1`

var naiveKeys = map[string]string{"": "''", "category": "i.category_id::text", "region": "i.region", "buyer": "b.bin",
	"buyer_type": "b.buyer_type", "supplier": "s.identifier", "method": "c.method", "tier": "i.tier::text",
	"month": "to_char(i.signed_on, 'YYYY-MM')", "year": "to_char(i.signed_on, 'YYYY')"}

func naive(pool *pgxpool.Pool, scope share.Scope, groupBy string) func(context.Context) error {
	return func(ctx context.Context) error {
		rows, err := pool.Query(ctx, fmt.Sprintf(naiveFigures, naiveKeys[groupBy]), scope.Category, scope.From, scope.To)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		return rows.Err()
	}
}

func measureQueries(ctx context.Context, env *environment, pool *pgxpool.Pool, b queryBench) error {
	s := store.New()
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM contract_items").Scan(&n); err != nil {
		return err
	}
	var last time.Time
	if err := pool.QueryRow(ctx, "SELECT max(signed_on) FROM contracts").Scan(&last); err != nil {
		return fmt.Errorf("the database holds no contracts: %w", err)
	}
	asOf := last
	t, err := s.TargetGetBySlug(ctx, pool, b.target)
	if err != nil {
		return err
	}
	year := share.Scope{Filter: share.Filter{Category: t.Category}, From: time.Date(asOf.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(asOf.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC)}
	fmt.Fprintf(env.stdout, "items: %d, as of %s, explorer over %s %d\n\n", n, asOf.Format(time.DateOnly), t.Category, year.From.Year())

	var results []timing
	add := func(name, goal string, fn, naiveFn func(context.Context) error) error {
		r := timing{name: name, goal: goal}
		var err error
		if r.p50, r.p95, err = measure(ctx, b.repeat, fn); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if naiveFn != nil {
			if r.naive50, r.naive95, err = measure(ctx, b.repeat, naiveFn); err != nil {
				return fmt.Errorf("%s, naive: %w", name, err)
			}
		}
		results = append(results, r)
		return nil
	}
	overview := func(ctx context.Context) error {
		targets, err := s.TargetList(ctx, pool)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if _, err := s.TargetProgress(ctx, pool, t, asOf); err != nil {
				return err
			}
		}
		return nil
	}
	from, to, _ := t.Window(asOf)
	progressScope := share.Scope{Filter: t.Filter, From: from, To: to}
	// The overview's figures one target after another, as a reader without the server would wait for them;
	// the server measures targets side by side and keeps the page, which the page rows below time.
	if err := add("overview's queries, in turn", "-", overview, nil); err != nil {
		return err
	}
	if err := add("target progress", "p95 ≤ 20 ms", func(ctx context.Context) error {
		_, err := s.TargetProgress(ctx, pool, t, asOf)
		return err
	}, naive(pool, progressScope, "month")); err != nil {
		return err
	}
	for _, g := range append([]string{""}, share.GroupBy...) {
		name := "explorer, whole filter"
		if g != "" {
			name = "explorer by " + g
		}
		if err := add(name, "p95 ≤ 300 ms", func(ctx context.Context) error {
			_, _, err := s.SharesGet(ctx, pool, year, g)
			return err
		}, naive(pool, year, g)); err != nil {
			return err
		}
	}

	app, err := httpapi.New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return asOf })
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	defer app.Shutdown() //nolint:errcheck
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: b.clients}, Timeout: time.Minute}
	get := func(ctx context.Context, url string) (int64, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var lines int64
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines++
		}
		if resp.StatusCode != 200 {
			return lines, fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return lines, sc.Err()
	}
	page := base + "/targets/" + t.Slug + "?as_of=" + asOf.Format(time.DateOnly)
	getPage := func(ctx context.Context) error {
		_, err := get(ctx, page)
		return err
	}
	if err := add("target page, whole", "p95 ≤ 100 ms", getPage, nil); err != nil {
		return err
	}
	// The server keeps a page until the figures change; these are the pages as the first reader after an
	// import sees them. The notification an import sends, then, untimed, a pause for the server to hear it
	// (and measure the overview itself, which it does after every change, and the target pages once the
	// figures have stood for a second), or none: a reader at the very moment of the change, who may have to
	// measure the overview alongside the server.
	changed := func(pause time.Duration) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			if _, err := pool.Exec(ctx, "SELECT pg_notify('ules_figures', '')"); err != nil {
				return err
			}
			time.Sleep(pause)
			return nil
		}
	}
	for _, cold := range []struct {
		name, goal, url string
		pause           time.Duration
	}{
		{"target page, after a change", "-", page, 200 * time.Millisecond},
		// The server measures target pages itself once the figures have stood for a second.
		{"target page, 3 s after a change", "-", page, 3 * time.Second},
		{"overview page, after a change", "p95 ≤ 20 ms", base + "/", 200 * time.Millisecond}, // as of the data's last day
		{"overview page, at a change", "p95 ≤ 20 ms", base + "/", 0},
	} {
		r := timing{name: cold.name, goal: cold.goal}
		fn := func(ctx context.Context) error {
			_, err := get(ctx, cold.url)
			return err
		}
		if r.p50, r.p95, err = measureAfter(ctx, b.repeat, changed(cold.pause), fn); err != nil {
			return fmt.Errorf("%s: %w", cold.name, err)
		}
		results = append(results, r)
	}

	w := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "query\tp50\tp95\tnaive p50\tnaive p95\tgoal\t")
	for _, r := range results {
		n50, n95 := "-", "-"
		if r.naive50 > 0 {
			n50, n95 = ms(r.naive50), ms(r.naive95)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, ms(r.p50), ms(r.p95), n50, n95, r.goal)
	}
	if err := w.Flush(); err != nil {
		return err
	}

	// The progress API under load: clients ask as fast as they can for the duration.
	progressURL := base + "/api/v1/targets/" + t.Slug + "/progress?as_of=" + asOf.Format(time.DateOnly)
	var ok, failed atomic.Int64
	loadCtx, cancel := context.WithTimeout(ctx, b.duration)
	var wg sync.WaitGroup
	start := time.Now()
	for range b.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for loadCtx.Err() == nil {
				if _, err := get(loadCtx, progressURL); err != nil {
					if loadCtx.Err() == nil {
						failed.Add(1)
					}
					continue
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	cancel()
	elapsed := time.Since(start)
	fmt.Fprintf(env.stdout, "\nprogress API: %.0f requests/s with %d clients for %s, %d errors (goal ≥ 5,000/s, 0 errors)\n",
		float64(ok.Load())/elapsed.Seconds(), b.clients, b.duration, failed.Load())

	// The download of a year (about a tenth of the items), three times, and of everything, once, from a
	// server of its own whose peak memory is counted from each download's start; the client has no
	// timeout, as everything takes minutes.
	srv, err := startServer(ctx, pool.Config().ConnString())
	if err != nil {
		return err
	}
	defer srv.stop()
	client.Timeout = 0
	type download struct {
		name     string
		from, to time.Time
	}
	yearly := download{fmt.Sprintf("%d", year.From.Year()), year.From, year.To}
	for _, d := range []download{yearly, yearly, yearly, {"everything", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), asOf}} {
		url := srv.base + "/api/v1/items.csv?from=" + d.from.Format(time.DateOnly) + "&to=" + d.to.Format(time.DateOnly)
		since := "the server's peak RSS since it started"
		if resetPeakRSS(srv.pid()) {
			since = "the server's peak RSS during the download"
		}
		start = time.Now()
		lines, err := get(ctx, url)
		if err != nil {
			return err
		}
		elapsed = time.Since(start)
		fmt.Fprintf(env.stdout, "CSV download, %s: %d rows in %s, %.0f rows/s (goal ≥ 200,000/s); %s %.1f MiB (goal < 100 MiB)\n",
			d.name, lines-1, elapsed.Round(time.Millisecond), float64(lines-1)/elapsed.Seconds(), since, peakRSSMiB(srv.pid()))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
