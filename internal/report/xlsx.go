package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// xlsxStyles are the style ids of a workbook: a cell's kind decides its number format.
type xlsxStyles struct {
	title, header, wrap, label int
	kind                       map[Kind]int
}

func newXLSXStyles(f *excelize.File, lang string) (xlsxStyles, error) {
	s := xlsxStyles{kind: map[Kind]int{}}
	dateFmt := "dd.mm.yyyy"
	if lang == "en" {
		dateFmt = "d mmm yyyy"
	}
	formats := map[Kind]string{Money: `#,##0.00\ "₸"`, Percent: "0.0%", Points: "0.0", Count: "#,##0", Date: dateFmt, Decimal: "#,##0.###"}
	for kind, format := range formats {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return s, fmt.Errorf("report: xlsx style: %w", err)
		}
		s.kind[kind] = id
	}
	styles := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
			Border: []excelize.Border{{Type: "bottom", Color: "7F8C9A", Style: 1}}}},
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.label, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, st := range styles {
		id, err := f.NewStyle(&st.style)
		if err != nil {
			return s, fmt.Errorf("report: xlsx style: %w", err)
		}
		*st.id = id
	}
	return s, nil
}

// xlsxValue is a cell as a spreadsheet holds it: a number with its format, so that sums and charts work.
// Money and shares become the spreadsheet's doubles here and only here: tenge with two decimals and
// fractions of one are exact in a double's shortest form, which is what excelize writes.
func (s xlsxStyles) xlsxValue(c Cell) any {
	var v any
	switch c.Kind {
	case Money:
		v = float64(c.N) / 100
	case Percent:
		v = float64(c.N) / 10000
	case Points:
		v = float64(c.N) / 100
	case Count:
		v = c.N
	case Date:
		if c.Time.IsZero() {
			return nil
		}
		v = c.Time
	case Decimal:
		n, err := strconv.ParseFloat(c.Text, 64)
		if err != nil {
			return c.Text
		}
		v = n
	default:
		if c.Text == "" {
			return nil
		}
		return c.Text
	}
	return excelize.Cell{StyleID: s.kind[c.Kind], Value: v}
}

// WriteXLSX writes the report as a workbook: the summary, the filter with the methodology, one sheet per
// table with its header row frozen, and the monthly trend with a native line chart. Every sheet is
// streamed, so a table of a million buyers stays in bounded memory.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newXLSXStyles(f, r.Lang)
	if err != nil {
		return err
	}
	T := r.T()
	names := sheetNames{}
	tables := r.Tables()
	for _, t := range tables {
		if t.ID == "summary" {
			if err := r.xlsxSummary(f, names.name(t.Title), t, styles); err != nil {
				return err
			}
			if err := r.xlsxScope(f, names.name(T("Scope")), styles); err != nil {
				return err
			}
			continue
		}
		if err := r.xlsxTable(f, names.name(t.Title), t, styles); err != nil {
			return err
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	return nil
}

// sheetNames makes a title a valid, unique sheet name: at most 31 characters, none of : \ / ? * [ ]; a
// longer title is cut at a word's end.
type sheetNames map[string]bool

func (n sheetNames) name(title string) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]'`, r) {
			return ' '
		}
		return r
	}, title)
	if runes := []rune(clean); len(runes) > 31 {
		// Cut at a word's end and say so: "Largest contracts to…", not "…to non-produc".
		cut := string(runes[:30])
		if i := strings.LastIndex(cut, " "); utf8.RuneCountInString(cut[:max(i, 0)]) >= 12 {
			cut = cut[:i]
		}
		clean = strings.TrimRight(cut, " ,;-–—") + "…"
	}
	clean = strings.TrimSpace(clean)
	name := clean
	for i := 2; n[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" %d", i)
		name = string([]rune(clean)[:min(len([]rune(clean)), 31-len(suffix))]) + suffix
	}
	n[strings.ToLower(name)] = true
	return name
}

func (r *Report) xlsxSummary(f *excelize.File, sheet string, t Table, s xlsxStyles) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	if err := sw.SetColWidth(1, 1, 48); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	if err := sw.SetColWidth(2, 2, 60); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	rows := [][]any{
		{excelize.Cell{StyleID: s.title, Value: r.Title()}},
		{excelize.Cell{StyleID: s.label, Value: r.T()("Report")}},
		{},
	}
	for _, row := range t.Rows {
		rows = append(rows, []any{excelize.Cell{StyleID: s.label, Value: row[0].Text}, s.xlsxValue(row[1])})
	}
	return writeRows(sw, sheet, 1, rows)
}

