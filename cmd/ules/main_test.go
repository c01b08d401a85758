package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

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
	for _, c := range commands() {
		require.Contains(t, out, c.name)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, out, _ := runCLI(t, nil, c.name, "--help")
			require.Equal(t, 0, code)
			require.True(t, strings.HasPrefix(out, "Usage: ules "+c.name), out)
			require.Contains(t, out, "Flags:")
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
		{[]string{"import", "some-dir"}, 1, "want --format and exactly one PATH"},
		{[]string{"import", "--format", "portal"}, 1, "want --format and exactly one PATH"},
		{[]string{"import", "--format", "portal", "--home-country", "Kazakhstan", "dir"}, 1, "not an ISO 3166 alpha-2 code"},
		{[]string{"import", "--max-errors", "many", "--format", "csv", "x.csv"}, 1, "invalid value"},
		{[]string{"serve"}, 1, "DATABASE_URL"},
		{[]string{"demo", "--items", "0"}, 1, "--items must be at least 1"},
		{[]string{"demo", "extra"}, 1, `unexpected argument "extra"`},
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

	code, out, _ = runCLI(t, env, "demo", "--if-empty")
	require.Equal(t, 0, code)
	require.Contains(t, out, "already holds contracts")

	code, out, stderr = runCLI(t, env, "import", "--format", "csv", "../../docs/examples/items.csv")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "4 records read, 7 written")
}

func TestPrintImportResult(t *testing.T) {
	tests := []struct {
		name string
		res  ingest.Result
		want string
	}{
		{"nothing removed", ingest.Result{BatchID: 3, Status: "committed", Read: 2, Loaded: 5, Unchanged: 1, Replaced: 1},
			"batch 3 committed: 2 records read, 5 written, 1 unchanged, 1 contracts replaced, 0 rejected\n"},
		{"items removed", ingest.Result{BatchID: 4, Status: "committed", Read: 1, Loaded: 3, Replaced: 1, Removed: 2},
			"batch 4 committed: 1 records read, 3 written, 0 unchanged, 1 contracts replaced, 2 items they no longer list removed, 0 rejected\n"},
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
