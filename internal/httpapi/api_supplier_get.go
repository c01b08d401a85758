package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
)

// tierYearJSON is the tier the rules gave a supplier's items in a year, and the rule that decided.
type tierYearJSON struct {
	Year  int    `json:"year"`
	Tier  int    `json:"tier"`
	Rule  string `json:"rule"`
	Items int64  `json:"items"`
	Value string `json:"value"`
}

type registerEntryJSON struct {
	EnstruPrefix string      `json:"enstru_prefix"`
	Category     string      `json:"category"`
	ValidFrom    string      `json:"valid_from"`
	ValidTo      *string     `json:"valid_to"`
	Capacity     *string     `json:"capacity"`
	CapacityUnit string      `json:"capacity_unit"`
	Source       string      `json:"source"`
	Region       *regionJSON `json:"region"`
}

type certificateJSON struct {
	Number       string  `json:"number"`
	EnstruPrefix string  `json:"enstru_prefix"`
	LocalContent float64 `json:"local_content"`
	Issued       string  `json:"issued"`
	Expires      string  `json:"expires"`
}

type supplierJSON struct {
	ID              string              `json:"id"`
	BIN             string              `json:"bin"`
	Name            string              `json:"name"`
	Country         string              `json:"country"`
	Resident        bool                `json:"resident"`
	PortalProducer  bool                `json:"portal_producer"`
	NationalCompany bool                `json:"national_company"`
	Tiers           []tierYearJSON      `json:"tiers"`
	Register        []registerEntryJSON `json:"register"`
	Certificates    []certificateJSON   `json:"certificates"`
	partyJSON
}

// apiGetSupplier answers GET /api/v1/suppliers/{id}?from=&to=&cursor=: the supplier's page as JSON, its
// dossier (tier by year and the rule, register entries, certificates of origin) with its sales.
func (s *Server) apiGetSupplier(c fiber.Ctx) error {
	id := c.Params("id")
	if id == "" || len(id) > 64 {
		return badParam("id", "want a BIN or a foreign tax number")
	}
	d, err := s.store.SupplierGet(c.Context(), s.db, id)
	if err != nil {
		return err
	}
	p, err := s.partyRead(c, share.Filter{Supplier: id})
	if err != nil {
		return err
	}
	lang := language(c)
	out := supplierJSON{ID: d.Identifier, BIN: d.BIN, Name: d.Names.In(lang), Country: d.Country, Resident: d.Resident,
		PortalProducer: d.PortalProducer, NationalCompany: d.NationalCompany, Tiers: make([]tierYearJSON, len(d.Tiers)),
		Register: make([]registerEntryJSON, len(d.Register)), Certificates: make([]certificateJSON, len(d.Certificates)),
		partyJSON: partyOf(p, lang)}
	for i, y := range d.Tiers {
		out.Tiers[i] = tierYearJSON{Year: y.Year, Tier: int(y.Tier), Rule: y.Rule, Items: y.Items, Value: money.FormatMajor(y.Value)}
	}
	for i, e := range d.Register {
		out.Register[i] = registerEntryJSON{EnstruPrefix: e.EnstruPrefix, Category: e.Category, ValidFrom: e.ValidFrom.Format(time.DateOnly),
			ValidTo: optionalDate(e.ValidTo), Capacity: optionalString(e.Capacity), CapacityUnit: e.CapacityUnit, Source: e.Source,
			Region: regionOf(e.Region, lang)}
	}
	for i, ct := range d.Certificates {
		out.Certificates[i] = certificateJSON{Number: ct.Number, EnstruPrefix: ct.EnstruPrefix, LocalContent: percent(ct.LocalContent),
			Issued: ct.Issued.Format(time.DateOnly), Expires: ct.Expires.Format(time.DateOnly)}
	}
	return c.JSON(out)
}
