package ingest_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/ingest"
)

// writeXLSX writes rows to the first sheet of a new workbook; nil cells stay empty, a nil row is left out.
// Numbers become number cells and times date cells, as Excel stores them.
func writeXLSX(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &row))
	}
	require.NoError(t, f.SaveAs(path))
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// templateNumberColumns are the canonical template's numeric columns.
var templateNumberColumns = []string{"quantity", "unit_price", "value", "local_content_percent", "value_without_vat",
	"exchange_rate", "contract_total", "contract_local_content_percent", "fiscal_year", "supplier_domestic_producer",
	"supplier_resident", "deleted"}

// xlsxFromCSV turns a CSV file into the workbook a user would save from Excel: numbers in number cells, the
// signing and update dates in date cells on every other row (text on the others), identifiers as text.
func xlsxFromCSV(t *testing.T, csvPath, xlsxPath string) {
	t.Helper()
	f, err := os.Open(csvPath)
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	header := records[0]
	rows := [][]any{toAny(header)}
	for n, rec := range records[1:] {
		row := make([]any, len(rec))
		for i, text := range rec {
			row[i] = text
			switch col := header[i]; {
			case text == "":
				row[i] = nil
			case slices.Contains(templateNumberColumns, col):
				v, err := strconv.ParseFloat(text, 64)
				require.NoError(t, err, "%s %q", col, text)
				row[i] = v
			case (col == "signed_on" || col == "updated_at") && n%2 == 0:
				layout := time.DateOnly
				if col == "updated_at" {
					layout = time.DateTime
				}
				v, err := time.Parse(layout, text)
				require.NoError(t, err)
				row[i] = v
			}
		}
		rows = append(rows, row)
		if n == 3 {
			rows = append(rows, nil) // a blank row in the middle is skipped
		}
	}
	writeXLSX(t, xlsxPath, rows)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// storedDump lists everything the canonical import writes, one line per row, without generated ids.
func storedDump(t *testing.T, e env) []string {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT format('%s|%s|%s', k.source_id, i.source_id, to_jsonb(i) - 'id' - 'contract_id' - 'text_id' || to_jsonb(t) - 'id' - 'digest')
		FROM contract_items i JOIN contracts k ON k.id = i.contract_id JOIN item_texts t ON t.id = i.text_id
		UNION ALL
		SELECT format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', k.source, k.source_id, b.bin, s.identifier, k.total, k.total_alt,
			k.exchange_rate, k.signed_on, k.source_updated_at, k.deleted)
		FROM contracts k JOIN buyers b ON b.id = k.buyer_id JOIN suppliers s ON s.id = k.supplier_id
		UNION ALL
		SELECT format('%s|%s|%s|%s|%s|%s', identifier, bin, name_ru, country, resident, portal_producer) FROM suppliers
		UNION ALL
		SELECT format('%s|%s|%s|%s', bin, name_ru, buyer_type, region) FROM buyers
		ORDER BY 1`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// The canonical template saved as XLSX, with number and date cells, stores exactly what the CSV does.
func TestXLSXSameAsCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "items.xlsx")
	xlsxFromCSV(t, filepath.Join("testdata", "items.csv"), path)

	fromCSV, fromXLSX := setup(t), setup(t)
	_, err := fromCSV.importCSV(t, filepath.Join("testdata", "items.csv"), 0)
	require.NoError(t, err)
	res, err := fromXLSX.importFormat(t, "xlsx", path, 0)
	require.NoError(t, err, "errors: %v", res.Errors)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 8, Loaded: 11}, res)
	require.Equal(t, batchRow{Format: "xlsx", Status: "committed", Read: 8, Loaded: 11}, fromXLSX.batch(t, res.BatchID))

	require.Equal(t, csvItems(), fromXLSX.items(t))
	require.Equal(t, csvContracts(), fromXLSX.contracts(t))
	require.Equal(t, fromCSV.schoolUniforms2016(t), fromXLSX.schoolUniforms2016(t))
	want := storedDump(t, fromCSV)
	require.Len(t, want, 8+3+3+2)
	require.Equal(t, want, storedDump(t, fromXLSX))

	// The workbook again changes nothing, and so does the CSV: they are the same contracts.
	again, err := fromXLSX.importFormat(t, "xlsx", path, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 8, Unchanged: 11}, again)
	again, err = fromXLSX.importCSV(t, filepath.Join("testdata", "items.csv"), 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 8, Unchanged: 11}, again)
}

// Numbers are read as stored, to Excel's 15 significant digits, never as a cell format shows them; dates
// may be date cells (1900 or 1904 calendar) or text.
func TestXLSXCells(t *testing.T) {
	t.Parallel()
	header := []any{"contract_id", "signed_on", "buyer_bin", "supplier_id", "item_id", "item_name", "quantity", "value", "updated_at"}
	path := filepath.Join(t.TempDir(), "items.xlsx")
	f := excelize.NewFile()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &header))
	// 580832.25 as a formula might leave it: 580832.2499999999 in the file.
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"C-1", date(2016, 8, 1), "100140000001", "100240000003", "1", "Школьная форма", 0.1 + 0.2, 580832.2499999999, time.Date(2016, 8, 2, 10, 0, 0, 0, time.UTC)}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A3", &[]any{"C-1", "01.08.2016", "100140000001", "100240000003", "2", "Школьная форма", 3, "1234.5", "2016-08-02 10:00:00"}))
	// A style that shows the value rounded and grouped changes nothing.
	style, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle("Sheet1", "H2", "H3", style))
	require.NoError(t, f.SaveAs(path))

	e := setup(t)
	res, err := e.importFormat(t, "xlsx", path, 0)
	require.NoError(t, err, "errors: %v", res.Errors)
	items := e.items(t)
	require.Len(t, items, 2)
	require.Equal(t, []int64{58083225, 123450}, []int64{items[0].Value, items[1].Value})
	require.Equal(t, []string{"0.3", "3"}, []string{items[0].Quantity, items[1].Quantity})
	require.Equal(t, "2016-08-01", items[0].SignedOn)
	require.Equal(t, "2016-08-02 10:00:00", e.contracts(t)[0].UpdatedAt)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 2, Loaded: 3}, res)

	// The 1904 calendar (old Mac workbooks) counts days from 1904-01-01: 41121 is 2016-08-01 there.
	path1904 := filepath.Join(t.TempDir(), "items1904.xlsx")
	f = excelize.NewFile()
	yes := true
	require.NoError(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &header))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"C-1", 41121, "100140000001", "100240000003", "1", "Школьная форма", 0.1 + 0.2, 580832.25, "2016-08-02 10:00:00"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A3", &[]any{"C-1", "01.08.2016", "100140000001", "100240000003", "2", "Школьная форма", 3, 1234.5, "2016-08-02 10:00:00"}))
	require.NoError(t, f.SaveAs(path1904))
	again, err := e.importFormat(t, "xlsx", path1904, 0)
	require.NoError(t, err, "errors: %v", again.Errors)
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 2, Unchanged: 3}, again)
}

func TestXLSXBadInput(t *testing.T) {
	t.Parallel()
	header := []any{"contract_id", "signed_on", "buyer_bin", "supplier_id", "item_name", "value"}
	good := []any{"C-1", date(2016, 8, 1), "100140000001", "100240000003", "Школьная форма", 1000}
	tests := []struct {
		name  string
		rows  [][]any
		raw   string // file content instead of rows
		want  []ingest.RecordError
		items int64
	}{
		{name: "header not in row 1", rows: [][]any{nil, header, good},
			want: []ingest.RecordError{{"items.xlsx:1", `row 1 of the worksheet "Sheet1" is empty: the header must be in row 1 of the first worksheet`}}},
		{name: "unknown column", rows: [][]any{append(slices.Clone(header), "colour"), good},
			want: []ingest.RecordError{{"items.xlsx:1", `unknown column "colour" (columns are listed in docs/import-csv.md)`}}},
		{name: "bad amount in row 4", rows: [][]any{header, good, nil, {"C-2", date(2016, 8, 1), "100140000001", "100240000003", "Форма", "1 000,50"}},
			want: []ingest.RecordError{{"items.xlsx:4", `value: "1 000,50" is not an amount`}}, items: 1},
		{name: "BIN typed as a number loses its leading zero", rows: [][]any{header, good, {"C-2", date(2016, 8, 1), 10140000001, "100240000003", "Форма", 5}},
			want: []ingest.RecordError{{"items.xlsx:3", `buyer_bin: "10140000001" is not 12 digits`}}, items: 1},
		{name: "date out of range", rows: [][]any{header, good, {"C-2", 5, "100140000001", "100240000003", "Форма", 5}},
			want: []ingest.RecordError{{"items.xlsx:3", `signed_on: "1900-01-05" is outside 1990..2100`}}, items: 1},
		{name: "value beyond the header", rows: [][]any{header, good, {"C-2", date(2016, 8, 1), "100140000001", "100240000003", "Форма", 5, nil, "x"}},
			want: []ingest.RecordError{{"items.xlsx:3", "cell H3 has a value but column H has no header"}}, items: 1},
		{name: "empty workbook", rows: [][]any{},
			want: []ingest.RecordError{{"items.xlsx", "the file is empty: want a header row (see docs/import-csv.md)"}}},
		{name: "CSV named .xlsx", raw: "contract_id,signed_on\n",
			want: []ingest.RecordError{{"items.xlsx", "not a readable XLSX workbook: the file is not an XLSX workbook (XLS and ODS files must be saved as XLSX or CSV first)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "items.xlsx")
			if tt.raw != "" {
				writeFile(t, path, tt.raw)
			} else {
				writeXLSX(t, path, tt.rows)
			}
			e := setup(t)
			res, err := e.importFormat(t, "xlsx", path, 0)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, emptyCounts(), e.counts(t))

			res, err = e.importFormat(t, "xlsx", path, int64(len(tt.want)))
			require.NoError(t, err)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, tt.items, e.counts(t)["contract_items"])
		})
	}
}
