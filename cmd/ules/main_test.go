package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// asMain, set in a test's environment, makes this test binary run as ules: bench query starts a `ules serve`
// of its own from its executable, which in a test is this binary.
const asMain = "ULES_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, nil, "--help")
	require.Equal(t, 0, code)
	for _, f := range ingest.Formats {
		require.Contains(t, out, f, "the help lists every import format")
	}
	code, _, stderr := runCLI(t, nil)
	require.Equal(t, 2, code, "no command is a usage error")
	require.Contains(t, stderr, "Usage: ules <command>")
	for _, c := range commands() {
		require.Contains(t, out, c.name)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, _ := runCLI(t, nil, c.name, "--help")
			require.Equal(t, 0, code)
			require.True(t, strings.HasPrefix(out, "Usage: ules "+c.name), out)
			require.Contains(t, out, "Flags:")
			// The flag package takes a back-quoted word of a usage for the argument's name: "-target ules".
			require.NotRegexp(t, `(?m)^\s+-[\w-]+ ules\b`, out)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{nil, 2, "want a command"},
		{[]string{"import", "some-dir"}, 1, "want --format and at least one PATH"},
		{[]string{"import", "--format", "portal"}, 1, "want --format and at least one PATH"},
		{[]string{"import", "--format", "csv", "--max-errors", "-1", "x.csv"}, 1, "--max-errors -1: want 0 or more"},
		{[]string{"import", "--format", "csv", "--database-url", "postgres://u@h/d", "missing.csv"}, 1, "missing.csv: no such file or folder"},
		{[]string{"import", "--format", "portal", "--home-country", "Kazakhstan", "dir"}, 1, "not an ISO 3166 alpha-2 code"},
		{[]string{"import", "--max-errors", "many", "--format", "csv", "x.csv"}, 1, "invalid value"},
		{[]string{"serve"}, 1, "DATABASE_URL"},
		{[]string{"demo", "--items", "0"}, 1, "--items must be at least 1"},
		{[]string{"demo", "extra"}, 1, `unexpected argument "extra"`},
		{[]string{"serve", "extra"}, 1, `unexpected argument "extra"`},
		{[]string{"portal", "fetch", "--out", "x"}, 1, "want --token-file and --out"},
		{[]string{"portal", "sync", "--database-url", "postgres://u@h/d", "--token-file", "t"}, 1, "want --token-file and --out"},
		{[]string{"migrate", "up"}, 1, `unexpected argument "up"`},
		{[]string{"template", "out.csv"}, 1, `unexpected argument "out.csv"`},
		{[]string{"bench"}, 1, "want a benchmark name"},
		{[]string{"bench", "import", "--runs", "0"}, 1, "--runs must be at least 1"},
		{[]string{"bench", "import", "--items", "0"}, 1, "--items must be at least 1"},
		{[]string{"bench", "import", "--format", "xml"}, 1, `unknown --format "xml"`},
		{[]string{"bench", "query", "--format", "xml"}, 1, `--format "xml": want portal, csv or ocds`},
		{[]string{"bench", "report", "--format", "xml"}, 1, `--format "xml": want portal, csv or ocds`},
		{[]string{"bench", "report", "--items", "0"}, 1, "--items must be at least 1"},
		{[]string{"bench", "report", "--repeat", "0"}, 1, "--repeat must be at least 1"},
		{[]string{"bench", "report", "--lang", "de"}, 1, `--lang "de": want kk, ru or en`},
		{[]string{"bench", "report", "--period", "2026-Q5"}, 1, "--period: period \"2026-Q5\""},
		{[]string{"bench", "report", "stray"}, 1, `unexpected argument "stray"`},
		{[]string{"report"}, 1, "want --target, --period and --out"},
		{[]string{"report", "--target", "t", "--period", "2026-Q5", "--out", "r.pdf"}, 1, `--period: period "2026-Q5": want a year (2026), a quarter (2026-Q3)`},
		{[]string{"report", "--target", "t", "--period", "2026-06-30..2026-01-01", "--out", "r.pdf"}, 1, "ends before it starts"},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.doc"}, 1, `--format "doc": want xlsx, pdf or csv`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.pdf", "--lang", "de"}, 1, `--lang "de": want kk, ru or en`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv", "--separator", "|"}, 1, `--separator "|": want ',' or ';'`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv", "--decimal-comma"}, 1, "--decimal-comma needs --separator ';'"},
		{[]string{"report", "--target", "t", "--period", "2026", "--format", "pdf", "--out", "r.csv"}, 1, "--format pdf but --out r.csv ends in .csv"},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv", "--region", "Almaty"}, 1, `--region "Almaty": want a two-digit KATO code`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv", "--as-of", "today"}, 1, `--as-of "today": want a date`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv", "extra"}, 1, `unexpected argument "extra"`},
		{[]string{"report", "--target", "t", "--period", "2026", "--out", "r.csv"}, 1, "DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, nil, tt.args...)
			require.Equal(t, tt.code, code)
			require.Contains(t, stderr, tt.stderr)
		})
	}
}

