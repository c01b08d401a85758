package httpapi

import (
	"net/url"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

// showSupplier answers GET /suppliers/{id}?from=&to=: the supplier (by BIN or foreign tax number), the
// tier the rules gave its items year by year and the rule that decided, its register entries and
// certificates of origin, its sales by category and its contracts.
func (s *Server) showSupplier(c fiber.Ctx) error {
	id := c.Params("id")
	if id == "" || len(id) > 64 {
		return badParam("id", "want a BIN or a foreign tax number")
	}
	d, err := s.store.SupplierGet(c.Context(), s.db, id)
	if err != nil {
		return err
	}
	data, err := s.partyPage(c, share.Filter{Supplier: id}, d.Names.In(language(c)), "/api/v1/suppliers/"+url.PathEscape(id))
	if err != nil {
		return err
	}
	data["S"] = d
	return c.Render("supplier", data)
}
