package main

import (
	"context"
	"os"
	"regexp"
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
