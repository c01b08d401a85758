package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

// scopeJSON is a filter as the API states it; an absent list means all.
type scopeJSON struct {
	Category   string   `json:"category"`
	Regions    []string `json:"regions,omitempty"`
	BuyerTypes []string `json:"buyer_types,omitempty"`
	Methods    []string `json:"methods,omitempty"`
}

func scopeOf(f share.Filter) scopeJSON {
	return scopeJSON{Category: f.Category, Regions: f.Regions, BuyerTypes: f.BuyerTypes, Methods: f.Methods}
}

type targetJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	scopeJSON
	Metric     string          `json:"metric"`
	Period     string          `json:"period"`
	EndsOn     string          `json:"ends_on,omitempty"`
	Basis      string          `json:"basis,omitempty"`
	Thresholds []thresholdJSON `json:"thresholds"`
}

func targetOf(t share.Target, lang string) targetJSON {
	out := targetJSON{Slug: t.Slug, Name: t.Names.In(lang), scopeJSON: scopeOf(t.Filter), Metric: t.Metric,
		Period: t.Period, Basis: t.Basis.In(lang), Thresholds: make([]thresholdJSON, len(t.Schedule))}
	if !t.EndsOn.IsZero() {
		out.EndsOn = t.EndsOn.Format(time.DateOnly)
	}
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
