package report

import (
	"fmt"
	"io"
)

// Formats are the formats a report is written in, in the order menus offer them.
var Formats = []string{"xlsx", "pdf", "csv"}

// Write writes the report in format, one of Formats; csv says how a CSV is written and is ignored by the
// others.
func (r *Report) Write(w io.Writer, format string, csv CSVOptions) error {
	switch format {
	case "xlsx":
		return r.WriteXLSX(w)
	case "pdf":
		return r.WritePDF(w)
	case "csv":
		return r.WriteCSV(w, csv)
	}
	return fmt.Errorf("report: format %q: want xlsx, pdf or csv", format)
}
