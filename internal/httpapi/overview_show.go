package httpapi

import (
	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

type card struct {
	Slug, Name, Status          string
	Year                        int
	Value, Threshold, Projected int64
	GapAmount, Total            int64
	// Verdict: the figures judge the share against a threshold in force; InForce: a threshold is in force.
	Verdict, InForce bool
	Next             *share.Threshold
}

// showOverview answers GET /: the targets with a progress bar each, as of today.
func (s *Server) showOverview(c fiber.Ctx) error {
	lang := language(c)
	asOf := s.today()
	targets, err := s.store.TargetList(c.Context(), s.db)
	if err != nil {
		return err
	}
	cards := make([]card, 0, len(targets))
	for _, t := range targets {
		p, err := s.store.TargetProgressGet(c.Context(), s.db, t.Slug, asOf)
		if err != nil {
			return err
		}
		cards = append(cards, card{Slug: t.Slug, Name: t.Names.In(lang), Status: string(p.Status), Year: asOf.Year(),
			Value: p.Value, Threshold: p.Threshold.Value, Projected: p.Projected, GapAmount: p.GapAmount, Total: p.Figures.Total,
			Verdict: p.Status.Verdict(), InForce: p.InForce, Next: p.Next})
	}
	data := s.pageData(c, s.translator(c)("Targets"))
	data["AsOf"], data["Cards"] = asOf, cards
	return c.Render("overview", data)
}
