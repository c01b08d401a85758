package report

import (
	"cmp"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/units"
)

// Kind is what a cell holds, so each writer gives it its format: a number format in XLSX, grouped
// digits in PDF, a plain decimal in CSV.
type Kind int

// The kinds of cell.
const (
	Text    Kind = iota
	Money        // N tiyn
	Percent      // N basis points
	Points       // N basis points of a gap, shown as percentage points
	Count        // N
	Date         // Time
	Decimal      // Text is a plain decimal ("1200.5"), as the register states capacities
)

// Cell is one value of a table.
type Cell struct {
	Kind Kind
	Text string
	N    int64
	Time time.Time
}

// Empty is a cell with nothing in it: a share of a month without purchases, a capacity not stated.
var Empty = Cell{}

func text(s string) Cell    { return Cell{Kind: Text, Text: s} }
func tenge(tiyn int64) Cell { return Cell{Kind: Money, N: tiyn} }
func pct(bp int64) Cell     { return Cell{Kind: Percent, N: bp} }
func count(n int64) Cell    { return Cell{Kind: Count, N: n} }
func date(t time.Time) Cell { return Cell{Kind: Date, Time: t} }
func decimal(s string) Cell { return Cell{Kind: Decimal, Text: s} }
func points(bp int64) Cell  { return Cell{Kind: Points, N: bp} }

// orEmpty is c when ok, else an empty cell.
func orEmpty(ok bool, c Cell) Cell {
	if !ok {
		return Empty
	}
	return c
}

// Format writes a cell for reading in lang: "1 234 568 ₸", "39,5 %", "31.12.2025".
func (c Cell) Format(lang string, T func(string) string) string {
	switch c.Kind {
	case Money:
		return locale.Tenge(lang, c.N)
	case Percent:
		return locale.Percent(lang, c.N)
	case Points:
		return locale.Points(lang, c.N) + " " + T("points")
	case Count:
		return locale.Number(lang, c.N)
	case Date:
		if c.Time.IsZero() {
			return ""
		}
		return locale.Date(lang, c.Time)
	case Decimal:
		return locale.Decimal(lang, c.Text)
	}
	return c.Text
}

// Column is a table's column: its heading and how wide it is relative to the others.
type Column struct {
	Header string
	Kind   Kind
	Width  float64 // relative; the PDF divides the page by it, the XLSX sizes columns with it
}

// Table is one of a report's tables, translated.
type Table struct {
	ID      string // stable, language-free: "regions", "buyers" (file names, tests)
	Title   string
	Note    string // a sentence under the title, or ""
	Columns []Column
	Rows    [][]Cell
}

