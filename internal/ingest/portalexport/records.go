package portalexport

import (
	"context"
	"errors"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

var subjectFields = flatFields[subjectJSON]()

type subjectJSON struct {
	BIN             fieldtext.Value `json:"bin"`
	IIN             fieldtext.Value `json:"iin"`
	INN             fieldtext.Value `json:"inn"`
	NameRU          fieldtext.Value `json:"name_ru"`
	NameKZ          fieldtext.Value `json:"name_kz"`
	CountryCode     fieldtext.Value `json:"country_code"`
	Resident        fieldtext.Value `json:"mark_resident"`
	Producer        fieldtext.Value `json:"mark_patronymic_producer"`
	SupplierFlag    fieldtext.Value `json:"mark_patronymic_supplyer"`
	Customer        fieldtext.Value `json:"customer"`
	Supplier        fieldtext.Value `json:"supplier"`
	NationalCompany fieldtext.Value `json:"mark_national_company"`
}

// subject reads a buyer or supplier of subject/: a row for each identifier it may be named by.
func (p *parser) subject(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j subjectJSON
	if err := decodeFlat(dec, &p.flat, subjectFields, &j); err != nil {
		return err
	}
	var v record.Check
	if !j.BIN.Present() && !j.IIN.Present() && !j.INN.Present() {
		v.Check(errors.New("bin, iin or inn is required"))
	}
	for _, id := range []struct {
		field string
		s     fieldtext.Value
	}{{"bin", j.BIN}, {"iin", j.IIN}} {
		if id.s.Present() && (len(id.s.Text) != 12 || !fieldtext.DigitsOnly(id.s.Text)) {
			v.Check(fieldtext.Errorf(id.field, "%q is not 12 digits", id.s.Text))
		}
	}
	if !j.NameRU.Present() && !j.NameKZ.Present() {
		v.Check(errors.New("name_ru or name_kz is required"))
	}
	country, err := fieldtext.Country("country_code", j.CountryCode)
	v.Check(err)
	var residentMark *bool
	if j.Resident.Present() {
		r, err := fieldtext.Flag("mark_resident", j.Resident)
		v.Check(err)
		residentMark = &r
	}
	producer, err := fieldtext.Flag("mark_patronymic_producer", j.Producer)
	v.Check(err)
	supplierFlag, err := fieldtext.Flag("mark_patronymic_supplyer", j.SupplierFlag)
	v.Check(err)
	national, err := fieldtext.Flag("mark_national_company", j.NationalCompany)
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	var kzID *string
	switch {
	case j.BIN.Present():
		kzID = &j.BIN.Text
	case j.IIN.Present():
		kzID = &j.IIN.Text
	}
	if country == "" && kzID != nil {
		country = "KZ"
	}
	row := record.Party{
		Loc:             loc,
		BIN:             kzID,
		NameKk:          j.NameKZ.Text,
		NameRu:          j.NameRU.Text,
		Country:         country,
		Resident:        p.residentOf(residentMark, country),
		Producer:        producer,
		ProducerStated:  true,
		SupplierFlag:    supplierFlag,
		NationalCompany: national,
		BuyerType:       buyertype.Guess(national, j.NameRU.Text, j.NameKZ.Text),
	}
	// A contract names its supplier by BIN, IIN or foreign tax number; each is a way to find the subject.
	for _, id := range []fieldtext.Value{j.BIN, j.IIN, j.INN} {
		if id.Present() {
			row.Identifier = id.Text
			if err := add(ctx, p, &p.rows.parties, row); err != nil {
				return err
			}
		}
	}
	return nil
}

var contractFields = flatFields[contractJSON]()

type contractJSON struct {
	ID             fieldtext.Value `json:"id"`
	CustomerBIN    fieldtext.Value `json:"customer_bin"`
	SupplierBIIN   fieldtext.Value `json:"supplier_biin"`
	SignDate       fieldtext.Value `json:"sign_date"`
	FinYear        fieldtext.Value `json:"fin_year"`
	Sum            fieldtext.Value `json:"contract_sum"`
	SumWNDS        fieldtext.Value `json:"contract_sum_wnds"`
	Currency       fieldtext.Value `json:"ref_currency_code"`
	ExchangeRate   fieldtext.Value `json:"exchange_rate"`
	LocalContent   fieldtext.Value `json:"contract_ms"`
	Status         fieldtext.Value `json:"ref_contract_status_id"`
	Method         fieldtext.Value `json:"fakt_trade_methods_id"`
	DescriptionRU  fieldtext.Value `json:"description_ru"`
	DescriptionKZ  fieldtext.Value `json:"description_kz"`
	Deleted        fieldtext.Value `json:"deleted"`
	LastUpdateDate fieldtext.Value `json:"last_update_date"`
	PaidWNDS       fieldtext.Value `json:"fakt_sum_wnds"`
	ParentID       fieldtext.Value `json:"parent_id"`
	RootID         fieldtext.Value `json:"root_id"`
}

// contract reads a contract of contract/.
func (p *parser) contract(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j contractJSON
	if err := decodeFlat(dec, &p.flat, contractFields, &j); err != nil {
		return err
	}
	var v record.Check
	id, err := fieldtext.Required("id", j.ID)
	v.Check(err)
	customer, err := fieldtext.Required("customer_bin", j.CustomerBIN)
	v.Check(err)
	supplier, err := fieldtext.Required("supplier_biin", j.SupplierBIIN)
	v.Check(err)
	signed, err := fieldtext.Date("sign_date", j.SignDate, true)
	v.Check(err)
	v.Check(p.rd.Rules.Signed("sign_date", signed))
	finYear, err := fieldtext.Int("fin_year", j.FinYear)
	v.Check(err)
	total, err := fieldtext.Money("contract_sum_wnds", j.SumWNDS, true)
	v.Check(err)
	totalAlt, err := fieldtext.Money("contract_sum", j.Sum, false)
	v.Check(err)
	currency, err := fieldtext.Currency("ref_currency_code", j.Currency)
	v.Check(err)
	rate, err := fieldtext.Rate("exchange_rate", j.ExchangeRate)
	v.Check(err)
	lc, err := fieldtext.Percent("contract_ms", j.LocalContent)
	v.Check(err)
	deleted, err := fieldtext.Flag("deleted", j.Deleted)
	v.Check(err)
	updated, err := fieldtext.Date("last_update_date", j.LastUpdateDate, false)
	v.Check(err)
	paid, err := fieldtext.Money("fakt_sum_wnds", j.PaidWNDS, false)
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	description := j.DescriptionRU.Text
	if description == "" {
		description = j.DescriptionKZ.Text
	}
	return add(ctx, p, &p.rows.contracts, record.Contract{
		Loc:            loc,
		SourceID:       id,
		CustomerBin:    customer,
		SupplierKey:    supplier,
		SignedOn:       *signed,
		FiscalYear:     finYear,
		Method:         j.Method.Text,
		Status:         j.Status.Text,
		Currency:       currency,
		ExchangeRate:   rate,
		Total:          total,
		TotalAlt:       totalAlt,
		LocalContentBp: lc,
		Description:    description,
		Deleted:        deleted,
		UpdatedAt:      updated,
		Paid:           paid,
		RootSourceID:   amendedContract(id, j.RootID, j.ParentID),
	})
}

// amendedContract names the first version of the contract an amendment amends: the portal's root_id, or
// its parent_id when root_id is absent. A contract that is no amendment (neither given, 0, or itself) has
// none.
func amendedContract(id string, root, parent fieldtext.Value) *string {
	for _, ref := range [2]fieldtext.Value{root, parent} {
		if ref.Present() && ref.Text != "0" && ref.Text != id {
			s := ref.Text // allocated only for an amendment
			return &s
		}
	}
	return nil
}

var unitFields = flatFields[unitJSON]()

type unitJSON struct {
	ID           fieldtext.Value `json:"id"`
	ContractID   fieldtext.Value `json:"contract_id"`
	PlanPointID  fieldtext.Value `json:"pln_point_id"`
	ItemPriceWND fieldtext.Value `json:"item_price_wnds"`
	Quantity     fieldtext.Value `json:"quantity"`
	TotalSum     fieldtext.Value `json:"total_sum"`
	TotalSumWNDS fieldtext.Value `json:"total_sum_wnds"`
	KSProc       fieldtext.Value `json:"ks_proc"`
	Deleted      fieldtext.Value `json:"deleted"`
}

// unit reads a contract unit (an item) of contract-units/.
func (p *parser) unit(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j unitJSON
	if err := decodeFlat(dec, &p.flat, unitFields, &j); err != nil {
		return err
	}
	var v record.Check
	id, err := fieldtext.Required("id", j.ID)
	v.Check(err)
	contract, err := fieldtext.Required("contract_id", j.ContractID)
	v.Check(err)
	plan, err := fieldtext.Required("pln_point_id", j.PlanPointID)
	v.Check(err)
	// Values are with VAT (total_sum_wnds), so the unit price is too; item_price is without it.
	price, err := fieldtext.Money("item_price_wnds", j.ItemPriceWND, false)
	v.Check(err)
	quantity, err := fieldtext.Quantity("quantity", j.Quantity)
	v.Check(err)
	value, err := fieldtext.Money("total_sum_wnds", j.TotalSumWNDS, true)
	v.Check(err)
	valueAlt, err := fieldtext.Money("total_sum", j.TotalSum, false)
	v.Check(err)
	lc, err := fieldtext.Percent("ks_proc", j.KSProc)
	v.Check(err)
	deleted, err := fieldtext.Flag("deleted", j.Deleted)
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	return add(ctx, p, &p.rows.items, record.Item{
		Loc:              loc,
		SourceID:         id,
		ContractSourceID: contract,
		PlanID:           plan,
		Quantity:         quantity,
		UnitPrice:        price,
		Value:            *value,
		ValueAlt:         valueAlt,
		LocalContentBp:   lc,
		Deleted:          deleted,
	})
}

var planFields = flatFields[planJSON]()

type planJSON struct {
	ID        fieldtext.Value `json:"id"`
	Enstru    fieldtext.Value `json:"ref_enstru_code"`
	NameRU    fieldtext.Value `json:"name_ru"`
	NameKZ    fieldtext.Value `json:"name_kz"`
	DescRU    fieldtext.Value `json:"desc_ru"`
	UnitsCode fieldtext.Value `json:"ref_units_code"`
	Deleted   fieldtext.Value `json:"is_deleted"`
}

// plan reads a plan point of plans/: what a unit buys, classified by its code and texts.
func (p *parser) plan(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j planJSON
	if err := decodeFlat(dec, &p.flat, planFields, &j); err != nil {
		return err
	}
	var v record.Check
	id, err := fieldtext.Required("id", j.ID)
	v.Check(err)
	v.Check(fieldtext.CheckEnstru("ref_enstru_code", j.Enstru.Text))
	deleted, err := fieldtext.Flag("is_deleted", j.Deleted)
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	// A plan point removed from the plan decides no item's product or region; a unit that names one is
	// reported as naming a plan point not in plans/. An inactive one (is_active 0, an older version of the
	// point) is still the plan its contract was concluded under, and is used.
	if deleted {
		return skipRecord{"plan points marked deleted (is_deleted): not used for any item"}
	}
	return add(ctx, p, &p.rows.plans, record.PlanPoint{
		Loc:         loc,
		PlanID:      id,
		EnstruCode:  j.Enstru.Text,
		Name:        j.NameRU.Text,
		NameKk:      j.NameKZ.Text,
		Description: j.DescRU.Text,
		Unit:        j.UnitsCode.Text,
		CategoryID:  p.categories.Category(j.Enstru.Text, j.NameRU.Text, j.NameKZ.Text, j.DescRU.Text),
	})
}

var planKATOFields = flatFields[planKATOJSON]()

type planKATOJSON struct {
	PlanPointID fieldtext.Value `json:"pln_points_id"`
	KATO        fieldtext.Value `json:"ref_kato_code"`
	Deleted     fieldtext.Value `json:"is_deleted"`
}

// planKATO reads a delivery place (KATO code) of a plan point, from plans-kato/.
func (p *parser) planKATO(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j planKATOJSON
	if err := decodeFlat(dec, &p.flat, planKATOFields, &j); err != nil {
		return err
	}
	var v record.Check
	plan, err := fieldtext.Required("pln_points_id", j.PlanPointID)
	v.Check(err)
	v.Check(fieldtext.CheckKATO("ref_kato_code", j.KATO.Text, true))
	v.Check(p.rd.Rules.Region("ref_kato_code", j.KATO.Text))
	deleted, err := fieldtext.Flag("is_deleted", j.Deleted)
	v.Check(err)
	if v.Err != nil {
		return v.Err
	}
	if deleted {
		return skipRecord{"plan points' KATO rows marked deleted (is_deleted): not used for any item's region"}
	}
	return add(ctx, p, &p.rows.katos, record.PlanKATO{Loc: loc, PlanID: plan, KATO: j.KATO.Text})
}
