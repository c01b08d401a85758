package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// fuzzHeader is the header of the workbooks FuzzXLSXRows builds.
var fuzzHeader = []string{"contract_id", "signed_on", "buyer_bin", "supplier_id", "value", "kato", "item_id", "quantity", "updated_at"}

// FuzzXLSXRows builds a workbook from a grid (rows split at '\n', cells at '\t'), as text cells or, when
// numeric, with number cells wherever a cell reads as a number, and reads it with the staging tables in
// memory. It never fails the import; every error names the file or one of its rows; every row read is
// staged or reported. A grid of text cells that mean the same in both formats stages exactly what the same
// grid saved as CSV does.
func FuzzXLSXRows(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "items.csv"))
	require.NoError(f, err)
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(f, err)
	var grid []string
	for _, rec := range records[1:] {
		grid = append(grid, strings.Join([]string{rec[0], rec[1], rec[2], rec[4], rec[14], rec[17], rec[8], rec[11], rec[21]}, "\t"))
	}
	for _, numeric := range []bool{false, true} {
		f.Add(strings.Join(grid, "\n"), numeric)
		f.Add("C-1\t42583\t100140000001\t100240000003\t580832.2499999999\t751110000\t\t0.30000000000000004\t42584.416666666664", numeric)
		f.Add("C-1\t01.08.2016\t100140000001\t100240000003\t1 000,50\t75\t1\n\n\t\t\t\t\t\t\t\t\textra", numeric)
		f.Add("C-1\t2016-08-01\t10014000000\t100240000003\t-5\t\t\t1e3\t2016-13-01", numeric)
		f.Add("", numeric)
	}
	dir := f.TempDir()
	xlsxPath, csvPath := filepath.Join(dir, "items.xlsx"), filepath.Join(dir, "items.csv")
	f.Fuzz(func(t *testing.T, text string, numeric bool) {
		rows := fuzzGrid(text)
		writeFuzzWorkbook(t, xlsxPath, rows, numeric)

		st, m := newMemStager(t)
		errs := &errorLog{}
		require.NoError(t, readXLSX(context.Background(), xlsxPath, st, errs))
		require.NoError(t, st.flush(context.Background()))

		rowErrs := 0
		for _, e := range errs.List() {
			require.NotEmpty(t, e.Reason)
			if e.Location == "items.xlsx" {
				continue
			}
			n, ok := strings.CutPrefix(e.Location, "items.xlsx:")
			require.True(t, ok, "location %q", e.Location)
			row, err := strconv.Atoi(n)
			require.NoError(t, err, "location %q", e.Location)
			require.True(t, row >= 2 && row <= len(rows)+1, "row %d of %d: %v", row, len(rows)+1, e)
			if !strings.Contains(e.Reason, "has no header") {
				rowErrs++
			}
		}
		require.Equal(t, st.records, int64(len(m.units)+rowErrs), "rows read are staged or reported: %v", errs.List())
		require.Len(t, m.contracts, len(m.units))
		for _, u := range m.units {
			require.GreaterOrEqual(t, u.Value, int64(0))
			require.NotEmpty(t, u.ContractSourceID)
		}
		for _, c := range m.contracts {
			require.Len(t, c.CustomerBin, 12)
			require.True(t, c.SignedOn.Year() >= 1990 && c.SignedOn.Year() <= 2100)
		}

		if numeric || !sameMeaningInCSV(rows) {
			return
		}
		writeFuzzCSV(t, csvPath, rows)
		cst, cm := newMemStager(t)
		cerrs := &errorLog{}
		require.NoError(t, readCSV(context.Background(), csvPath, cst, cerrs))
		require.NoError(t, cst.flush(context.Background()))
		require.Equal(t, cst.records, st.records)
		require.Equal(t, asCSV(t, cerrs.List()), asCSV(t, errs.List()))
		require.Equal(t, asCSV(t, cm), asCSV(t, m))
	})
}

// fuzzGrid splits text into rows of cells, keeping only what a worksheet cell can hold.
func fuzzGrid(text string) [][]string {
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff || !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return 'x'
		}
		return r
	}, text)
	if text == "" {
		return nil
	}
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(line, "\t")
		for i, c := range cells {
			if len(c) > 1000 {
				cells[i] = c[:1000]
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

// writeFuzzWorkbook writes the header and rows; with numeric, cells that read as numbers are number cells.
func writeFuzzWorkbook(t *testing.T, path string, rows [][]string, numeric bool) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := make([]any, len(fuzzHeader))
	for i, h := range fuzzHeader {
		header[i] = h
	}
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &header))
	for r, cells := range rows {
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
			if numeric && sheet.IsNumberText(c) {
				if v, err := strconv.ParseFloat(c, 64); err == nil && !isInfOrHuge(v) {
					values[i] = v
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &values))
	}
	require.NoError(t, f.SaveAs(path))
}

func isInfOrHuge(v float64) bool { return v > 1e300 || v < -1e300 }

// writeFuzzCSV writes the same grid as CSV, each row cut or padded to the header.
func writeFuzzCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write(fuzzHeader))
	for _, cells := range rows {
		rec := make([]string, len(fuzzHeader))
		copy(rec, cells)
		require.NoError(t, w.Write(rec))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
}

// sameMeaningInCSV reports whether every cell of rows reads the same from text cells and from CSV: no
// cells beyond the header, no serial numbers in date columns, no numbers beyond Excel's precision.
func sameMeaningInCSV(rows [][]string) bool {
	for _, cells := range rows {
		for i, c := range cells {
			if i >= len(fuzzHeader) {
				if strings.TrimSpace(c) != "" {
					return false
				}
				continue
			}
			c = strings.TrimSpace(c)
			switch fuzzHeader[i] {
			case "signed_on", "updated_at":
				if sheet.IsSerialText(c) {
					return false
				}
			case "value", "quantity":
				if sheet.IsNumberText(c) && sheet.SignificantDigits(c) > 15 {
					return false
				}
			}
		}
	}
	return true
}

// asCSV renders v as JSON with the workbook's file name replaced by the CSV's.
func asCSV(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return strings.ReplaceAll(string(b), "items.xlsx:", "items.csv:")
}

// FuzzXLSXFile feeds arbitrary bytes to the workbook reader: whatever they are, the import is not failed
// and every error names the file or one of its rows.
func FuzzXLSXFile(f *testing.F) {
	var buf bytes.Buffer
	require.NoError(f, sheet.WriteTemplate(&buf, "xlsx", true))
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("contract_id,signed_on\n"))
	f.Add([]byte{})
	path := filepath.Join(f.TempDir(), "items.xlsx")
	f.Fuzz(func(t *testing.T, content []byte) {
		require.NoError(t, os.WriteFile(path, content, 0o600))
		st, m := newMemStager(t)
		errs := &errorLog{}
		require.NoError(t, readXLSX(context.Background(), path, st, errs))
		require.NoError(t, st.flush(context.Background()))
		for _, e := range errs.List() {
			require.True(t, e.Location == "items.xlsx" || strings.HasPrefix(e.Location, "items.xlsx:"), "location %q", e.Location)
			require.NotEmpty(t, e.Reason)
		}
		require.LessOrEqual(t, int64(len(m.units)), st.records)
	})
}