// A port in use is an error that says so, before any line claims the server is serving.
func TestServeOnAPortInUse(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	code, _, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "serve", "--addr", busy.Addr().String())
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "is another server using the port? choose one with --addr")
	require.NotContains(t, stderr, "msg=serving")
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	_, err = pool.Exec(context.Background(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	pool.Close()
	require.NoError(t, err)

	code, _, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "serve", "--addr", "127.0.0.1:0")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "run `ules migrate`")

	code, out, _ := runCLI(t, map[string]string{"DATABASE_URL": url}, "migrate")
	require.Equal(t, 0, code, out)
	require.Regexp(t, `^applied [1-9][0-9]* migration\(s\)`, out)
}

func TestDemoLoadsOnceIntoEmptyDatabase(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	code, out, stderr := runCLI(t, env, "demo", "--if-empty", "--items", "2000")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "committed")
	require.Contains(t, out, "0 rejected")

	require.Contains(t, out, "demo targets: 3 created")
	code, out, _ = runCLI(t, env, "target", "list", "--as-of", "2026-06-30")
	require.Equal(t, 0, code)
	for _, slug := range []string{"school-uniforms-50", "workwear-national-companies-40", "footwear-30", "school-uniforms-east-ramp"} {
		require.Contains(t, out, slug)
	}
	code, out, _ = runCLI(t, env, "target", "show", "school-uniforms-50", "--as-of", "2026-03-31")
	require.Equal(t, 0, code)
	require.Regexp(t, `projected\s+[0-9]+\.[0-9] % on 2026-12-31 \(from the same months of earlier years\)`, out,
		"ten years of demo purchases make the projection seasonal")

	code, out, _ = runCLI(t, env, "demo", "--if-empty")
	require.Equal(t, 0, code)
	require.Contains(t, out, "already holds contracts")

	code, out, stderr = runCLI(t, env, "import", "--format", "csv", "../../docs/examples/items.csv")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "4 records read; 7 rows written")
}

func TestPrintImportResult(t *testing.T) {
	tests := []struct {
		name string
		res  ingest.Result
		want string
	}{
		{"nothing removed", ingest.Result{BatchID: 3, Status: "committed", Read: 2, Loaded: 5, Unchanged: 1, Replaced: 1},
			"batch 3 committed: 2 records read; 5 rows written, 1 unchanged, 1 replaced by a newer version; 0 rejected\n"},
		{"items removed", ingest.Result{BatchID: 4, Status: "committed", Read: 1, Loaded: 3, Replaced: 1, Removed: 2},
			"batch 4 committed: 1 record read; 3 rows written, 0 unchanged, 1 replaced by a newer version, 2 items a newer version no longer lists removed; 0 rejected\n"},
		{"records skipped", ingest.Result{BatchID: 5, Status: "committed", Read: 3, Skipped: []ingest.Skip{{Reason: "contracts whose status \"x\" is not in the OCDS codelist", Count: 3}}},
			"batch 5 committed: 3 records read; 0 rows written, 0 unchanged, 0 replaced by a newer version; 0 rejected\n  3 skipped: contracts whose status \"x\" is not in the OCDS codelist\n"},
		{"no batch", ingest.Result{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			printImportResult(&b, tt.res)
			require.Equal(t, tt.want, b.String())
		})
	}
}

// The demo's producers hold ST-KZ certificates: each stored item of a holder gets the local content of the
// certificate that covers its product on its signing day, and every other item none.
func TestDemoCertifiesLocalContent(t *testing.T) {
	t.Parallel()
	pool, url := pgtest.NewDB(t)
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "demo", "--items", "3000", "--seed", "5")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `batch 2 committed: [1-9][0-9]* records read`, out)

	certs, err := demo.Certificates(demo.Options{Seed: 5, Items: 3000})
	require.NoError(t, err)
	type key struct {
		bin  string
		year int
	}
	byHolder := map[key][]demo.Certificate{}
	for _, c := range certs {
		byHolder[key{c.BIN, c.Issued.Year()}] = append(byHolder[key{c.BIN, c.Issued.Year()}], c)
	}
	rows, err := pool.Query(context.Background(), `
		SELECT coalesce(s.bin, ''), i.enstru_code, i.signed_on, i.local_content_certified_bp
		FROM contract_items i JOIN contracts k ON k.id = i.contract_id JOIN suppliers s ON s.id = k.supplier_id`)
	require.NoError(t, err)
	defer rows.Close()
	certified, items := 0, 0
	for rows.Next() {
		var bin, enstru string
		var signed time.Time
		var got *int32
		require.NoError(t, rows.Scan(&bin, &enstru, &signed, &got))
		items++
		var want *int32
		for _, c := range byHolder[key{bin, signed.Year()}] {
			if strings.HasPrefix(strings.ReplaceAll(enstru, ".", ""), c.ENSTRUPrefix) {
				want = new(int32(c.LocalContentBP))
			}
		}
		require.Equal(t, want, got, "%s %s %s", bin, enstru, signed.Format(time.DateOnly))
		if got != nil {
			certified++
		}
	}
	require.NoError(t, rows.Err())
	require.Positive(t, certified)
	require.Less(t, certified, items)
}

