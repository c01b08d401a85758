package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// ErrNoData means the scope bought nothing counted in the period: a report of zeros would read as a
// share of 0 %.
var ErrNoData = errors.New("no counted purchases")

// Words are a reason before its values went in: a catalog holds Format as a key (NoDataFormats,
// ArgumentFormats, PeriodFormats), so that a page says the reason in its language.
type Words struct {
	Format string
	Args   []any
}

func (w Words) String() string { return fmt.Sprintf(w.Format, w.Args...) }

// NoDataError is ErrNoData with the scope and period it is of.
type NoDataError struct{ Words }

func (e *NoDataError) Error() string { return "report: " + e.String() }

// Unwrap makes a NoDataError ErrNoData for errors.Is.
func (e *NoDataError) Unwrap() error { return ErrNoData }

// The scopes without purchases, which the words of ErrNoData follow.
const (
	noDataFuture       = "period %s starts after today (%s): no counted purchases in it yet"
	noDataFilter       = "the filter, %s to %s: no counted purchases: widen the filter or choose another period"
	noDataTarget       = "target %q, %s to %s: no counted purchases: choose another period or region"
	noDataTargetRegion = "target %q in region %s, %s to %s: no counted purchases: choose another period or region"
)

// NoDataFormats are every NoDataError's Format.
var NoDataFormats = []string{noDataFuture, noDataFilter, noDataTarget, noDataTargetRegion}

func noData(format string, args ...any) error { return &NoDataError{Words{format, args}} }

// How many rows the lists that rank (rather than break down) hold: the target page shows fewer.
const (
	producerRows = 500
	largestRows  = 50
)

// ArgumentError is a request the store cannot answer as asked: a target or a category it does not have,
// a region it does not know or outside the target. Argument names the request's field: "target",
// "category" or "region".
type ArgumentError struct {
	Argument string
	Words
}

func (e *ArgumentError) Error() string { return "report: " + e.String() }

// The reasons an argument is refused.
const (
	argNoTarget       = "there is no target %q: `ules target list` lists them"
	argRegionCode     = "region %q: want a region's two-digit KATO code, such as 75 (Almaty) or 71 (Astana)"
	argRegionOutside  = "region %s is outside target %q, which covers regions %s"
	argRegionOfFilter = "a region narrows a target; a report of a filter names its regions in the filter"
	argNoCategory     = "there is no category %q"
)

// ArgumentFormats are every ArgumentError's Format.
var ArgumentFormats = []string{argNoTarget, argRegionCode, argRegionOutside, argRegionOfFilter, argNoCategory}

func argumentError(argument, format string, args ...any) error {
	return &ArgumentError{Argument: argument, Words: Words{format, args}}
}

// Request is what a report is asked for: a target's report, or, when Target is "", a report of Filter
// (the explorer's), whose headline has no threshold, gap or status.
type Request struct {
	Target string // slug; "" for a report of Filter
	// Filter is the scope of a report without a target; Region does not apply to it (it names its own
	// regions). Ignored when Target is set.
	Filter share.Filter
	Period Period
	Region string // a two-digit KATO code that narrows the target's scope; "" keeps it
	Lang   string // kk, ru or en
	// Today is the day the report is made: the figures run to the period's end, or to Today when the
	// period has not ended. Fixed in tests so a report is reproducible.
	Today time.Time
}

// Report is everything a report shows, in plain values: money in tiyn, shares in basis points.
type Report struct {
	Lang string
	// Target is the target the report is of, with its filter narrowed to the region asked for. A report
	// of a filter has a Target with that filter, the metric by value and no slug, names or schedule.
	Target share.Target
	Region store.Region // Code "" when the report keeps the target's regions
	Period Period
	// AsOf is the last day the figures cover: the period's end, or the day the report was made.
	AsOf     time.Time
	DataAsOf time.Time // when the newest committed import finished
	// TwoSources and TwiceTotal are the rows of the data-quality page's contracts that two sources may
	// both hold in the period, of every category, and the tenge they may count twice.
	TwoSources, TwiceTotal int64
	Figures                share.Figures
	Headline               Headline
	Regions, BuyerTypes    []Row
	Buyers                 []Row // the buyers that pull the share down first, the most tenge to others first
	Producers              []store.Capacity
	Largest                []store.ContractRow
	Trend                  []TrendPoint

	scope     []Field // the filter in words
	catalog   *locale.Catalog
	regionsBy map[string]share.Names
	category  share.Names
}

