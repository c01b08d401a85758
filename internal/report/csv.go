package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/money"
)

// CSVOptions are what a spreadsheet program expects of a CSV: Excel in Russian and Kazakh reads ';'
// between fields and a decimal comma.
type CSVOptions struct {
	Separator    rune // ',' or ';'
	DecimalComma bool
}

// Check says what is wrong with the options: a decimal comma between commas would split every number.
func (o CSVOptions) Check() error {
	if o.Separator != ',' && o.Separator != ';' {
		return fmt.Errorf("report: separator %q: want ',' or ';'", o.Separator)
	}
	if o.DecimalComma && o.Separator == ',' {
		return fmt.Errorf("report: a decimal comma needs the separator ';'")
	}
	return nil
}

// WriteCSV writes the report as UTF-8 CSV, with a byte-order mark so that Excel does not read Cyrillic as
// its ANSI code page. The filter comes first as "field, value" rows under their own header; then each
// table under a line naming it and its header row, an empty line between. Numbers are plain (tenge with
// two decimals, percentages with one, dates YYYY-MM-DD), for a program to read back.
func (r *Report) WriteCSV(w io.Writer, o CSVOptions) error {
	if o.Separator == 0 {
		o.Separator = ','
	}
	if err := o.Check(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = o.Separator
	T := r.T()
	write := func(rec ...string) { _ = cw.Write(rec) } // csv.Writer keeps the first error for Flush
	text := func(rec ...string) {                      // what a filter, a name or a title holds, which a spreadsheet must not run
		for i, s := range rec {
			rec[i] = FormulaSafe(s)
		}
		write(rec...)
	}
	text(r.Title(), T("Report"))
	text(T("Scope"), T("Value"))
	for _, f := range r.Scope() {
		text(f.Label, f.Value)
	}
	for _, t := range r.Tables() {
		write()
		text(t.Title)
		if len(t.Rows) == 0 && t.Note != "" { // why the table is empty, as PDF and XLSX say under it
			text(t.Note)
		}
		header := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			header[i] = c.Header
		}
		text(header...)
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for i, c := range row {
				rec[i] = c.plain(o.DecimalComma)
			}
			write(rec...)
		}
	}
	write()
	text(T("Methodology"))
	for _, p := range r.Methodology() {
		text(p)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	return nil
}

// FormulaSafe keeps a spreadsheet from reading text as a formula: text that starts as one does (=, +, -, @,
// a tab or a carriage return) gets a leading apostrophe, which Excel and LibreOffice show as text. A buyer's
// name comes from the data, and a filter from a link anyone may send. A lone character is no formula and
// stays as it is.
func FormulaSafe(s string) string {
	if LooksLikeFormula(s) {
		return "'" + s
	}
	return s
}

// LooksLikeFormula tells text that FormulaSafe changes.
func LooksLikeFormula[T string | []byte](s T) bool {
	return len(s) > 1 && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// plain is a cell as a program reads it: no grouping, no currency sign.
func (c Cell) plain(decimalComma bool) string {
	var s string
	switch c.Kind {
	case Money:
		s = money.FormatMajor(c.N)
	case Percent, Points:
		s = money.FormatPercent(c.N)
	case Count:
		return fmt.Sprint(c.N)
	case Date:
		if c.Time.IsZero() {
			return ""
		}
		return c.Time.Format(time.DateOnly)
	case Decimal:
		s = c.Text
	default:
		return FormulaSafe(c.Text)
	}
	if decimalComma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
