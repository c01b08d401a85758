package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

type targetJSON struct {
	Slug       string          `json:"slug"`
	Name       string          `json:"name"`
	Category   string          `json:"category"`
	Region     string          `json:"region,omitempty"`
	Metric     string          `json:"metric"`
	Period     string          `json:"period"`
	Thresholds []thresholdJSON `json:"thresholds"`
}

func targetOf(t share.Target, lang string) targetJSON {
	out := targetJSON{Slug: t.Slug, Name: t.Names.In(lang), Category: t.Category, Region: t.Region, Metric: t.Metric,
		Period: t.Period, Thresholds: make([]thresholdJSON, len(t.Schedule))}
	for i, st := range t.Schedule {
		out.Thresholds[i] = thresholdJSON{EffectiveFrom: st.EffectiveFrom.Format(time.DateOnly), Threshold: percent(st.Value)}
	}
	return out
}

// apiListTargets answers GET /api/v1/targets.
func (s *Server) apiListTargets(c fiber.Ctx) error {
	targets, err := s.store.TargetList(c.Context(), s.db)
	if err != nil {
		return err
	}
	lang := language(c)
	out := make([]targetJSON, len(targets))
	for i, t := range targets {
		out[i] = targetOf(t, lang)
	}
	return c.JSON(fiber.Map{"targets": out})
}
