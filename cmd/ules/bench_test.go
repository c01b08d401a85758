package main

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
)

// The import bench measures each side --runs times, reports every run's ratio and their median, and
// leaves no database behind.
func TestBenchImportReportsEveryRun(t *testing.T) {
	admin := os.Getenv(pgtest.EnvURL)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", pgtest.EnvURL)
	}
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": admin},
		"bench", "import", "--items", "300", "--runs", "3", "--format", "csv")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "items:          300 (csv format, seed 1), medians of 3 runs")
	m := regexp.MustCompile(`ratio: +(\d+\.\d{3}) \(each run: (\d+\.\d{3}) (\d+\.\d{3}) (\d+\.\d{3})\)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	runs := []string{m[2], m[3], m[4]}
	require.Contains(t, runs, m[1], "the ratio is one of the runs'")

	conn, err := pgx.Connect(context.Background(), admin)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var left int
	require.NoError(t, conn.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_database WHERE datname LIKE 'ules\\_bench\\_%'").Scan(&left))
	require.Zero(t, left, "every run's database is dropped")
}

// The report bench loads a small dataset into a database of its own, measures a target's yearly report in
// every format and leaves no database behind.
func TestBenchReportSmoke(t *testing.T) {
	admin := os.Getenv(pgtest.EnvURL)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", pgtest.EnvURL)
	}
	conn, err := pgx.Connect(context.Background(), admin)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	// Another benchmark may be running on the same server: only a database this one made must be gone.
	benchDatabases := func() []string {
		rows, err := conn.Query(context.Background(), "SELECT datname FROM pg_database WHERE datname LIKE 'ules\\_bench\\_%'")
		require.NoError(t, err)
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return names
	}
	before := benchDatabases()
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": admin},
		"bench", "report", "--items", "3000", "--repeat", "2", "--format", "csv", "--lang", "kk")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `items: 3000; target school-uniforms-50, period \d{4} `, out)
	require.Regexp(t, `figures \(read\) +\d`, out)
	for _, format := range []string{"xlsx", "pdf", "csv"} {
		require.Regexp(t, format+` \(read and write\) +\d+(\.\d+)?m?s +\d+(\.\d+)?m?s +\d+\.\d KiB +p95 ≤ 2s at 10M items: not measured at 10M`, out)
	}
	require.Contains(t, out, "peak RSS:")

	require.Subset(t, before, benchDatabases(), "the benchmark's database is dropped")
}

// The query bench measures every query, the progress API and two downloads from a server of its own at a
// small size, and leaves neither a database nor the server behind.
func TestBenchQuerySmoke(t *testing.T) {
	admin := os.Getenv(pgtest.EnvURL)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", pgtest.EnvURL)
	}
	t.Setenv(asMain, "1")
	code, out, stderr := runCLI(t, map[string]string{"DATABASE_URL": admin},
		"bench", "query", "--items", "2000", "--repeat", "2", "--clients", "4", "--duration", "300ms")
	require.Equal(t, 0, code, stderr)
	for _, query := range []string{"overview's queries, in turn", "target progress", "explorer by buyer",
		"target page, whole", "overview page, after a change", "overview page, at a change"} {
		require.Regexp(t, query+` +\d+\.\d ms +\d+\.\d ms`, out)
	}
	require.Regexp(t, `progress API: \d+ requests/s with 4 clients for 300ms, 0 errors`, out)
	m := regexp.MustCompile(`CSV download, (\d{4}): (\d+) rows in .*the server's peak RSS during the download (\d+\.\d) MiB`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	all := regexp.MustCompile(`CSV download, everything: (\d+) rows in .*the server's peak RSS during the download (\d+\.\d) MiB`).FindStringSubmatch(out)
	require.NotNil(t, all, out)
	year, _ := strconv.Atoi(m[2])
	everything, _ := strconv.Atoi(all[1])
	require.Positive(t, year)
	require.Less(t, year, everything, "a year is part of everything")
	require.LessOrEqual(t, everything, 2000, "every counted item once")
	rss, _ := strconv.ParseFloat(all[2], 64)
	require.Positive(t, rss, "the server's memory is read")
}
