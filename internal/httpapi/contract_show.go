package httpapi

import (
	"github.com/gofiber/fiber/v3"
)

// showContract answers GET /contracts/{id}: the contract, whether figures count it and why not, and its
// items with their category, tier, the rule that decided it, and local content published and computed.
func (s *Server) showContract(c fiber.Ctx) error {
	id, err := idParam(c, "id", false)
	if err != nil {
		return err
	}
	k, err := s.store.ContractGet(c.Context(), s.db, id)
	if err != nil {
		return err
	}
	data := s.pageData(c, s.translator(c)("Contract")+" "+k.SourceID)
	data["K"] = k
	return c.Render("contract", data)
}