// Summary is the headline as label and value pairs.
func (r *Report) Summary() Table {
	T, h, f := r.T(), r.Headline, r.Figures
	p := h.Progress
	rows := [][]Cell{
		{text(T("Purchases")), tenge(f.Total)},
		{text(T("From domestic producers")), tenge(f.Domestic)},
		{text(T("Share by value")), pct(h.ShareValue)},
		{text(T("Share by count")), pct(h.ShareCount)},
		{text(T("Items")), count(f.Items)},
		{text(T("Contracts")), count(f.Contracts)},
		{text(T("Local content")), pct(f.LocalContentShare())},
		{text(T("Local content by certificates")), pct(f.LocalContentCertifiedShare())},
	}
	if !r.HasTarget() { // a filter has no threshold to measure against
		return Table{ID: "summary", Title: T("Summary"),
			Columns: []Column{{Header: T("Summary"), Kind: Text, Width: 3}, {Header: T("Value"), Kind: Text, Width: 2}}, Rows: rows}
	}
	rows = append(rows, [][]Cell{
		{text(T("Target metric")), text(T(r.Target.Metric))},
		{text(T("Value by the target's metric")), pct(h.Value)},
	}...)
	if h.InForce {
		rows = append(rows,
			[]Cell{text(T("Threshold in force")), pct(h.Threshold)},
			[]Cell{text(T("Gap in points")), points(h.GapPoints)},
			[]Cell{text(T("Gap in tenge")), tenge(h.GapTenge)})
	} else {
		rows = append(rows, []Cell{text(T("Threshold in force")), text(T("not_started"))})
	}
	rows = append(rows,
		[]Cell{text(T("Status measured over")), text(locale.Date(r.Lang, p.From) + " — " + locale.Date(r.Lang, p.To))})
	// A quarter or a span across years is not the window the status is judged on: its own value and gap
	// stand beside the period's, so that a good quarter does not read as a target without a gap.
	if p.Status.Verdict() && (!p.From.Equal(r.Period.From) || !p.To.Equal(r.AsOf)) {
		rows = append(rows, []Cell{text(T("Value over that window")), pct(p.Value)})
		if h.InForce {
			rows = append(rows,
				[]Cell{text(T("Gap in points over that window")), points(p.GapPoints)},
				[]Cell{text(T("Gap in tenge over that window")), tenge(p.GapAmount)})
		}
	}
	rows = append(rows, []Cell{text(T("Status")), text(T(string(p.Shown())))})
	if p.Status.Verdict() {
		rows = append(rows,
			[]Cell{text(T("Deadline")), date(p.Deadline)},
			[]Cell{text(T("Projected at the deadline")), pct(p.Projected)})
		switch p.Basis {
		case share.BasisSeasonal:
			rows = append(rows, []Cell{text(T("Projection")), text(T("Projection basis seasonal"))})
		case share.BasisTrend:
			rows = append(rows, []Cell{text(T("Projection")), text(T("Projection basis trend"))})
		}
	}
	return Table{ID: "summary", Title: T("Summary"),
		Columns: []Column{{Header: T("Summary"), Kind: Text, Width: 3}, {Header: T("Value"), Kind: Text, Width: 2}}, Rows: rows}
}

// breakdownColumns are the columns of a breakdown after its name; a filter's report, without a
// threshold, has no tenge to move.
func (r *Report) breakdownColumns(first ...Column) []Column {
	T := r.T()
	cols := append(first,
		Column{T("Purchases"), Money, 1.4}, Column{T("From domestic producers"), Money, 1.4},
		Column{T("To non-producers"), Money, 1.4}, Column{T("Share"), Percent, 0.8})
	if r.HasTarget() {
		cols = append(cols, Column{T("To move"), Money, 1.4})
	}
	return append(cols, Column{T("Items"), Count, 1}, Column{T("Contracts"), Count, 1})
}

func (r *Report) breakdownCells(row Row) []Cell {
	cells := []Cell{tenge(row.Total), tenge(row.Domestic), tenge(row.NonDomestic()), pct(row.Share)}
	if r.HasTarget() {
		cells = append(cells, tenge(row.ToMove))
	}
	return append(cells, count(row.Items), count(row.Contracts))
}

