package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// pullingDownRows is how many buyers the target page ranks; the explorer has them all.
const pullingDownRows = 20

// largestContracts is how many contracts to non-producers the target page lists.
const largestContracts = 10

// couldSupply is how many registered producers the target page lists.
const couldSupply = 20

// breakdownRow is one group of a target's breakdown, measured by the target's metric.
type breakdownRow struct {
	Key, Name   string
	Link        string // the explorer narrowed to this group and broken down by buyer
	Total       int64  // tenge in scope
	Domestic    int64  // tenge to domestic producers
	NonDomestic int64  // tenge to other suppliers
	Share       int64  // bp, the target's metric
	Move        int64  // tiyn that had to go to domestic producers (or be local content) to reach the threshold
}

// pullingDown is up to limit buyers that pull p's share down, below its threshold, the most tenge to
// others first.
func pullingDown(buyers []share.Group, p share.Progress, limit int) []share.Group {
	buyers = share.PullingDown(buyers, p.Target.Metric, breakdownThreshold(p))
	if len(buyers) > limit {
		buyers = buyers[:limit]
	}
	return buyers
}

func breakdown(t share.Target, threshold int64, groups []share.Group, name func(share.Group) string) []breakdownRow {
	rows := make([]breakdownRow, len(groups))
	for i, g := range groups {
		rows[i] = breakdownRow{Key: g.Key, Name: name(g), Total: g.Total, Domestic: g.Domestic, NonDomestic: g.NonDomestic(),
			Share: share.MetricFigures(t.Metric, g.Figures).DomesticShare(), Move: share.GapInTenge(t.Metric, g.Figures, threshold)}
	}
	return rows
}

// linked points each row at the explorer: the scope narrowed to the row's key for param, by buyer, the gap
// at the target's threshold.
func linked(rows []breakdownRow, scope share.Scope, param string, threshold int64) []breakdownRow {
	for i, r := range rows {
		if r.Key == "" {
			continue
		}
		q := scopeQuery(scope)
		q.Del(param)
		q.Set(param, r.Key)
		q.Set("group_by", "buyer")
		q.Set("sort", "gap")
		q.Set("threshold", money.FormatThreshold(threshold))
		rows[i].Link = "/explore?" + q.Encode()
	}
	return rows
}

// trend is what target.js draws: the metric by month, the threshold schedule and the projection.
type trend struct {
	Months          []string   `json:"months"`
	Shares          []*float64 `json:"shares"`
	Thresholds      []*float64 `json:"thresholds"`
	Projected       []*float64 `json:"projected"`
	ShareLabel      string     `json:"shareLabel"`
	ThresholdLabel  string     `json:"thresholdLabel"`
	ProjectionLabel string     `json:"projectionLabel"`
}

func trendOf(p share.Progress, T func(string) string) trend {
	tr := trend{ShareLabel: T("Domestic share"), ThresholdLabel: T("Threshold schedule"), ProjectionLabel: T("Projection")}
	pct := func(bp int64) *float64 { v := percent(bp); return &v }
	add := func(month time.Time, actual, projected *float64) {
		tr.Months = append(tr.Months, month.Format("2006-01"))
		tr.Shares = append(tr.Shares, actual)
		tr.Projected = append(tr.Projected, projected)
		var th *float64
		if step, ok := share.ThresholdAt(p.Target.Schedule, month.AddDate(0, 1, -1)); ok {
			th = pct(step.Value)
		}
		tr.Thresholds = append(tr.Thresholds, th)
	}
	for i, m := range p.Monthly {
		f := share.MetricFigures(p.Target.Metric, m.Figures)
		var actual, projected *float64
		if f.Total > 0 {
			actual = pct(f.DomesticShare())
		}
		if i == len(p.Monthly)-1 && len(p.Outlook) > 0 {
			projected = actual // the projection starts where the figures end
		}
		add(m.Month, actual, projected)
	}
	for _, m := range p.Outlook {
		var projected *float64
		if m.Total > 0 {
			projected = pct(m.DomesticShare())
		}
		add(m.Month, nil, projected)
	}
	return tr
}

// targetScope is the scope of a target's progress: its filter over its progress period.
func targetScope(p share.Progress) share.Scope {
	return share.Scope{Filter: p.Target.Filter, From: p.From, To: p.To}
}

// breakdownThreshold is the threshold the breakdowns measure the tenge to move against: the one in force,
// or before the first is in force the next.
func breakdownThreshold(p share.Progress) int64 {
	if !p.InForce && p.Next != nil {
		return p.Next.Value
	}
	return p.Threshold.Value
}

