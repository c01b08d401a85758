package report

import (
	_ "embed"
	"fmt"
	"io"
	"slices"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/share"
)

// DejaVu Sans has every letter of Kazakh Cyrillic (ә ғ қ ң ө ұ ү һ і) and the tenge sign; the PDF's core
// fonts are cp1252 and have none. fpdf embeds only the glyphs used, so a report stays small.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const (
	pdfFont   = "DejaVu"
	pdfMargin = 12.0 // mm left, right
	pdfTop    = 20.0 // mm: below the running header
	pdfBottom = 14.0 // mm: above the page number
	pdfLine   = 4.2  // mm per line of table text
	// pdfBuyerRows is how many buyers the PDF lists, those that pull the share down most; XLSX and CSV
	// list them all.
	pdfBuyerRows = 200
)

// WritePDF writes the report as an A4 landscape PDF: every page carries the scope and the data's date
// at its head and its number at its foot; tables that run over a page repeat their header row.
func (r *Report) WritePDF(w io.Writer) error {
	T, lang := r.T(), r.Lang
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFont, "", fontRegular)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", fontBold)
	pdf.SetTitle(r.Title(), true)
	pdf.SetSubject(T("Report"), true)
	pdf.SetCreator("Ules", true)
	// The creation date is the data's, not the clock's: the same data gives the same bytes.
	pdf.SetCreationDate(r.DataAsOf)
	pdf.SetModificationDate(r.DataAsOf)
	pdf.SetMargins(pdfMargin, pdfTop, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfBottom)
	pdf.AliasNbPages("{nb}")
	pageW, pageH := pdf.GetPageSize()
	width := pageW - 2*pdfMargin

	running := r.Title()
	if r.Region.Code != "" {
		running += " · " + r.Region.Names.In(lang)
	}
	running += " · " + r.Period.Spec + " (" + locale.Date(lang, r.Period.From) + " — " + locale.Date(lang, r.AsOf) + ")"
	dated := T("Data as of") + ": " + dataAsOf(r)
	pdf.SetHeaderFunc(func() {
		pdf.SetFont(pdfFont, "", 7.5)
		pdf.SetTextColor(80, 80, 80)
		pdf.SetXY(pdfMargin, 8)
		pdf.CellFormat(width*0.68, 4, running, "", 0, "L", false, 0, "")
		pdf.CellFormat(width*0.32, 4, dated, "", 1, "R", false, 0, "")
		pdf.SetDrawColor(160, 160, 160)
		pdf.Line(pdfMargin, 13, pageW-pdfMargin, 13)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetXY(pdfMargin, pdfTop)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont(pdfFont, "", 8)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 4, fmt.Sprintf("%d / {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})

	pdf.AddPage()
	pdf.SetFont(pdfFont, "B", 16)
	pdf.MultiCell(width, 7, r.Title(), "", "L", false)
	pdf.SetFont(pdfFont, "", 10)
	pdf.MultiCell(width, 5, T("Report"), "", "L", false)
	pdf.Ln(3)
	fields := func(rows [][2]string, labelW float64) {
		for _, f := range rows {
			pdf.SetFont(pdfFont, "B", 9)
			lines := max(len(pdf.SplitText(f[1], width-labelW-2)), len(pdf.SplitText(f[0], labelW-2)), 1)
			if pdf.GetY()+float64(lines)*pdfLine > pageH-pdfBottom {
				pdf.AddPage()
			}
			y := pdf.GetY()
			pdf.MultiCell(labelW, pdfLine, f[0], "", "L", false)
			pdf.SetXY(pdfMargin+labelW, y)
			pdf.SetFont(pdfFont, "", 9)
			pdf.MultiCell(width-labelW, pdfLine, f[1], "", "L", false)
			pdf.SetY(y + float64(lines)*pdfLine + 0.8)
		}
	}
	var scope [][2]string
	for _, f := range r.Scope() {
		scope = append(scope, [2]string{f.Label, f.Value})
	}
	fields(scope, 70)

	heading := func(title string) {
		if pdf.GetY()+30 > pageH-pdfBottom {
			pdf.AddPage()
		}
		pdf.Ln(3)
		pdf.SetFont(pdfFont, "B", 12)
		pdf.MultiCell(width, 6, title, "", "L", false)
		pdf.Ln(1)
	}
	tables := r.Tables()
	heading(tables[0].Title)
	var summary [][2]string
	for _, row := range tables[0].Rows {
		summary = append(summary, [2]string{row[0].Text, row[1].Format(lang, T)})
	}
	fields(summary, 90)

	heading(T("Monthly trend") + ": " + T(r.Target.Metric))
	r.pdfChart(pdf, width)

	for _, t := range tables[1:] {
		heading(t.Title)
		if t.ID == "buyers" && len(t.Rows) > pdfBuyerRows {
			// A document to file, not a register: a year's 12,000 buyers made a PDF of hundreds of pages.
			t.Note += " " + fmt.Sprintf(T("PDF buyers cut"), pdfBuyerRows, len(t.Rows))
			t.Rows = t.Rows[:pdfBuyerRows]
		}
		if t.Note != "" {
			pdf.SetFont(pdfFont, "", 8.5)
			pdf.MultiCell(width, 4, t.Note, "", "L", false)
			pdf.Ln(1)
		}
		r.pdfTable(pdf, t, width, pageH)
	}

	heading(T("Methodology"))
	pdf.SetFont(pdfFont, "", 9)
	for _, p := range r.Methodology() {
		pdf.MultiCell(width, pdfLine, p, "", "L", false)
		pdf.Ln(1.5)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

func dataAsOf(r *Report) string {
	if r.DataAsOf.IsZero() {
		return r.T()("None")
	}
	return locale.DateTime(r.Lang, r.DataAsOf)
}

// pdfTable draws a table whose rows grow to fit wrapped names; before a row that would cross the page's
// foot it starts a new page and repeats the header row.
func (r *Report) pdfTable(pdf *fpdf.Fpdf, t Table, width, pageH float64) {
	T, lang := r.T(), r.Lang
	if len(t.Rows) == 0 {
		pdf.SetFont(pdfFont, "", 9)
		pdf.MultiCell(width, pdfLine, T("None"), "", "L", false)
		return
	}
	var total float64
	for _, c := range t.Columns {
		total += c.Width
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = width * c.Width / total
	}
	const pad = 1.0
	var header func()
	drawRow := func(cells []string, aligns []string, bold bool, fill bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(pdfFont, style, 8)
		lines := 1
		split := make([][]string, len(cells))
		for i, s := range cells {
			split[i] = pdf.SplitText(s, widths[i]-2*pad)
			lines = max(lines, len(split[i]))
		}
		h := float64(lines)*3.6 + 1.6
		if pdf.GetY()+h > pageH-pdfBottom {
			pdf.AddPage()
			if !bold {
				header()
				pdf.SetFont(pdfFont, style, 8)
			}
		}
		x, y := pdfMargin, pdf.GetY()
		for i := range cells {
			if fill {
				pdf.SetFillColor(232, 238, 244)
				pdf.Rect(x, y, widths[i], h, "FD")
			} else {
				pdf.Rect(x, y, widths[i], h, "D")
			}
			for j, line := range split[i] {
				pdf.SetXY(x+pad, y+0.8+float64(j)*3.6)
				pdf.CellFormat(widths[i]-2*pad, 3.6, line, "", 0, aligns[i], false, 0, "")
			}
			x += widths[i]
		}
		pdf.SetXY(pdfMargin, y+h)
	}
	header = func() {
		cells := make([]string, len(t.Columns))
		centred := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cells[i], centred[i] = c.Header, "C"
		}
		drawRow(cells, centred, true, true)
	}
	header()
	aligns := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		aligns[i] = "R"
		if c.Kind == Text {
			aligns[i] = "L"
		}
	}
	pdf.SetDrawColor(190, 190, 190)
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = c.Format(lang, T)
		}
		drawRow(cells, aligns, false, false)
	}
	pdf.SetDrawColor(0, 0, 0)
}