// Flags may stand before, between or after the paths, as a shell glob leaves them.
func TestImportArgumentsInAnyOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args      []string
		paths     []string
		format    string
		maxErrors int64
	}{
		{[]string{"--format", "ocds", "a.json", "b.json"}, []string{"a.json", "b.json"}, "ocds", 0},
		{[]string{"a.json", "--format", "ocds", "b.json", "--max-errors", "3", "c.json"}, []string{"a.json", "b.json", "c.json"}, "ocds", 3},
		{[]string{"a.json", "b.json", "--format=csv"}, []string{"a.json", "b.json"}, "csv", 0},
		{[]string{"--format", "csv", "--", "-odd.csv", "--max-errors"}, []string{"-odd.csv", "--max-errors"}, "csv", 0},
	} {
		fs := flag.NewFlagSet("import", flag.ContinueOnError)
		format := fs.String("format", "", "")
		maxErrors := fs.Int64("max-errors", 0, "")
		paths, err := parseInterleaved(fs, tc.args)
		require.NoError(t, err, tc.args)
		require.Equal(t, tc.paths, paths, tc.args)
		require.Equal(t, tc.format, *format, tc.args)
		require.Equal(t, tc.maxErrors, *maxErrors, tc.args)
	}
}

// ules import takes several files in one import, a flag after them too.
func TestImportSeveralFiles(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	dir := t.TempDir()
	header := "contract_id,signed_on,buyer_bin,supplier_id,item_id,value\n"
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(a, []byte(header+"C-1,2016-08-01,100140000001,100240000003,1,100\n"), 0o600))
	require.NoError(t, os.WriteFile(b, []byte(header+"C-2,2016-08-01,100140000001,100240000003,1,200\n"), 0o600))
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "import", a, b, "--format", "csv")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "committed: 2 records read")
}

func TestPasswordNeverPrinted(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://ules:s3cret@127.0.0.1:1/ules?connect_timeout=1"}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{{c.name, "--help"}, {c.name, "--no-such-flag"}} {
				_, out, stderr := runCLI(t, env, args...)
				require.NotContains(t, out+stderr, "s3cret", args)
			}
		})
	}
	code, _, stderr := runCLI(t, env, "migrate")
	require.Equal(t, 1, code)
	require.NotContains(t, stderr, "s3cret")
}

// The demo's register lists its producers with their regions and capacities that their busiest year, as
// the figures count it, used 50-60% of: "who could supply" has idle capacity to show.
func TestDemoRegistersProducers(t *testing.T) {
	t.Parallel()
	pool, url := pgtest.NewDB(t)
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "demo", "--items", "3000", "--seed", "5")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `batch 3 committed: [1-9][0-9]* records read`, out)

	var entries, placed int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*), count(region) FROM producer_register`).Scan(&entries, &placed))
	require.Positive(t, entries)
	require.Equal(t, entries, placed, "every demo entry says where its producer is")

	rows, err := pool.Query(context.Background(), `
		WITH yearly AS (
		    SELECT s.bin, i.category_id, extract(year FROM i.signed_on) AS year, sum(i.quantity) AS quantity
		    FROM counted_items i JOIN suppliers s ON s.id = i.supplier_id
		    GROUP BY 1, 2, 3
		)
		SELECT r.bin, c.slug, (max(y.quantity) / r.capacity)::float8
		FROM producer_register r
		JOIN categories c ON c.id = r.category_id
		JOIN yearly y ON y.bin = r.bin AND y.category_id = r.category_id
		GROUP BY r.bin, c.slug, r.capacity`)
	require.NoError(t, err)
	defer rows.Close()
	busiest := 0.0
	for rows.Next() {
		var bin, category string
		var load float64
		require.NoError(t, rows.Scan(&bin, &category, &load))
		require.LessOrEqual(t, load, 0.60, "%s in %s", bin, category)
		busiest = max(busiest, load)
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, busiest, 0.45, "some producer runs near the 50-60%% the register was sized for")
}
