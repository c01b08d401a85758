package ingest_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/ules-kz/ules/internal/ingest"
)

// A CSV saved by Excel in Russian or Kazakh is Windows-1251: it is read converted, and the import says so.
func TestSheetInWindows1251(t *testing.T) {
	t.Parallel()
	e := setup(t)
	text := sheetHeader + sheetRow("C-1", "2016-08-01", "1", "751110000", "Действует", 100)
	encoded, err := charmap.Windows1251.NewEncoder().String(text)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, encoded)

	res, err := e.importCSV(t, path, 0)
	require.NoError(t, err)
	require.Contains(t, fmt.Sprint(res.Skipped), "items.csv is not UTF-8: it was read as Windows-1251")
	items := e.items(t)
	require.Len(t, items, 1)
	require.Equal(t, "Школьная форма", items[0].Name)
	require.Equal(t, "190", e.contracts(t)[0].Status)
}

// A UTF-8 file with a line in another encoding past its first 64 KiB reports that line, never a database
// error.
func TestSheetLineNotUTF8(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var b strings.Builder
	b.WriteString(sheetHeader)
	n := 0
	for b.Len() < 70000 {
		n++
		b.WriteString(sheetRow(fmt.Sprintf("C-%d", n), "2016-08-01", "1", "751110000", "", 100))
	}
	bad, err := charmap.Windows1251.NewEncoder().String(sheetRow("C-bad", "2016-08-01", "1", "751110000", "", 100))
	require.NoError(t, err)
	b.WriteString(bad)
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, b.String())

	before := e.checksums(t)
	res, err := e.importCSV(t, path, 0)
	require.ErrorIs(t, err, ingest.ErrTooManyErrors)
	requireErrors(t, []ingest.RecordError{{Location: fmt.Sprintf("items.csv:%d", n+2), Reason: "the line is not UTF-8 text"}}, res.Errors)
	require.Equal(t, before, e.checksums(t))
}
