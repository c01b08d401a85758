package httpapi

import (
	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

type contractJSON struct {
	ID                    int64    `json:"id"`
	Source                string   `json:"source"`
	SourceID              string   `json:"source_id"`
	SignedOn              string   `json:"signed_on"`
	Total                 string   `json:"total"`
	Currency              string   `json:"currency"`
	Method                string   `json:"method"`
	Status                string   `json:"status"`
	LocalContentPublished *float64 `json:"local_content_published"`
	LocalContentCertified float64  `json:"local_content_certified"`
	BuyerBIN              string   `json:"buyer_bin"`
	BuyerName             string   `json:"buyer_name"`
	SupplierID            string   `json:"supplier_id"`
	SupplierName          string   `json:"supplier_name"`
	SupplierCountry       string   `json:"supplier_country"`
	ScopeValue            string   `json:"scope_value"`
	DomesticValue         string   `json:"domestic_value"`
	Items                 int64    `json:"items"`
	DomesticProducer      bool     `json:"domestic_producer"`
}

// apiListContracts answers GET /api/v1/contracts with cursor pagination.
func (s *Server) apiListContracts(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return err
	}
	f := store.ContractFilter{Scope: scope}
	if f.Domestic, err = boolParam(c, "domestic"); err != nil {
		return err
	}
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return err
	}
	cursor, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	rows, next, err := s.store.ContractList(c.Context(), s.db, f, cursor, limit)
	if err != nil {
		return unknownCategory(err, scope.Category)
	}
	lang := language(c)
	out := make([]contractJSON, len(rows))
	for i, r := range rows {
		out[i] = contractOf(r, lang)
	}
	return c.JSON(fiber.Map{"contracts": out, "next_cursor": encodeCursor(next)})
}
