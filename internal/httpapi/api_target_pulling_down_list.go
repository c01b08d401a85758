package httpapi

import (
	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
)

// pullingDownJSON is a buyer that pulls a target's share down: its figures in the target's period, its
// share by the target's metric and the tenge that had to go to domestic producers instead to reach the
// threshold.
type pullingDownJSON struct {
	BIN         string      `json:"bin"`
	Name        string      `json:"name"`
	NonDomestic string      `json:"non_domestic"`
	Share       float64     `json:"share"`
	ToMove      string      `json:"to_move"`
	Figures     figuresJSON `json:"figures"`
}

// apiListTargetPullingDown answers GET /api/v1/targets/{slug}/pulling-down?as_of=&limit=: the buyers that
// pull the target's share down, the most tenge to other suppliers than domestic producers first, as the
// target's page ranks them.
func (s *Server) apiListTargetPullingDown(c fiber.Ctx) error {
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	limit, err := limitParam(c, pullingDownRows, 500)
	if err != nil {
		return err
	}
	var groups []share.Group
	if !p.To.Before(p.From) {
		if groups, err = s.store.ShareGroupsGet(c.Context(), s.db, targetScope(p), "buyer"); err != nil {
			return err
		}
	}
	groups = pullingDown(groups, p, int(limit))
	lang := language(c)
	threshold := breakdownThreshold(p)
	rows := breakdown(p.Target, threshold, groups, func(g share.Group) string { return g.Names.In(lang) })
	out := make([]pullingDownJSON, len(rows))
	for i, r := range rows {
		out[i] = pullingDownJSON{BIN: r.Key, Name: r.Name, NonDomestic: money.FormatMajor(r.NonDomestic),
			Share: percent(r.Share), ToMove: money.FormatMajor(r.Move), Figures: figuresOf(groups[i].Figures)}
	}
	return c.JSON(struct {
		targetPeriodJSON
		Metric    string            `json:"metric"`
		Threshold float64           `json:"threshold"`
		Buyers    []pullingDownJSON `json:"buyers"`
	}{targetPeriodOf(p), p.Target.Metric, percent(threshold), out})
}
