package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
)

// contractItemJSON is one item of a contract: its category, its tier and the rule that decided it, and its
// local content as published and as the certificates give it (null when not stated).
type contractItemJSON struct {
	SourceID              string   `json:"source_id"`
	Name                  string   `json:"name"`
	EnstruCode            string   `json:"enstru_code"`
	Category              *string  `json:"category"`
	Region                *string  `json:"region"`
	KATO                  string   `json:"kato"`
	Quantity              string   `json:"quantity"`
	Unit                  string   `json:"unit"`
	UnitPrice             *string  `json:"unit_price"`
	Value                 string   `json:"value"`
	Tier                  int      `json:"tier"`
	Rule                  string   `json:"rule"`
	LocalContentPublished *float64 `json:"local_content_published"`
	LocalContentCertified *float64 `json:"local_content_certified"`
	Deleted               bool     `json:"deleted"`
}

// contractGetJSON is a contract as stored, whether figures count it and why not, and its items.
type contractGetJSON struct {
	ID                    int64    `json:"id"`
	Source                string   `json:"source"`
	SourceID              string   `json:"source_id"`
	SignedOn              string   `json:"signed_on"`
	Total                 string   `json:"total"`
	Currency              string   `json:"currency"`
	ContractCurrency      string   `json:"contract_currency"` // the currency the contract was signed in
	ExchangeRate          *string  `json:"exchange_rate"`
	Paid                  *string  `json:"paid"`
	Method                string   `json:"method"`
	Status                string   `json:"status"`
	StatusName            string   `json:"status_name"`
	LocalContentPublished *float64 `json:"local_content_published"`
	LocalContentCertified float64  `json:"local_content_certified"`
	BuyerBIN              string   `json:"buyer_bin"`
	BuyerName             string   `json:"buyer_name"`
	SupplierID            string   `json:"supplier_id"`
	SupplierName          string   `json:"supplier_name"`
	SupplierCountry       string   `json:"supplier_country"`
	FiscalYear            *int32   `json:"fiscal_year"`
	Description           string   `json:"description"`
	ImportID              *int64   `json:"import_id"`
	// Counted says whether figures count the contract; NotCounted why not: deleted (at the source), replaced
	// (a later version counts instead), status (its status does not count) or unknown_status (a status the
	// table does not know); null when counted.
	Counted    bool               `json:"counted"`
	NotCounted *string            `json:"not_counted"`
	Items      []contractItemJSON `json:"items"`
}

// apiGetContract answers GET /api/v1/contracts/{id}: the contract's page as JSON.
func (s *Server) apiGetContract(c fiber.Ctx) error {
	id, err := idParam(c, "id", false)
	if err != nil {
		return err
	}
	k, err := s.store.ContractGet(c.Context(), s.db, id)
	if err != nil {
		return err
	}
	lang := language(c)
	out := contractGetJSON{ID: k.ID, Source: k.Source, SourceID: k.SourceID, SignedOn: k.SignedOn.Format(time.DateOnly),
		Total: money.FormatMajor(k.Total), Currency: "KZT", ContractCurrency: k.Currency, ExchangeRate: optionalString(k.ExchangeRate),
		Method: k.Method, Status: k.Status, StatusName: k.StatusNames.In(lang),
		LocalContentPublished: percentOrNull(k.LocalContentPublished), LocalContentCertified: percent(k.LocalContentCertified()),
		BuyerBIN: k.BuyerBIN, BuyerName: k.BuyerNames.In(lang), SupplierID: k.SupplierID, SupplierName: k.SupplierNames.In(lang),
		SupplierCountry: k.SupplierCountry, FiscalYear: k.FiscalYear, Description: k.Description, ImportID: k.BatchID,
		Counted: k.Counted(), Items: make([]contractItemJSON, len(k.Items))}
	switch {
	case k.Counted():
	case k.Deleted:
		out.NotCounted = optionalString("deleted")
	case k.Replaced:
		out.NotCounted = optionalString("replaced")
	case k.Counts == "":
		out.NotCounted = optionalString("unknown_status")
	default:
		out.NotCounted = optionalString("status")
	}
	if k.Paid != nil {
		out.Paid = optionalString(money.FormatMajor(*k.Paid))
	}
	for i, it := range k.Items {
		out.Items[i] = itemOf(it, lang)
	}
	return c.JSON(out)
}

func itemOf(it store.ContractItem, lang string) contractItemJSON {
	out := contractItemJSON{SourceID: it.SourceID, Name: it.Names.In(lang), EnstruCode: it.EnstruCode,
		Category: optionalString(it.Category), Region: optionalString(it.Region), KATO: it.KATO, Quantity: it.Quantity,
		Unit: it.Unit, Value: money.FormatMajor(it.Value), Tier: int(it.Tier), Rule: it.Rule,
		LocalContentPublished: percentOrNull(it.LocalContentPublished), LocalContentCertified: percentOrNull(it.LocalContentCertified),
		Deleted: it.Deleted}
	if it.UnitPrice != nil {
		out.UnitPrice = optionalString(money.FormatMajor(*it.UnitPrice))
	}
	return out
}
