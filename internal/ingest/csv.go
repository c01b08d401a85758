package ingest

import (
	"context"
	"strconv"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// SourceCSV is the contracts' source for rows of the canonical spreadsheet template.
const SourceCSV = "csv"

// templateColumns are the canonical template's columns, whether it arrives as CSV or XLSX.
var templateColumns = sheet.Columns{All: CSVColumns, Required: csvRequired, Doc: "docs/import-csv.md"}

// readCSV stages the canonical CSV: one row per contract item, the contract's columns repeated on each row.
func readCSV(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, sheet.OpenCSV, st, errs)
}

// readTemplate stages the canonical template from a sheet that open reads, CSV or XLSX: the same columns,
// the same checks, the same records.
func readTemplate(ctx context.Context, path string, open sheet.Opener, st *stager, errs *errorLog) error {
	// Items without an item_id are numbered in file order within their contract.
	ordinals := map[string]int{}
	return sheet.Read(ctx, path, open, st.meter, templateColumns, st.counted, errs, func(ctx context.Context, loc string, row sheet.Row) error {
		return st.templateItem(ctx, loc, row, ordinals)
	})
}

// templateItem stages one row of the canonical template: the item, its contract, plan point and parties.
// csvHeader maps a template header's columns to their positions.
func csvHeader(header []string) (map[string]int, error) { return templateColumns.Header(header) }

func (s *stager) templateItem(ctx context.Context, loc string, row sheet.Row, ordinals map[string]int) error {
	var v record.Check
	contractID, err := fieldtext.Required("contract_id", row.Get("contract_id"))
	v.Check(err)
	signed, err := fieldtext.Date("signed_on", row.Date("signed_on"), true)
	v.Check(err)
	v.Check(s.checkSigned("signed_on", signed))
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
	v.Check(s.checkRegion("kato", kato))
	status, err := s.sheetStatus("status", row.Get("status").Text)
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
	rec := &contractRecord{Deal: record.Deal{
		Parties: []record.Party{
			{Loc: loc, Identifier: buyerBIN, BIN: &buyerBIN, NameRu: buyerName, NameKk: buyerNameKK, Country: "KZ",
				Resident: true, BuyerType: s.buyerTypes.Of(buyerName, buyerNameKK)},
			{Loc: loc, Identifier: supplierID, BIN: kzID, NameRu: row.Get("supplier_name").Text,
				NameKk: row.Get("supplier_name_kk").Text, Country: country, Resident: s.residentOf(residentMark, country),
				Producer: producer, BuyerType: "state_body"},
		},
		Contracts: []record.Contract{{
			Loc: loc, SourceID: contractID, CustomerBin: buyerBIN, SupplierKey: supplierID, SignedOn: *signed,
			FiscalYear: finYear, Method: row.Get("method").Text, Status: status, Currency: currency,
			ExchangeRate: rate, Total: total, LocalContentBp: contractLC, Description: row.Get("description").Text,
			Deleted: false, UpdatedAt: updated, CarriesItems: true,
		}},
	}}
	planID := loc
	name, nameKK, description := row.Get("item_name").Text, row.Get("item_name_kk").Text, row.Get("description").Text
	rec.PlanPoints = []record.PlanPoint{{
		Loc: loc, PlanID: planID, EnstruCode: enstru, Name: name, NameKk: nameKK, Description: description,
		Unit: row.Get("unit").Text, CategoryID: s.category(enstru, name, nameKK, description),
	}}
	if kato != "" {
		rec.PlanKATOs = []record.PlanKATO{{Loc: loc, PlanID: planID, KATO: kato}}
	}
	rec.Items = []record.Item{{
		Loc: loc, SourceID: itemID, ContractSourceID: contractID, PlanID: planID, Quantity: quantity,
		UnitPrice: price, Value: *value, ValueAlt: valueAlt, LocalContentBp: lc, Deleted: deleted, Version: updated,
	}}
	return s.templateRow(ctx, rec)
}