// pdfChart draws the share by the target's metric month by month, the threshold as a dashed line, and
// a legend: vectors, not a picture, so it prints sharp.
func (r *Report) pdfChart(pdf *fpdf.Fpdf, width float64) {
	T, lang := r.T(), r.Lang
	const h = 55.0
	_, pageH := pdf.GetPageSize()
	if pdf.GetY()+h+16 > pageH-pdfBottom {
		pdf.AddPage()
	}
	x0, top := pdfMargin+14, pdf.GetY()+2
	w, y0 := width-20, top+h
	highest := int64(0)
	for _, m := range r.Trend {
		if share.MetricFigures(r.Target.Metric, m.Figures).Total > 0 {
			highest = max(highest, m.Share)
		}
		if m.HasThreshold {
			highest = max(highest, m.Threshold)
		}
	}
	// The axis runs to the next round step above the highest value: steps of 10 points up to 50 %, of 20
	// points to 100 %.
	step := int64(1000)
	if highest >= 4500 {
		step = 2000
	}
	top100 := float64(min(10000, (highest/step+1)*step))
	y := func(bp int64) float64 { return y0 - float64(bp)/top100*h }
	n := len(r.Trend)
	x := func(i int) float64 {
		if n == 1 {
			return x0 + w/2
		}
		return x0 + 4 + float64(i)*(w-8)/float64(n-1)
	}
	pdf.SetFont(pdfFont, "", 7)
	pdf.SetLineWidth(0.1)
	pdf.SetDrawColor(210, 210, 210)
	for bp := int64(0); float64(bp) <= top100; bp += step {
		pdf.Line(x0, y(bp), x0+w, y(bp))
		pdf.Text(x0-12, y(bp)+1, locale.Percent(lang, bp))
	}
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.2)
	pdf.Line(x0, y0, x0+w, y0)
	pdf.Line(x0, y0, x0, top)
	every := max(1, (n+11)/12)
	for i, m := range r.Trend {
		if i%every == 0 {
			label := locale.Month(lang, m.Month)
			pdf.Text(x(i)-pdf.GetStringWidth(label)/2, y0+4, label)
		}
	}
	// The threshold: dashed, a step where the schedule changes.
	pdf.SetDrawColor(214, 39, 40)
	pdf.SetLineWidth(0.4)
	pdf.SetDashPattern([]float64{1.5, 1}, 0)
	for i := 1; i < n; i++ {
		a, b := r.Trend[i-1], r.Trend[i]
		if a.HasThreshold && b.HasThreshold {
			pdf.Line(x(i-1), y(a.Threshold), x(i), y(a.Threshold))
			pdf.Line(x(i), y(a.Threshold), x(i), y(b.Threshold))
		}
	}
	pdf.SetDashPattern(nil, 0)
	// The share: a gap where a month bought nothing.
	pdf.SetDrawColor(31, 119, 180)
	pdf.SetFillColor(31, 119, 180)
	pdf.SetLineWidth(0.6)
	has := func(m TrendPoint) bool { return share.MetricFigures(r.Target.Metric, m.Figures).Total > 0 }
	for i, m := range r.Trend {
		if !has(m) {
			continue
		}
		if i > 0 && has(r.Trend[i-1]) {
			pdf.Line(x(i-1), y(r.Trend[i-1].Share), x(i), y(m.Share))
		}
		pdf.Circle(x(i), y(m.Share), 0.8, "F")
	}
	// The legend.
	ly := y0 + 9
	pdf.Line(x0, ly-1, x0+8, ly-1)
	pdf.SetTextColor(0, 0, 0)
	pdf.Text(x0+10, ly, T("Domestic share"))
	if slices.ContainsFunc(r.Trend, func(m TrendPoint) bool { return m.HasThreshold }) {
		lx := x0 + 14 + pdf.GetStringWidth(T("Domestic share"))
		pdf.SetDrawColor(214, 39, 40)
		pdf.SetLineWidth(0.4)
		pdf.SetDashPattern([]float64{1.5, 1}, 0)
		pdf.Line(lx, ly-1, lx+8, ly-1)
		pdf.SetDashPattern(nil, 0)
		pdf.Text(lx+10, ly, T("Threshold line"))
	}
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.2)
	pdf.SetXY(pdfMargin, ly+3)
}
