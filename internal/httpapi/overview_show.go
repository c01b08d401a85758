package httpapi

import (
	"context"
	"fmt"
	"strings"
	"time"

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

// showOverview answers GET /: every target as a card with its progress bar, gap, status and its share by
// month of the period measured, as of today.
func (s *Server) showOverview(c fiber.Ctx) error {
	lang := language(c)
	asOf := s.today()
	targets, progress, err := s.overviewProgress(c.Context(), asOf)
	if err != nil {
		return err
	}
	cards := make([]card, 0, len(targets))
	for i, t := range targets {
		p := progress[i]
		cards = append(cards, card{Slug: t.Slug, Name: t.Names.In(lang), Status: string(p.Shown()), P: p,
			Spark: sparklineOf(p, lang), Verdict: p.Status.Verdict(), InForce: p.InForce})
	}
	data := s.pageData(c, s.translator(c)("Targets"))
	data["AsOf"], data["Cards"] = asOf, cards
	return c.Render("overview", data)
}

// overviewProgress is every target's progress as of asOf, kept while the figures stand. The targets are
// measured side by side: the first reader after an import waits for the slowest, not their sum, and the
// server measures them itself after every change (progressCache.warm).
func (s *Server) overviewProgress(ctx context.Context, asOf time.Time) ([]share.Target, []share.Progress, error) {
	targets, err := s.store.TargetList(ctx, s.db)
	if err != nil {
		return nil, nil, err
	}
	progress := make([]share.Progress, len(targets))
	g, gctx := s.queries(ctx)
	for i, t := range targets {
		g.Go(func() (err error) {
			progress[i], err = s.targetProgress(gctx, t.Slug, asOf, func() (share.Progress, error) {
				return s.store.TargetProgress(gctx, s.db, t, asOf)
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return targets, progress, nil
}
