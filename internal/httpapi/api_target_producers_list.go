package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// targetPeriodJSON heads the answers about a target: the target, the day and the period its progress covers.
type targetPeriodJSON struct {
	Slug     string `json:"slug"`
	AsOf     string `json:"as_of"`
	From     string `json:"from"`
	To       string `json:"to"`
	Currency string `json:"currency"`
}

func targetPeriodOf(p share.Progress) targetPeriodJSON {
	return targetPeriodJSON{Slug: p.Target.Slug, AsOf: p.AsOf.Format(time.DateOnly), From: p.From.Format(time.DateOnly),
		To: p.To.Format(time.DateOnly), Currency: "KZT"}
}

// producerJSON is a registered domestic producer of a target's category: its stated annual capacity and
// what it won in the target's period. What the register does not state is null.
type producerJSON struct {
	BIN          string      `json:"bin"`
	SupplierID   *string     `json:"supplier_id"` // null for a producer that never supplied anything on record
	Name         string      `json:"name"`
	Region       *regionJSON `json:"region"`
	Capacity     *string     `json:"capacity"`
	CapacityUnit string      `json:"capacity_unit"`
	WonValue     string      `json:"won_value"`
	WonQuantity  string      `json:"won_quantity"`
	// UnitsCompared is false when capacity_unit is not a unit Ules knows: won_quantity is then the sum of
	// every unit's.
	UnitsCompared bool           `json:"units_compared"`
	WonElsewhere  []quantityJSON `json:"won_elsewhere"` // won in other units than the capacity's, not in spare
	WonItems      int64          `json:"won_items"`
	Spare         *string        `json:"spare"`
	Load          *float64       `json:"load"`
}

type quantityJSON struct {
	Quantity string `json:"quantity"`
	Unit     string `json:"unit"`
}

func producerOf(p store.Capacity, lang string) producerJSON {
	out := producerJSON{BIN: p.BIN, SupplierID: optionalString(p.SupplierID), Name: p.Names.In(lang),
		Region: regionOf(p.Region, lang), Capacity: optionalString(p.Capacity), CapacityUnit: p.Unit,
		WonValue: money.FormatMajor(p.WonValue), WonQuantity: p.WonQuantity, WonItems: p.WonItems,
		Spare: optionalString(p.Spare()), UnitsCompared: p.Compared, WonElsewhere: make([]quantityJSON, len(p.Elsewhere))}
	for i, q := range p.Elsewhere {
		out.WonElsewhere[i] = quantityJSON{Quantity: q.Quantity, Unit: q.Unit}
	}
	if bp, ok := p.Load(); ok {
		v := percent(bp)
		out.Load = &v
	}
	return out
}

// apiListTargetProducers answers GET /api/v1/targets/{slug}/producers?as_of=&limit=: who could supply, as
// the target's page lists them: the registered producers of its category, the most spare capacity first.
func (s *Server) apiListTargetProducers(c fiber.Ctx) error {
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	limit, err := limitParam(c, couldSupply, 500)
	if err != nil {
		return err
	}
	var producers []store.Capacity
	if !p.To.Before(p.From) {
		if producers, err = s.store.RegisterListCapacity(c.Context(), s.db, targetScope(p), limit); err != nil {
			return err
		}
	}
	lang := language(c)
	out := make([]producerJSON, len(producers))
	for i, pr := range producers {
		out[i] = producerOf(pr, lang)
	}
	return c.JSON(struct {
		targetPeriodJSON
		Producers []producerJSON `json:"producers"`
	}{targetPeriodOf(p), out})
}