// Tables are the report's tables in the order a reader meets them.
func (r *Report) Tables() []Table {
	T := r.T()
	regions := Table{ID: "regions", Title: T("By region"), Columns: r.breakdownColumns(Column{T("Code"), Text, 0.6}, Column{T("Region"), Text, 2.2})}
	for _, row := range r.Regions {
		regions.Rows = append(regions.Rows, append([]Cell{text(row.Key), text(row.Name)}, r.breakdownCells(row)...))
	}
	types := Table{ID: "buyer-types", Title: T("By buyer type"), Columns: r.breakdownColumns(Column{T("Buyer type"), Text, 2.7})}
	for _, row := range r.BuyerTypes {
		types.Rows = append(types.Rows, append([]Cell{text(row.Name)}, r.breakdownCells(row)...))
	}
	buyers := Table{ID: "buyers", Title: T("By buyer"), Note: T("By buyer note"),
		Columns: r.breakdownColumns(Column{T("BIN"), Text, 1.1}, Column{T("Buyer"), Text, 2.6})}
	for _, row := range r.Buyers {
		buyers.Rows = append(buyers.Rows, append([]Cell{text(row.Key), text(row.Name)}, r.breakdownCells(row)...))
	}
	unranked := ""
	if !r.Ranked() {
		unranked = T("Report lists need one category")
	}
	producers := Table{ID: "producers", Title: T("Who could supply"), Note: cmp.Or(unranked, T("Who could supply detail")),
		Columns: []Column{{T("BIN"), Text, 1.1}, {T("Producer"), Text, 2.6}, {T("Region"), Text, 1.6},
			{T("Capacity"), Decimal, 1}, {T("Unit"), Text, 0.7}, {T("Won quantity"), Decimal, 1},
			{T("Spare capacity"), Decimal, 1}, {T("Load"), Percent, 0.8}, {T("Won value"), Money, 1.4},
			{T("Won in other units"), Text, 1.2}}}
	for _, p := range r.Producers {
		load, hasLoad := p.Load()
		name := p.Names.In(r.Lang)
		if name == "" { // the register gives BINs only; a producer never on record as a supplier has no name here
			name = T("Not on record as a supplier")
		}
		producers.Rows = append(producers.Rows, []Cell{text(p.BIN), text(name), text(p.Region.Names.In(r.Lang)),
			orEmpty(p.Capacity != "", decimal(p.Capacity)), text(units.CapacityIn(r.Lang, p.Unit)), decimal(p.WonQuantity),
			orEmpty(p.Spare() != "", decimal(p.Spare())), orEmpty(hasLoad, pct(load)), tenge(p.WonValue),
			text(elsewhere(p, r.Lang, T))})
	}
	largest := Table{ID: "largest", Title: T("Largest contracts to non-producers"), Note: unranked,
		Columns: []Column{{T("Signed"), Date, 0.9}, {T("Contract"), Text, 1.1}, {T("Buyer"), Text, 2.2}, {T("Supplier"), Text, 2.2},
			{T("Country"), Text, 0.6}, {T("Value in scope"), Money, 1.4}, {T("To non-producers"), Money, 1.4}}}
	for _, c := range r.Largest {
		largest.Rows = append(largest.Rows, []Cell{date(c.SignedOn), text(c.SourceID), text(c.BuyerNames.In(r.Lang)),
			text(c.SupplierNames.In(r.Lang)), text(c.SupplierCountry), tenge(c.ScopeValue), tenge(c.NonDomesticValue())})
	}
	return []Table{r.Summary(), regions, types, buyers, producers, largest, r.TrendTable()}
}

// TrendTable is the monthly trend: the chart's data.
func (r *Report) TrendTable() Table {
	T := r.T()
	tr := Table{ID: "trend", Title: T("Monthly trend"),
		Columns: []Column{{T("Month"), Text, 1}, {T("Purchases"), Money, 1.6}, {T("From domestic producers"), Money, 1.6},
			{T("Share"), Percent, 1}, {T("Threshold"), Percent, 1}, {T("Items"), Count, 0.8}}}
	for _, m := range r.Trend {
		tr.Rows = append(tr.Rows, []Cell{text(m.Month.Format(share.MonthKey)), tenge(m.Total), tenge(m.Domestic),
			orEmpty(share.MetricFigures(r.Target.Metric, m.Figures).Total > 0, pct(m.Share)),
			orEmpty(m.HasThreshold, pct(m.Threshold)), count(m.Items)})
	}
	return tr
}

// elsewhere says what a producer won in other units than its capacity's, which its spare capacity leaves
// out, or that the capacity's unit could not be compared.
func elsewhere(p store.Capacity, lang string, T func(string) string) string {
	if p.Capacity != "" && !p.Compared {
		return T("units not compared")
	}
	parts := make([]string, len(p.Elsewhere))
	for i, q := range p.Elsewhere {
		parts[i] = locale.Quantity(lang, q.Quantity) + " " + cmp.Or(units.NameIn(lang, q.Unit), q.Unit)
	}
	return strings.Join(parts, "; ")
}
