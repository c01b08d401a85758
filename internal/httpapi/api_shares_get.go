package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

type groupJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	figuresJSON
}

type sharesJSON struct {
	Currency string `json:"currency"`
	From     string `json:"from"`
	To       string `json:"to"`
	scopeJSON
	GroupBy string `json:"group_by,omitempty"`
	figuresJSON
	Groups []groupJSON `json:"groups"`
}

// apiGetShares answers GET /api/v1/shares?category=&from=&to=&region=&buyer_type=&method=&group_by=.
func (s *Server) apiGetShares(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, true)
	if err != nil {
		return err
	}
	groupBy, err := enumParam(c, "group_by", share.GroupBy)
	if err != nil {
		return err
	}
	total, groups, err := s.store.SharesGet(c.Context(), s.db, scope, groupBy)
	if err != nil {
		return unknownCategory(err, scope.Category)
	}
	lang := language(c)
	out := sharesJSON{Currency: "KZT", From: scope.From.Format(time.DateOnly),
		To: scope.To.Format(time.DateOnly), scopeJSON: scopeOf(scope.Filter), GroupBy: groupBy, figuresJSON: figuresOf(total),
		Groups: make([]groupJSON, len(groups))}
	for i, g := range groups {
		out.Groups[i] = groupJSON{Key: g.Key, Label: g.Names.In(lang), figuresJSON: figuresOf(g.Figures)}
	}
	return c.JSON(out)
}
