package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"
)

type exploreJSON struct {
	Currency string `json:"currency"`
	From     string `json:"from"`
	To       string `json:"to"`
	scopeJSON
	Tiers     []int       `json:"tiers,omitempty"`
	Buyer     string      `json:"buyer,omitempty"`
	Supplier  string      `json:"supplier,omitempty"`
	GroupBy   string      `json:"group_by"`
	Sort      string      `json:"sort"`
	Dir       string      `json:"dir"`
	Threshold float64     `json:"threshold"`
	Total     figuresJSON `json:"total"`
	Groups    []groupJSON `json:"groups"`
	// Next is the after parameter of the next page; empty on the last.
	Next string `json:"next"`
}

// apiExplore answers GET /api/v1/explore: the explorer's view as JSON, with the same parameters.
func (s *Server) apiExplore(c fiber.Ctx) error {
	e, err := s.exploreParams(c)
	if err != nil {
		return err
	}
	total, page, next, err := s.explore(c, e)
	if err != nil {
		return err
	}
	lang := language(c)
	out := exploreJSON{Currency: "KZT", From: e.Scope.From.Format(time.DateOnly), To: e.Scope.To.Format(time.DateOnly),
		scopeJSON: scopeOf(e.Scope.Filter), Buyer: e.Scope.Buyer, Supplier: e.Scope.Supplier, GroupBy: e.GroupBy,
		Sort: e.Order.By, Dir: "desc", Threshold: percent(e.Order.Threshold), Total: figuresOf(total),
		Groups: make([]groupJSON, len(page)), Next: encodeGroupCursor(next)}
	if !e.Order.Desc {
		out.Dir = "asc"
	}
	for _, t := range e.Scope.Tiers {
		out.Tiers = append(out.Tiers, int(t))
	}
	for i, g := range page {
		out.Groups[i] = groupJSON{Key: g.Key, Label: g.Names.In(lang), figuresJSON: figuresOf(g.Figures)}
	}
	return c.JSON(out)
}
