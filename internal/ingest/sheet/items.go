package sheet

import (
	"context"
	"strconv"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// The canonical template read: one row per contract item, the contract's columns repeated on each row.

// RowSink takes the template's rows, each a deal of one item: a sink that loads contracts whole makes one
// deal of the rows of one contract that follow each other.
type RowSink interface {
	record.Sink
	Row(ctx context.Context, d record.Deal) error
}

// TemplateReader reads the canonical template, CSV or XLSX, into a sink.
type TemplateReader struct {
	Sink       RowSink
	Errs       *record.Errors   // where bad rows are reported
	Rules      *fieldtext.Rules // the reference lists' checks; nil checks nothing
	Categories *classify.Memo
	BuyerTypes *buyertype.Memo
	Home       string // the deployment's country (ISO alpha-2): a supplier there is resident unless the row says
	Meter      Meter
}

// Read reads one file that open opens (OpenCSV or OpenXLSX).
func (t *TemplateReader) Read(ctx context.Context, path string, open Opener) error {
	// Items without an item_id are numbered in file order within their contract.
	ordinals := map[string]int{}
	producers := map[string]producerMark{}
	counted := func() { t.Sink.Counted(1) }
	return Read(ctx, path, open, t.Meter, templateColumns, counted, t.Errs, func(ctx context.Context, loc string, row Row) error {
		return t.item(ctx, loc, row, ordinals, producers)
	})
}

func flagText(b bool) string {
	if b {
		return "1"
	}
	return "0 (or empty)"
}

// producerMark is the supplier_domestic_producer a file first gave a supplier, and where.
type producerMark struct {
	producer bool
	loc      string
}

// resident decides residency: the row's own mark when it has one, otherwise the deployment's home country.
func (t *TemplateReader) resident(mark *bool, country string) bool {
	if mark != nil {
		return *mark
	}
	return country == t.Home
}

// TemplateHeader maps a template header's columns to their positions.
func TemplateHeader(header []string) (map[string]int, error) { return templateColumns.Header(header) }

// templateColumns are the canonical template's columns, whether it arrives as CSV or XLSX.
var templateColumns = Columns{All: CSVColumns, Required: csvRequired, Doc: "docs/import-csv.md"}

// item reads one row of the template: the item, its contract, plan point and parties.
func (t *TemplateReader) item(ctx context.Context, loc string, row Row, ordinals map[string]int, producers map[string]producerMark) error {
	var v record.Check
	contractID, err := fieldtext.Required("contract_id", row.Get("contract_id"))
	v.Check(err)
	signed, err := fieldtext.Date("signed_on", row.Date("signed_on"), true)
	v.Check(err)
	v.Check(t.Rules.Signed("signed_on", signed))
	buyerBIN := row.Get("buyer_bin").Text
	if buyerBIN == "" || len(buyerBIN) != 12 || !fieldtext.DigitsOnly(buyerBIN) {
		v.Check(fieldtext.Errorf("buyer_bin", "%q is not 12 digits", buyerBIN))
	}
	supplierID, err := fieldtext.Required("supplier_id", row.Get("supplier_id"))
	v.Check(err)
	country, err := fieldtext.Country("supplier_country", row.Get("supplier_country"))
	v.Check(err)
	producer, err := fieldtext.Flag("supplier_domestic_producer", row.Get("supplier_domestic_producer"))
	v.Check(err)
	// A supplier is stored a domestic producer or not, whichever of its rows came last: rows that disagree
	// would decide its items' tiers by their order in the file.
	if err == nil && supplierID != "" {
		if first, seen := producers[supplierID]; !seen {
			producers[supplierID] = producerMark{producer, loc}
		} else if first.producer != producer {
			v.Check(fieldtext.Errorf("supplier_domestic_producer", "%s here but %s at %s for the same supplier %s: "+
				"a supplier is a domestic producer for all its rows or for none; correct one of them",
				flagText(producer), flagText(first.producer), first.loc, supplierID))
		}
	}
	var residentMark *bool
	if rs := row.Get("supplier_resident"); rs.Present() {
		res, err := fieldtext.Flag("supplier_resident", rs)
		v.Check(err)
		residentMark = &res
	}
	enstru := row.Get("enstru_code").Text
	v.Check(fieldtext.CheckEnstru("enstru_code", enstru))
	quantity, err := fieldtext.Quantity("quantity", row.Number("quantity"))
	v.Check(err)
	price, err := fieldtext.Money("unit_price", row.Number("unit_price"), false)
	v.Check(err)
	value, err := fieldtext.Money("value", row.Number("value"), true)
	v.Check(err)
	valueAlt, err := fieldtext.Money("value_without_vat", row.Number("value_without_vat"), false)
	v.Check(err)
	total, err := fieldtext.Money("contract_total", row.Number("contract_total"), false)
	v.Check(err)
	currency, err := fieldtext.Currency("currency", row.Get("currency"))
	v.Check(err)
	rate, err := fieldtext.Rate("exchange_rate", row.Number("exchange_rate"))
	v.Check(err)
	lc, err := fieldtext.Percent("local_content_percent", row.Number("local_content_percent"))
	v.Check(err)
	contractLC, err := fieldtext.Percent("contract_local_content_percent", row.Number("contract_local_content_percent"))
	v.Check(err)
	kato := row.Get("kato").Text
	v.Check(fieldtext.CheckKATO("kato", kato, false))
	v.Check(t.Rules.Region("kato", kato))
	status, err := t.Rules.Status("status", row.Get("status").Text)
	v.Check(err)
	finYear, err := fieldtext.Int("fiscal_year", row.Get("fiscal_year"))
	v.Check(err)
	updated, err := fieldtext.Date("updated_at", row.Date("updated_at"), false)
	v.Check(err)
	deleted, err := fieldtext.Flag("deleted", row.Get("deleted"))
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	if country == "" && len(supplierID) == 12 && fieldtext.DigitsOnly(supplierID) {
		country = "KZ"
	}
	itemID := row.Get("item_id").Text
	if itemID == "" {
		// "#" keeps positions apart from identifiers the file gives on other rows.
		ordinals[contractID]++
		itemID = "#" + strconv.Itoa(ordinals[contractID])
	}
	buyerName, buyerNameKK := row.Get("buyer_name").Text, row.Get("buyer_name_kk").Text
	var kzID *string
	if len(supplierID) == 12 && fieldtext.DigitsOnly(supplierID) {
		kzID = &supplierID
	}
	rec := record.Deal{
		Parties: []record.Party{
			{Loc: loc, Identifier: buyerBIN, BIN: &buyerBIN, NameRu: buyerName, NameKk: buyerNameKK, Country: "KZ",
				Resident: true, BuyerType: t.BuyerTypes.Of(buyerName, buyerNameKK)},
			{Loc: loc, Identifier: supplierID, BIN: kzID, NameRu: row.Get("supplier_name").Text,
				NameKk: row.Get("supplier_name_kk").Text, Country: country, Resident: t.resident(residentMark, country),
				Producer: producer, ProducerStated: row.Has("supplier_domestic_producer"), BuyerType: "state_body"},
		},
		Contracts: []record.Contract{{
			Loc: loc, SourceID: contractID, CustomerBin: buyerBIN, SupplierKey: supplierID, SignedOn: *signed,
			FiscalYear: finYear, Method: t.Rules.Method(row.Get("method").Text), Status: status, Currency: currency,
			ExchangeRate: rate, Total: total, LocalContentBp: contractLC, Description: row.Get("description").Text,
			Deleted: false, UpdatedAt: updated, CarriesItems: true,
		}},
	}
	planID := loc
	name, nameKK, description := row.Get("item_name").Text, row.Get("item_name_kk").Text, row.Get("description").Text
	rec.PlanPoints = []record.PlanPoint{{
		Loc: loc, PlanID: planID, EnstruCode: enstru, Name: name, NameKk: nameKK, Description: description,
		Unit: row.Get("unit").Text, CategoryID: t.Categories.Category(enstru, name, nameKK, description),
	}}
	if kato != "" {
		rec.PlanKATOs = []record.PlanKATO{{Loc: loc, PlanID: planID, KATO: kato}}
	}
	rec.Items = []record.Item{{
		Loc: loc, SourceID: itemID, ContractSourceID: contractID, PlanID: planID, Quantity: quantity,
		UnitPrice: price, Value: *value, ValueAlt: valueAlt, LocalContentBp: lc, Deleted: deleted, Version: updated,
	}}
	return t.Sink.Row(ctx, rec)
}
