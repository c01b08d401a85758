package httpapi

import (
	"encoding/json"
	"fmt"
	"html/template"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

type regionRow struct {
	Name                        string
	Total, Domestic, Share, Gap int64
}

type trend struct {
	Months         []string   `json:"months"`
	Shares         []*float64 `json:"shares"`
	Threshold      *float64   `json:"threshold"`
	ShareLabel     string     `json:"shareLabel"`
	ThresholdLabel string     `json:"thresholdLabel"`
}

// showTarget answers GET /targets/{slug}?as_of=: the figures, the monthly trend against the threshold and
// the breakdown by region.
func (s *Server) showTarget(c fiber.Ctx) error {
	lang := language(c)
	T := s.translator(c)
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	_, groups, err := s.store.SharesGet(c.Context(), s.db, share.Scope{Filter: p.Target.Filter, From: p.From, To: p.To}, "region")
	if err != nil {
		return err
	}
	regions := make([]regionRow, len(groups))
	for i, g := range groups {
		regions[i] = regionRow{Name: g.Names.In(lang), Total: g.Total, Domestic: g.Domestic, Share: g.DomesticShare(),
			Gap: share.GapAmount(g.Total, g.Domestic, p.Threshold.Value)}
	}
	tr := trend{ShareLabel: T("Domestic share"), ThresholdLabel: T("Threshold line")}
	if p.InForce {
		v := percent(p.Threshold.Value)
		tr.Threshold = &v
	}
	for _, m := range p.Monthly {
		tr.Months = append(tr.Months, m.Month.Format("2006-01"))
		var v *float64
		if m.Total > 0 {
			x := percent(m.DomesticShare())
			v = &x
		}
		tr.Shares = append(tr.Shares, v)
	}
	trendJSON, err := json.Marshal(tr)
	if err != nil {
		return fmt.Errorf("httpapi: trend: %w", err)
	}
	q := scopeQuery(share.Scope{Filter: p.Target.Filter, From: p.From, To: p.To})
	q.Set("group_by", "region")
	data := s.pageData(c, p.Target.Names.In(lang))
	data["Name"], data["P"], data["Status"], data["Regions"] = p.Target.Names.In(lang), p, string(p.Status), regions
	// JSON inside a <script type="application/json"> element; json.Marshal has escaped <, > and &.
	data["Trend"] = template.JS(trendJSON)
	data["APIURL"] = "/api/v1/shares?" + q.Encode()
	return c.Render("target", data)
}
