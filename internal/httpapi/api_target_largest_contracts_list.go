package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
)

// largestContractJSON is a counted contract of a target's scope with the in-scope tenge that went to other
// suppliers than domestic producers.
type largestContractJSON struct {
	ID               int64  `json:"id"`
	Source           string `json:"source"`
	SourceID         string `json:"source_id"`
	SignedOn         string `json:"signed_on"`
	Total            string `json:"total"`
	Method           string `json:"method"`
	BuyerBIN         string `json:"buyer_bin"`
	BuyerName        string `json:"buyer_name"`
	SupplierID       string `json:"supplier_id"`
	SupplierName     string `json:"supplier_name"`
	SupplierCountry  string `json:"supplier_country"`
	ScopeValue       string `json:"scope_value"`
	DomesticValue    string `json:"domestic_value"`
	NonDomesticValue string `json:"non_domestic_value"`
	Items            int64  `json:"items"`
}

// apiListTargetLargestContracts answers GET /api/v1/targets/{slug}/largest-contracts?as_of=&limit=: the
// contracts of the target's scope and period with the most tenge to other suppliers than domestic
// producers, the largest first, as the target's page lists them.
func (s *Server) apiListTargetLargestContracts(c fiber.Ctx) error {
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	limit, err := limitParam(c, largestContracts, 100)
	if err != nil {
		return err
	}
	var rows []store.ContractRow
	if !p.To.Before(p.From) {
		if rows, err = s.store.ContractListLargestNonDomestic(c.Context(), s.db, targetScope(p), limit); err != nil {
			return err
		}
	}
	lang := language(c)
	out := make([]largestContractJSON, len(rows))
	for i, r := range rows {
		out[i] = largestContractJSON{ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn.Format(time.DateOnly),
			Total: money.FormatMajor(r.Total), Method: r.Method, BuyerBIN: r.BuyerBIN, BuyerName: r.BuyerNames.In(lang),
			SupplierID: r.SupplierID, SupplierName: r.SupplierNames.In(lang), SupplierCountry: r.SupplierCountry,
			ScopeValue: money.FormatMajor(r.ScopeValue), DomesticValue: money.FormatMajor(r.DomesticValue),
			NonDomesticValue: money.FormatMajor(r.NonDomesticValue()), Items: r.Items}
	}
	return c.JSON(struct {
		targetPeriodJSON
		Contracts []largestContractJSON `json:"contracts"`
	}{targetPeriodOf(p), out})
}
