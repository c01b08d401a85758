package httpapi

import (
	"cmp"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

// scopePart is one line of a filter said in words: "Regions: Almaty, Astana".
type scopePart struct{ Label, Value string }

// describeScope says in the page's language what a scope covers, so every figure shows the filter behind
// it. A name the reference tables do not have shows as its code.
func (s *Server) describeScope(c fiber.Ctx, sc share.Scope) []scopePart {
	lang, T := language(c), s.translator(c)
	category := T("All categories")
	if sc.Unclassified {
		category = T("Not classified")
	} else if sc.Category != "" {
		category = sc.Category
		if cat, err := s.store.CategoryGetBySlug(c.Context(), s.db, sc.Category); err == nil {
			category = cat.Names.In(lang)
		}
	}
	parts := []scopePart{{T("Category"), category}, {T("Period"), formatDate(lang, sc.From) + " — " + formatDate(lang, sc.To)}}
	regions := T("All regions")
	if len(sc.Regions) > 0 {
		names := map[string]string{}
		if list, err := s.store.RegionList(c.Context(), s.db); err == nil {
			for _, r := range list {
				names[r.Code] = r.Names.In(lang)
			}
		}
		var shown []string
		for _, code := range sc.Regions {
			shown = append(shown, cmp.Or(names[code], code))
		}
		regions = strings.Join(shown, ", ")
	}
	parts = append(parts, scopePart{T("Regions"), regions})
	types := T("All buyer types")
	if len(sc.BuyerTypes) > 0 {
		var shown []string
		for _, bt := range sc.BuyerTypes {
			shown = append(shown, T(bt))
		}
		types = strings.Join(shown, ", ")
	}
	parts = append(parts, scopePart{T("Buyer types"), types})
	methods := T("All methods")
	if len(sc.Methods) > 0 {
		methods = strings.Join(sc.Methods, ", ")
	}
	return append(parts, scopePart{T("Methods"), methods}, scopePart{T("Sums"), T("Sums with VAT")})
}
