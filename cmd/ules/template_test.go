package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
)

// ules template writes a file that ules import takes as it is.
func TestTemplateCommandRoundTrip(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	dir := t.TempDir()

	xlsx := filepath.Join(dir, "template.xlsx")
	code, out, stderr := runCLI(t, nil, "template", "--out", xlsx, "--example")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "wrote the xlsx template to "+xlsx+"\n", out)
	code, out, stderr = runCLI(t, env, "import", "--format", "xlsx", xlsx)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "committed: 1 record read; 2 rows written, 0 unchanged")

	// The CSV template goes to standard output by default, its header alone.
	code, out, _ = runCLI(t, nil, "template")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "\ufeffcontract_id,signed_on,"), out)
	require.Equal(t, 1, strings.Count(out, "\n"), "no example row unless asked")
	// With --example it holds the same row as the workbook, so it changes nothing.
	csvPath := filepath.Join(dir, "template.csv")
	code, _, _ = runCLI(t, nil, "template", "--format", "csv", "--out", csvPath, "--example")
	require.Equal(t, 0, code)
	code, out, stderr = runCLI(t, env, "import", "--format", "csv", csvPath)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "committed: 1 record read; 0 rows written, 2 unchanged")

	code, _, stderr = runCLI(t, nil, "template", "--format", "ods")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `unknown template format "ods"`)
	code, _, stderr = runCLI(t, nil, "template", "extra")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `unexpected argument "extra"`)
}
