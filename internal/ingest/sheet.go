package ingest

import (
	"context"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// SourceCSV is the contracts' source for rows of the canonical spreadsheet template.
const SourceCSV = "csv"

// readCSV stages the canonical CSV: one row per contract item, the contract's columns repeated on each row.
func readCSV(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, sheet.OpenCSV, st, errs)
}

// readXLSX stages the canonical template saved as an XLSX workbook: the same columns and checks as the CSV,
// read from the first worksheet, whose row 1 is the header. Rows are located as "file.xlsx:ROW", the row
// number Excel shows.
func readXLSX(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, sheet.OpenXLSX, st, errs)
}

// readTemplate stages the canonical template from a sheet that open reads, CSV or XLSX: the same columns,
// the same checks, the same records.
func readTemplate(ctx context.Context, path string, open sheet.Opener, st *stager, errs *errorLog) error {
	r := &sheet.TemplateReader{Sink: st, Errs: errs, Rules: st.rules, Categories: st.categoryMemo(),
		BuyerTypes: &st.buyerTypes, Home: st.home, Meter: st.meter}
	return r.Read(ctx, path, open)
}
