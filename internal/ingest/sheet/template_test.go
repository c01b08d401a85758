package sheet_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// The template documents every column of the canonical import, in its order, in three languages.
func TestTemplateColumnsDocumented(t *testing.T) {
	t.Parallel()
	names := make([]string, len(sheet.TemplateColumns))
	var required []string
	for i, c := range sheet.TemplateColumns {
		names[i] = c.Name
		if c.Required {
			required = append(required, c.Name)
		}
		require.NotEmpty(t, c.EN, c.Name)
		require.NotEmpty(t, c.RU, c.Name)
		require.NotEmpty(t, c.KK, c.Name)
	}
	require.Equal(t, sheet.CSVColumns, names)
	require.Equal(t, []string{"contract_id", "signed_on", "buyer_bin", "supplier_id", "value"}, required)
}

func TestTemplateWorkbook(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, sheet.WriteTemplate(&buf, "xlsx", true))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"items", "columns"}, f.GetSheetList())

	rows, err := f.GetRows("items")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, sheet.CSVColumns, rows[0])
	style, err := f.GetCellStyle("items", "A1")
	require.NoError(t, err)
	s, err := f.GetStyle(style)
	require.NoError(t, err)
	require.True(t, s.Font.Bold)
	// Identifier columns are text, so a BIN typed later keeps its leading zeros.
	colStyle, err := f.GetColStyle("items", "C")
	require.NoError(t, err)
	s, err = f.GetStyle(colStyle)
	require.NoError(t, err)
	require.Equal(t, 49, s.NumFmt)
	width, err := f.GetColWidth("items", "E")
	require.NoError(t, err)
	require.Greater(t, width, 12.0)

	cols, err := f.GetRows("columns")
	require.NoError(t, err)
	require.Equal(t, "column / столбец / баған", cols[0][0])
	for i, c := range sheet.TemplateColumns {
		require.Equal(t, c.Name, cols[i+1][0])
		require.Equal(t, []string{c.EN, c.RU, c.KK}, cols[i+1][2:5])
	}

	var csvBuf bytes.Buffer
	require.NoError(t, sheet.WriteTemplate(&csvBuf, "csv", true))
	lines := strings.Split(strings.TrimSuffix(csvBuf.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	require.Equal(t, "\ufeff"+strings.Join(sheet.CSVColumns, ","), lines[0])
	require.True(t, strings.HasPrefix(lines[1], "EXAMPLE-DELETE-ME,"), lines[1])

	require.ErrorContains(t, sheet.WriteTemplate(&buf, "ods", false), `unknown template format "ods"`)
}