// showTarget answers GET /targets/{slug}?as_of=: the figures, the trend against the threshold schedule
// and the projection, breakdowns by region and buyer type, the buyers that pull the share down and the
// largest contracts that went to other suppliers than domestic producers.
func (s *Server) showTarget(c fiber.Ctx) error {
	lang := language(c)
	T := s.translator(c)
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	t := p.Target
	scope, threshold := targetScope(p), breakdownThreshold(p)
	b, err := s.keptBreakdowns(c.Context(), p)
	if err != nil {
		return err
	}
	named := func(g share.Group) string { return g.Names.In(lang) }
	trendJSON, err := json.Marshal(trendOf(p, T))
	if err != nil {
		return fmt.Errorf("httpapi: trend: %w", err)
	}
	q := scopeQuery(scope)
	data := s.pageData(c, t.Names.In(lang))
	data["Name"], data["P"], data["Status"] = t.Names.In(lang), p, string(p.Shown())
	data["Scope"] = s.describeScope(c, scope)
	data["Regions"] = linked(breakdown(t, threshold, b.regions, named), scope, "region", threshold)
	data["BuyerTypes"] = linked(breakdown(t, threshold, b.types, func(g share.Group) string { return T(g.Key) }), scope, "buyer_type", threshold)
	data["Buyers"] = breakdown(t, threshold, b.buyers, named)
	data["Largest"], data["Producers"] = b.largest, b.producers
	// JSON inside a <script type="application/json"> element; json.Marshal has escaped <, > and &.
	data["Trend"] = template.JS(trendJSON)
	q.Set("group_by", "region")
	data["APIURL"] = "/api/v1/shares?" + q.Encode()
	for key, answer := range map[string]string{"ProgressURL": "progress", "PullingDownURL": "pulling-down",
		"LargestURL": "largest-contracts", "ProducersURL": "producers"} {
		data[key] = "/api/v1/targets/" + t.Slug + "/" + answer + "?as_of=" + p.AsOf.Format(time.DateOnly)
	}
	q.Del("group_by")
	data["CSVURL"] = "/api/v1/items.csv?" + q.Encode()
	if data["ReportMenu"], err = s.targetReportMenu(c, p); err != nil {
		return err
	}
	return c.Render("target", data)
}

// targetReportMenu offers the target's report as of the page's day: this year's in each format, or any
// period, region of the target, language and CSV separator.
func (s *Server) targetReportMenu(c fiber.Ctx, p share.Progress) (reportMenu, error) {
	lang, t := language(c), p.Target
	year := strconv.Itoa(p.AsOf.Year())
	q := url.Values{"period": {year}, "as_of": {p.AsOf.Format(time.DateOnly)}}
	m := newReportMenu(s.translator(c), lang, "/reports/targets/"+t.Slug, q)
	m.Hidden.Del("period")
	m.Period, m.Periods = year, suggestedPeriods(p.AsOf)
	regions, err := s.store.RegionList(c.Context(), s.db)
	if err != nil {
		return m, err
	}
	for _, r := range regions {
		if len(t.Regions) == 0 || slices.Contains(t.Regions, r.Code) {
			m.Regions = append(m.Regions, reportRegion{Code: r.Code, Name: r.Names.In(lang)})
		}
	}
	if len(m.Regions) == 1 {
		m.Regions = nil // the target's one region is the report's already
	}
	return m, nil
}

// targetBreakdowns are a target page's tables over its scope; buyers are those that pull the share down
// most, so that a kept page holds tens of rows, not a year's buyers.
type targetBreakdowns struct {
	regions, types, buyers []share.Group
	largest                []store.ContractRow
	producers              []store.Capacity
}

// keptBreakdowns are the tables of p's target page, kept with the progress until the figures, the
// register or the target change; none before the target's period starts.
func (s *Server) keptBreakdowns(ctx context.Context, p share.Progress) (targetBreakdowns, error) {
	if p.To.Before(p.From) {
		return targetBreakdowns{}, nil
	}
	return kept(s.progressCache, progressKey{kind: "target page", slug: p.Target.Slug, asOf: p.AsOf}, func() (targetBreakdowns, error) {
		return s.targetBreakdowns(ctx, p)
	})
}

// targetBreakdowns reads the tables side by side.
func (s *Server) targetBreakdowns(ctx context.Context, p share.Progress) (targetBreakdowns, error) {
	scope := targetScope(p)
	var b targetBreakdowns
	g, gctx := s.queries(ctx)
	g.Go(func() (err error) {
		b.producers, err = s.store.RegisterListCapacity(gctx, s.db, scope, couldSupply)
		return err
	})
	g.Go(func() (err error) {
		b.regions, err = s.store.ShareGroupsGet(gctx, s.db, scope, "region")
		return err
	})
	g.Go(func() (err error) {
		b.types, err = s.store.ShareGroupsGet(gctx, s.db, scope, "buyer_type")
		return err
	})
	g.Go(func() (err error) {
		buyers, err := s.store.ShareGroupsGet(gctx, s.db, scope, "buyer")
		b.buyers = pullingDown(buyers, p, pullingDownRows)
		return err
	})
	g.Go(func() (err error) {
		b.largest, err = s.store.ContractListLargestNonDomestic(gctx, s.db, scope, largestContracts)
		return err
	})
	return b, g.Wait()
}
