package ingest_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/ingest"
)

// The template documents every column of the canonical import, in its order, in three languages.
func TestTemplateColumnsDocumented(t *testing.T) {
	t.Parallel()
	names := make([]string, len(ingest.TemplateColumns))
	var required []string
	for i, c := range ingest.TemplateColumns {
		names[i] = c.Name
		if c.Required {
			required = append(required, c.Name)
		}
		require.NotEmpty(t, c.EN, c.Name)
		require.NotEmpty(t, c.RU, c.Name)
		require.NotEmpty(t, c.KK, c.Name)
	}
	require.Equal(t, ingest.CSVColumns, names)
	require.Equal(t, []string{"contract_id", "signed_on", "buyer_bin", "supplier_id", "value"}, required)
}

// A template written with its example row, then imported unchanged, stores the example row: it is why the
// row is only there on request, and named EXAMPLE-DELETE-ME.
func TestTemplateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, format := range ingest.TemplateFormats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			require.NoError(t, ingest.WriteTemplate(&buf, format, true))
			path := filepath.Join(t.TempDir(), "template."+format)
			writeFile(t, path, buf.String())

			e := setup(t)
			res, err := e.importFormat(t, format, path, 0)
			require.NoError(t, err, "errors: %v", res.Errors)
			require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 2}, res)
			require.Equal(t, []itemRow{{
				Contract: "EXAMPLE-DELETE-ME", Item: "1", SignedOn: "2026-08-01", Enstru: "141311.100.000001",
				Name: "Школьная форма для девочек", NameKK: "Қыздарға арналған мектеп формасы", Quantity: "200",
				UnitPrice: i8(1500000), Value: 300000000, ValueAlt: i8(267857143), LocalBp: i4(8450),
				LocalValue: 253500000, KATO: "751110000", Region: "75", Category: "school-uniforms", Tier: 1,
				TierRule: "portal_flag", SupplierIdent: "100240000003",
			}}, e.items(t))
			c := e.contracts(t)
			require.Len(t, c, 1)
			require.Equal(t, contractRow{SourceID: "EXAMPLE-DELETE-ME", Source: "csv", Buyer: "100140000001",
				Supplier: "100240000003", SignedOn: "2026-08-01", FiscalYear: i4(2026), Method: "открытый конкурс",
				Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 300000000, LocalBp: i4(8450),
				Description: "ПРИМЕР / EXAMPLE: удалите эту строку перед импортом, delete this row", UpdatedAt: "2026-08-02 10:00:00"}, c[0])
		})
	}
}

func TestTemplateWorkbook(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, ingest.WriteTemplate(&buf, "xlsx", true))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"items", "columns"}, f.GetSheetList())

	rows, err := f.GetRows("items")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, ingest.CSVColumns, rows[0])
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
	for i, c := range ingest.TemplateColumns {
		require.Equal(t, c.Name, cols[i+1][0])
		require.Equal(t, []string{c.EN, c.RU, c.KK}, cols[i+1][2:5])
	}

	var csvBuf bytes.Buffer
	require.NoError(t, ingest.WriteTemplate(&csvBuf, "csv", true))
	lines := strings.Split(strings.TrimSuffix(csvBuf.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	require.Equal(t, "\ufeff"+strings.Join(ingest.CSVColumns, ","), lines[0])
	require.True(t, strings.HasPrefix(lines[1], "EXAMPLE-DELETE-ME,"), lines[1])

	require.ErrorContains(t, ingest.WriteTemplate(&buf, "ods", false), `unknown template format "ods"`)
}

// By default the template is its header alone: nothing in it becomes a contract.
func TestTemplateHeadersOnly(t *testing.T) {
	t.Parallel()
	for _, format := range ingest.TemplateFormats {
		var buf bytes.Buffer
		require.NoError(t, ingest.WriteTemplate(&buf, format, false))
		path := filepath.Join(t.TempDir(), "template."+format)
		writeFile(t, path, buf.String())
		e := setup(t)
		res, err := e.importFormat(t, format, path, 0)
		require.NoError(t, err, format)
		require.Zero(t, res.Read, format)
		require.Empty(t, e.contracts(t), format)
	}
}