// Headline is the report's answer in a few figures.
type Headline struct {
	ShareValue, ShareCount int64          // bp of the period's value and items that went to domestic producers
	Value                  int64          // bp by the target's metric
	Threshold              int64          // bp in force on AsOf (or, before the first step, the next one)
	InForce                bool           // false before the schedule's first step
	GapPoints              int64          // bp
	GapTenge               int64          // tiyn that had to go to domestic producers to reach Threshold
	Progress               share.Progress // the target measured as of AsOf over its own window: projection and status
}

// Row is one group of a breakdown measured by the target's metric.
type Row struct {
	Key, Name string
	share.Figures
	Share  int64 // bp by the target's metric
	ToMove int64 // tiyn that had to go to domestic producers (or be local content) to reach the threshold
}

// TrendPoint is one month of the period.
type TrendPoint struct {
	Month time.Time
	share.Figures
	Share        int64 // bp by the target's metric; meaningless when Total is 0
	Threshold    int64 // bp in force at the month's end
	HasThreshold bool
}

// Field is one labelled line of the filter or the headline, in the report's language.
type Field struct{ Label, Value string }

// Build reads a report from the store. progress, when not nil, is told each step as it starts, of steps
// in all.
func Build(ctx context.Context, db store.DBTX, st *store.Store, catalog *locale.Catalog, req Request, progress func(step, steps int)) (*Report, error) {
	if !locale.Known(req.Lang) {
		return nil, fmt.Errorf("report: language %q: want %s", req.Lang, strings.Join(locale.Languages, ", "))
	}
	const steps = 9
	tick := func(step int) {
		if progress != nil {
			progress(step, steps)
		}
	}
	tick(1)
	r := &Report{Lang: req.Lang, Period: req.Period, catalog: catalog}
	regions, err := st.RegionList(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.regionsBy = map[string]share.Names{}
	for _, reg := range regions {
		r.regionsBy[reg.Code] = reg.Names
	}
	if req.Target != "" {
		err = r.readTarget(ctx, db, st, req)
	} else {
		err = r.readFilter(ctx, db, st, req)
	}
	if err != nil {
		return nil, err
	}
	t := r.Target

	today := req.Today.UTC().Truncate(24 * time.Hour)
	if today.Before(req.Period.From) {
		return nil, noData(noDataFuture, req.Period.Spec, today.Format(time.DateOnly))
	}
	r.AsOf = req.Period.To
	if today.Before(r.AsOf) {
		r.AsOf = today
	}
	scope := share.Scope{Filter: t.Filter, From: req.Period.From, To: r.AsOf}

	tick(2)
	total, months, err := st.SharesGet(ctx, db, scope, "month")
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if total.Items == 0 {
		from, to := scope.From.Format(time.DateOnly), scope.To.Format(time.DateOnly)
		switch {
		case !r.HasTarget():
			return nil, noData(noDataFilter, from, to)
		case r.Region.Code != "":
			return nil, noData(noDataTargetRegion, t.Slug, r.Region.Code, from, to)
		}
		return nil, noData(noDataTarget, t.Slug, from, to)
	}
	r.Figures = total

	tick(3)
	if r.HasTarget() {
		p, err := st.TargetProgress(ctx, db, t, r.AsOf)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		r.Headline = headline(t, total, p)
	} else {
		r.Headline = Headline{ShareValue: total.DomesticShare(), ShareCount: total.DomesticShareByCount(), Value: total.DomesticShare()}
	}
	r.Trend = trend(t, scope, months)

	threshold := r.Headline.Threshold
	for i, g := range []struct {
		by  string
		out *[]Row
	}{{"region", &r.Regions}, {"buyer_type", &r.BuyerTypes}, {"buyer", &r.Buyers}} {
		tick(4 + i)
		groups, err := st.ShareGroupsGet(ctx, db, scope, g.by)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if g.by == "buyer" {
			// A filter's report has no threshold: every buyer short of all to domestic producers comes first.
			groups = pullingDownFirst(groups, t.Metric, cmp.Or(threshold, money.BasisPointsPerUnit))
		}
		*g.out = rows(t, threshold, groups, r.groupName(g.by))
	}
	if r.Ranked() {
		tick(7)
		if r.Producers, err = st.RegisterListCapacity(ctx, db, scope, producerRows); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		tick(8)
		if r.Largest, err = st.ContractListLargestNonDomestic(ctx, db, scope, largestRows); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	tick(9)
	r.DataAsOf, err = st.BatchLatestCommittedAt(ctx, db)
	if err != nil && !errors.Is(err, store.ErrNotFound) { // rows written outside an import have no time
		return nil, fmt.Errorf("report: %w", err)
	}
	if r.TwoSources, r.TwiceTotal, err = st.TwoSourcesIn(ctx, db, scope.From, scope.To); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.scope = r.describe()
	return r, nil
}

// readTarget reads the target the request names, narrowed to its region, and its category's names.
func (r *Report) readTarget(ctx context.Context, db store.DBTX, st *store.Store, req Request) error {
	t, err := st.TargetGetBySlug(ctx, db, req.Target)
	if errors.Is(err, store.ErrNotFound) {
		return argumentError("target", argNoTarget, req.Target)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if req.Region != "" {
		names, ok := r.regionsBy[req.Region]
		if !ok {
			return argumentError("region", argRegionCode, req.Region)
		}
		if len(t.Regions) > 0 && !slices.Contains(t.Regions, req.Region) {
			return argumentError("region", argRegionOutside, req.Region, t.Slug, strings.Join(t.Regions, ", "))
		}
		r.Region = store.Region{Code: req.Region, Names: names}
		t.Regions = []string{req.Region}
	}
	r.Target = t
	cat, err := st.CategoryGetBySlug(ctx, db, t.Category)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	r.category = cat.Names
	return nil
}

// readFilter takes the request's filter as the scope of a report without a target, measured by value.
func (r *Report) readFilter(ctx context.Context, db store.DBTX, st *store.Store, req Request) error {
	if req.Region != "" {
		return argumentError("region", argRegionOfFilter)
	}
	f := req.Filter
	r.Target = share.Target{Filter: f, Metric: share.MetricValue}
	T := r.T()
	all := func(s string) share.Names { return share.Names{KK: s, RU: s, EN: s} }
	switch {
	case f.Unclassified:
		r.category = all(T("Not classified"))
	case f.Category == "":
		r.category = all(T("All categories"))
	default:
		cat, err := st.CategoryGetBySlug(ctx, db, f.Category)
		if errors.Is(err, store.ErrNotFound) {
			return argumentError("category", argNoCategory, f.Category)
		}
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		r.category = cat.Names
	}
	return nil
}

// HasTarget says whether the report is a target's (rather than a filter's, without a threshold).
func (r *Report) HasTarget() bool { return r.Target.Slug != "" }

// Ranked says whether the report lists the producers that could supply and the largest contracts to
// non-producers: both are a category's and know its regions, buyer types and methods alone, so a filter
// that names no category, or a buyer, a supplier or a tier, goes without them rather than show lists it
// did not choose.
func (r *Report) Ranked() bool {
	f := r.Target.Filter
	return r.HasTarget() || (f.Category != "" && !f.Unclassified && f.Buyer == "" && f.Supplier == "" && len(f.Tiers) == 0)
}

// headline measures the period's figures by the target's metric against the threshold in force on the
// period's last day; projection and status are the target's own, over its window as of that day.
func headline(t share.Target, f share.Figures, p share.Progress) Headline {
	h := Headline{ShareValue: f.DomesticShare(), ShareCount: f.DomesticShareByCount(), Progress: p,
		Threshold: p.Threshold.Value, InForce: p.InForce}
	if !p.InForce && p.Next != nil {
		h.Threshold = p.Next.Value
	}
	m := share.MetricFigures(t.Metric, f)
	h.Value = m.DomesticShare()
	if h.InForce {
		h.GapPoints = share.GapPoints(h.Value, h.Threshold)
		h.GapTenge = share.GapInTenge(t.Metric, f, h.Threshold)
	}
	return h
}

// pullingDownFirst ranks buyers as the target page does, those below the threshold first by the tenge
// they sent elsewhere, then the others by value.
func pullingDownFirst(groups []share.Group, metric string, threshold int64) []share.Group {
	out := share.PullingDown(groups, metric, threshold)
	down := make(map[string]bool, len(out))
	for _, g := range out {
		down[g.Key] = true
	}
	var rest []share.Group
	for _, g := range groups {
		if !down[g.Key] {
			rest = append(rest, g)
		}
	}
	slices.SortStableFunc(rest, func(a, b share.Group) int { return cmp.Compare(b.Total, a.Total) })
	return append(out, rest...)
}

func rows(t share.Target, threshold int64, groups []share.Group, name func(share.Group) string) []Row {
	out := make([]Row, len(groups))
	for i, g := range groups {
		out[i] = Row{Key: g.Key, Name: name(g), Figures: g.Figures,
			Share: share.MetricFigures(t.Metric, g.Figures).DomesticShare(), ToMove: share.GapInTenge(t.Metric, g.Figures, threshold)}
	}
	return out
}

// trend is every month of the scope, those without purchases too, so a chart's axis has no holes.
func trend(t share.Target, scope share.Scope, months []share.Group) []TrendPoint {
	byMonth := map[string]share.Figures{}
	for _, g := range months {
		byMonth[g.Key] = g.Figures
	}
	var out []TrendPoint
	for m := share.MonthOf(scope.From); !m.After(scope.To); m = m.AddDate(0, 1, 0) {
		f := byMonth[m.Format(share.MonthKey)]
		pt := TrendPoint{Month: m, Figures: f, Share: share.MetricFigures(t.Metric, f).DomesticShare()}
		pt.Threshold, pt.HasThreshold = thresholdValue(t.Schedule, m.AddDate(0, 1, -1))
		out = append(out, pt)
	}
	return out
}

func thresholdValue(schedule []share.Threshold, d time.Time) (int64, bool) {
	s, ok := share.ThresholdAt(schedule, d)
	return s.Value, ok
}

// groupName names a breakdown's group in the report's language: buyer types by the catalog, the rest by
// their own names.
func (r *Report) groupName(by string) func(share.Group) string {
	T := r.T()
	return func(g share.Group) string {
		if by == "buyer_type" {
			return T(g.Key)
		}
		return g.Names.In(r.Lang)
	}
}

// T translates the report's own words.
func (r *Report) T() func(string) string { return r.catalog.Translator(r.Lang) }

// Title is the target's name in the report's language; a filter's report is titled by its category.
func (r *Report) Title() string {
	if !r.HasTarget() {
		return r.T()("Domestic share") + ": " + r.category.In(r.Lang)
	}
	return r.Target.Names.In(r.Lang)
}

// Scope says in words what the figures cover, line by line.
func (r *Report) Scope() []Field { return r.scope }

// describe says the filter in words, as the target page does (httpapi's describeScope), with the
// period, the day the figures run to and the data's date.
func (r *Report) describe() []Field {
	T, lang, t := r.T(), r.Lang, r.Target
	dataAsOf := T("None")
	if !r.DataAsOf.IsZero() {
		dataAsOf = locale.DateTime(lang, r.DataAsOf)
	}
	var fields []Field
	if r.HasTarget() {
		fields = append(fields, Field{T("Target"), t.Names.In(lang)})
		if b := t.Basis.In(lang); b != "" {
			fields = append(fields, Field{T("Target basis"), b})
		}
	}
	fields = append(fields, Field{T("Category"), r.category.In(lang)})
	regions := T("All regions")
	if len(t.Regions) > 0 {
		names := make([]string, len(t.Regions))
		for i, code := range t.Regions {
			names[i] = r.regionsBy[code].In(lang)
			if names[i] == "" {
				names[i] = code
			}
		}
		regions = strings.Join(names, ", ")
	}
	types := T("All buyer types")
	if len(t.BuyerTypes) > 0 {
		shown := make([]string, len(t.BuyerTypes))
		for i, bt := range t.BuyerTypes {
			shown[i] = T(bt)
		}
		types = strings.Join(shown, ", ")
	}
	methods := T("All methods")
	if len(t.Methods) > 0 {
		methods = strings.Join(t.Methods, ", ")
	}
	fields = append(fields, Field{T("Regions"), regions}, Field{T("Buyer types"), types}, Field{T("Methods"), methods})
	if len(t.Tiers) > 0 {
		shown := make([]string, len(t.Tiers))
		for i, st := range t.Tiers {
			shown[i] = T(fmt.Sprintf("tier %d", st))
		}
		fields = append(fields, Field{T("Supplier tier"), strings.Join(shown, ", ")})
	}
	if t.Buyer != "" {
		fields = append(fields, Field{T("Buyer"), t.Buyer})
	}
	if t.Supplier != "" {
		fields = append(fields, Field{T("Supplier"), t.Supplier})
	}
	if r.HasTarget() {
		fields = append(fields, Field{T("Target metric"), T(t.Metric)})
	}
	fields = append(fields,
		Field{T("Period"), r.Period.Spec + ": " + locale.Date(lang, r.Period.From) + " — " + locale.Date(lang, r.Period.To)},
		Field{T("Figures to"), locale.Date(lang, r.AsOf)},
		Field{T("Data as of"), dataAsOf},
		Field{T("Sums"), T("Sums with VAT")},
	)
	if r.TwoSources > 0 {
		fields = append(fields, Field{T("Contracts from two sources"),
			fmt.Sprintf(T("two sources in the report"), locale.Number(lang, r.TwoSources), locale.Tenge(lang, r.TwiceTotal))})
	}
	return fields
}

// Methodology is the paragraph on what counts, in the report's language: which contracts, who is a
// domestic producer, and local content by Order No. 260 (the same words as the methodology page).
func (r *Report) Methodology() []string {
	T := r.T()
	return []string{T("Method counts"), T("Method amendments"), T("Method VAT"), T("Method tiers"), T("Method local content")}
}
