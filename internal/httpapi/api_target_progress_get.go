package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
)

// monthJSON is a month's figures; its share is the target's metric, null without purchases.
type monthJSON struct {
	Month         string   `json:"month"`
	Total         string   `json:"total"`
	Domestic      string   `json:"domestic"`
	LocalContent  string   `json:"local_content"`
	Items         int64    `json:"items"`
	DomesticItems int64    `json:"domestic_items"`
	Share         *float64 `json:"share"`
}

// progressJSON leaves out (null) what is not true yet: the value and the gap without purchases in scope
// (no_data), the threshold and the verdict before the first threshold is in force (not_started).
type progressJSON struct {
	Slug          string         `json:"slug"`
	Metric        string         `json:"metric"`
	Scope         scopeJSON      `json:"scope"`
	AsOf          string         `json:"as_of"`
	From          string         `json:"from"`
	To            string         `json:"to"`
	Deadline      string         `json:"deadline"`
	Currency      string         `json:"currency"`
	Value         *float64       `json:"value"`
	Threshold     *float64       `json:"threshold"`
	GapPoints     *float64       `json:"gap_points"`
	GapAmount     *string        `json:"gap_amount"`
	Projected     *float64       `json:"projected"`
	Basis         *string        `json:"projection_basis"` // seasonal or trend; null when nothing was projected
	Status        string         `json:"status"`
	NextThreshold *thresholdJSON `json:"next_threshold"`
	MonthsLeft    int            `json:"months_left"`
	Figures       figuresJSON    `json:"figures"`
	Monthly       []monthJSON    `json:"monthly"`
	// Outlook is the months left as the projection estimated them, in the metric's terms.
	Outlook []outlookJSON `json:"outlook"`
}

// outlookJSON is a month the projection estimated, in the metric's terms: tenge for value and local content
// (domestic is then the local content), items for a count; the other pair is null.
type outlookJSON struct {
	Month         string   `json:"month"`
	Total         *string  `json:"total"`
	Domestic      *string  `json:"domestic"`
	Items         *int64   `json:"items"`
	DomesticItems *int64   `json:"domestic_items"`
	Share         *float64 `json:"share"`
}

// apiGetTargetProgress answers GET /api/v1/targets/{slug}/progress?as_of=.
func (s *Server) apiGetTargetProgress(c fiber.Ctx) error {
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	out := progressJSON{
		Slug: p.Target.Slug, Metric: p.Target.Metric, Scope: scopeOf(p.Target.Filter), AsOf: p.AsOf.Format(time.DateOnly),
		From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), Deadline: p.Deadline.Format(time.DateOnly),
		Currency: "KZT", Status: string(p.Status), MonthsLeft: p.MonthsLeft,
		Figures: figuresOf(p.Figures), Monthly: make([]monthJSON, len(p.Monthly)), Outlook: make([]outlookJSON, len(p.Outlook)),
	}
	pct := func(bp int64) *float64 { v := percent(bp); return &v }
	if p.Figures.Total > 0 {
		out.Value = pct(p.Value)
	}
	if p.InForce {
		out.Threshold = pct(p.Threshold.Value)
	}
	if p.Status.Verdict() {
		gap := money.FormatMajor(p.GapAmount)
		out.GapPoints, out.GapAmount, out.Projected = pct(p.GapPoints), &gap, pct(p.Projected)
	}
	if p.Basis != share.BasisNone {
		b := string(p.Basis)
		out.Basis = &b
	}
	// A share of no purchases is no figure.
	shareOf := func(f share.Figures) *float64 {
		if f.Total <= 0 {
			return nil
		}
		return pct(f.DomesticShare())
	}
	for i, m := range p.Outlook {
		o := outlookJSON{Month: m.Month.Format("2006-01"), Share: shareOf(m.Figures)}
		if p.Target.Metric == share.MetricCount {
			o.Items, o.DomesticItems = &m.Total, &m.Domestic
		} else {
			total, part := money.FormatMajor(m.Total), money.FormatMajor(m.Domestic)
			o.Total, o.Domestic = &total, &part
		}
		out.Outlook[i] = o
	}
	if p.Next != nil {
		out.NextThreshold = &thresholdJSON{EffectiveFrom: p.Next.EffectiveFrom.Format(time.DateOnly), Threshold: percent(p.Next.Value)}
	}
	for i, m := range p.Monthly {
		out.Monthly[i] = monthJSON{Month: m.Month.Format("2006-01"), Total: money.FormatMajor(m.Total),
			Domestic: money.FormatMajor(m.Domestic), LocalContent: money.FormatMajor(m.LocalContent), Items: m.Items,
			DomesticItems: m.DomesticItems, Share: shareOf(share.MetricFigures(p.Target.Metric, m.Figures))}
	}
	return c.JSON(out)
}
