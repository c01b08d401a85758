package ingest

import (
	"context"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// readXLSX stages the canonical template saved as an XLSX workbook: the same columns and checks as the CSV,
// read from the first worksheet, whose row 1 is the header. Rows are located as "file.xlsx:ROW", the row
// number Excel shows.
func readXLSX(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, sheet.OpenXLSX, st, errs)
}