func (r *Report) xlsxScope(f *excelize.File, sheet string, s xlsxStyles) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	if err := sw.SetColWidth(1, 1, 30); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	if err := sw.SetColWidth(2, 2, 100); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	T := r.T()
	rows := [][]any{{excelize.Cell{StyleID: s.title, Value: T("Scope")}}}
	for _, field := range r.Scope() {
		rows = append(rows, []any{excelize.Cell{StyleID: s.label, Value: field.Label}, excelize.Cell{StyleID: s.wrap, Value: field.Value}})
	}
	rows = append(rows, []any{}, []any{excelize.Cell{StyleID: s.title, Value: T("Methodology")}})
	for _, p := range r.Methodology() {
		rows = append(rows, []any{nil, excelize.Cell{StyleID: s.wrap, Value: p}})
	}
	return writeRows(sw, sheet, 1, rows)
}

// xlsxTable writes a table under its title with the header row frozen. The trend's chart is added before
// the sheet is streamed: added after Flush, excelize writes the chart but the sheet never refers to it.
func (r *Report) xlsxTable(f *excelize.File, sheet string, t Table, s xlsxStyles) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	const headerRow = 2
	if t.ID == "trend" && len(t.Rows) > 0 {
		if err := r.xlsxChart(f, sheet, headerRow, len(t.Rows), len(t.Columns)); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	widths := columnWidths(t, r.Lang, r.T())
	for i := len(widths) - 1; i >= 0; i-- { // the stream writer keeps <col> in call order; Excel wants them ascending
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
		}
	}
	top := fmt.Sprintf("A%d", headerRow+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	title := t.Title
	if t.Note != "" {
		title += ". " + t.Note
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: s.header, Value: c.Header}
	}
	for i, row := range [][]any{{excelize.Cell{StyleID: s.title, Value: title}}, header} {
		cell, _ := excelize.CoordinatesToCellName(1, 1+i)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
		}
	}
	rowValues := make([]any, len(t.Columns))
	for i, row := range t.Rows {
		for j, c := range row {
			rowValues[j] = s.xlsxValue(c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, headerRow+1+i)
		if err := sw.SetRow(cell, rowValues); err != nil {
			return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	return nil
}

// writeRows writes rows from row first on and ends the sheet.
func writeRows(sw *excelize.StreamWriter, sheet string, first int, rows [][]any) error {
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, first+i)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: xlsx sheet %q: %w", sheet, err)
	}
	return nil
}

// xlsxChart draws the share and the threshold by month (columns D and E of the trend table) beside it.
func (r *Report) xlsxChart(f *excelize.File, sheet string, headerRow, rows, columns int) error {
	T := r.T()
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	ref := func(col string, from, to int) string {
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoted, col, from, col, to)
	}
	first, last := headerRow+1, headerRow+rows
	series := func(col, color string) excelize.ChartSeries {
		return excelize.ChartSeries{Name: fmt.Sprintf("%s!$%s$%d", quoted, col, headerRow), Categories: ref("A", first, last),
			Values: ref(col, first, last), Marker: excelize.ChartMarker{Symbol: "circle", Size: 5},
			Line: excelize.LineOptions{Width: 2}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}}
	}
	anchor, _ := excelize.CoordinatesToCellName(columns+2, headerRow)
	err := f.AddChart(sheet, anchor, &excelize.Chart{Type: excelize.Line,
		Series:    []excelize.ChartSeries{series("D", "1F77B4"), series("E", "D62728")},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: T("Monthly trend") + ": " + T(r.Target.Metric)}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		Dimension: excelize.ChartDimension{Width: 640, Height: 360}})
	if err != nil {
		return fmt.Errorf("report: xlsx chart: %w", err)
	}
	return nil
}

// columnWidths fits each column to its longest heading word or value as written, within 8 and 60
// characters: a heading wraps, a value does not.
func columnWidths(t Table, lang string, T func(string) string) []float64 {
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		for _, word := range strings.Fields(c.Header) {
			widths[i] = max(widths[i], float64(utf8.RuneCountInString(word)))
		}
	}
	for _, row := range t.Rows {
		for i, c := range row {
			widths[i] = max(widths[i], float64(utf8.RuneCountInString(c.Format(lang, T))))
		}
	}
	for i := range widths {
		widths[i] = min(max(widths[i]+2, 8), 60)
	}
	return widths
}
