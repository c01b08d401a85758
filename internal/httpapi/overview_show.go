package httpapi

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

type card struct {
	Slug, Name, Status string
	P                  share.Progress
	Spark              sparkline
	// Verdict: the figures judge the share against a threshold in force; InForce: a threshold is in force.
	Verdict, InForce bool
}

// sparkline is a card's trailing twelve months drawn as an SVG polyline, 0 % at the bottom, 100 % at the top.
type sparkline struct {
	Points    string     // "x,y x,y ...", months without purchases left out
	Last      [2]float64 // the last point, marked, so a single month shows too
	Threshold float64    // y of the threshold in force; -1 without one
	Label     string     // the months in words, for screen readers
}

const sparkWidth, sparkHeight = 120.0, 32.0

func sparklineOf(p share.Progress, lang string) sparkline {
	sp := sparkline{Threshold: -1}
	y := func(bp int64) float64 { return sparkHeight - float64(bp)/10000*sparkHeight }
	var points, words []string
	step := sparkWidth / float64(max(len(p.Monthly)-1, 1))
	for i, m := range p.Monthly {
		f := share.MetricFigures(p.Target.Metric, m.Figures)
		if f.Total <= 0 {
			continue
		}
		sp.Last = [2]float64{float64(i) * step, y(f.DomesticShare())}
		points = append(points, fmt.Sprintf("%.1f,%.1f", sp.Last[0], sp.Last[1]))
		words = append(words, m.Month.Format("2006-01")+" "+formatPercent(lang, f.DomesticShare()))
	}
	sp.Points, sp.Label = strings.Join(points, " "), strings.Join(words, ", ")
	if p.InForce {
		sp.Threshold = y(p.Threshold.Value)
	}
	return sp
}

// showOverview answers GET /: every target as a card with its progress bar, gap, status and the last
// twelve months, as of today.
func (s *Server) showOverview(c fiber.Ctx) error {
	lang := language(c)
	asOf := s.today()
	targets, err := s.store.TargetList(c.Context(), s.db)
	if err != nil {
		return err
	}
	// Measured side by side: the first reader after an import waits for the slowest target, not their sum.
	progress := make([]share.Progress, len(targets))
	g, ctx := s.queries(c.Context())
	for i, t := range targets {
		g.Go(func() (err error) {
			progress[i], err = s.targetProgress(ctx, t.Slug, asOf, func() (share.Progress, error) {
				return s.store.TargetProgress(ctx, s.db, t, asOf)
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	cards := make([]card, 0, len(targets))
	for i, t := range targets {
		p := progress[i]
		cards = append(cards, card{Slug: t.Slug, Name: t.Names.In(lang), Status: string(p.Status), P: p,
			Spark: sparklineOf(p, lang), Verdict: p.Status.Verdict(), InForce: p.InForce})
	}
	data := s.pageData(c, s.translator(c)("Targets"))
	data["AsOf"], data["Cards"] = asOf, cards
	return c.Render("overview", data)
}
