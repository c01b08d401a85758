package ingest_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

// Several inputs, as a shell glob gives them, are one import: one batch, one transaction.
func TestImportSeveralPaths(t *testing.T) {
	t.Parallel()
	e := setup(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	writeFile(t, a, sheetHeader+sheetRow("C-1", "2016-08-01", "1", "751110000", "", 100))
	writeFile(t, b, sheetHeader+sheetRow("C-2", "2016-08-01", "1", "751110000", "", 200))

	res, err := e.im.Import(e.ctx, ingest.Options{Format: "auto", Paths: []string{a, b}})
	require.NoError(t, err)
	require.Equal(t, int64(2), res.Read)
	require.Len(t, e.contracts(t), 2)
	require.Equal(t, int64(30000), e.schoolUniforms2016(t).Total)
	var source string
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT source_name FROM import_batches WHERE id = $1", res.BatchID).Scan(&source))
	require.Equal(t, a+", "+b, source)

	// A bad row in the second file refuses both.
	writeFile(t, b, sheetHeader+sheetRow("C-3", "2016-08-01", "1", "991110000", "", 200))
	writeFile(t, a, sheetHeader+sheetRow("C-4", "2016-08-01", "1", "751110000", "", 100))
	_, err = e.im.Import(e.ctx, ingest.Options{Format: "csv", Paths: []string{a, b}})
	require.ErrorIs(t, err, ingest.ErrTooManyErrors)
	require.Len(t, e.contracts(t), 2)

	_, err = e.im.Import(e.ctx, ingest.Options{Format: "auto", Paths: []string{a, "testdata/portal-small"}})
	require.ErrorContains(t, err, "import inputs of one format at a time")
}
