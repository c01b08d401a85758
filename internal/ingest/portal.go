package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
	"golang.org/x/sync/errgroup"
)

// SourcePortal is the contracts' source for data from the national procurement portal.
const SourcePortal = "portal"

// portalEndpoints are the sub-folders of a saved portal export, one per OWS v3 REST endpoint.
var portalEndpoints = []struct {
	dir   string
	parse func(*stager, context.Context, string, *jsontext.Decoder) error
}{
	{"subject", (*stager).portalSubject},
	{"contract", (*stager).portalContract},
	{"plans", (*stager).portalPlan},
	{"plans-kato", (*stager).portalPlanKato},
	{"contract-units", (*stager).portalUnit},
}

// readPortal stages every page under dir. Bad records go to errs; an unreadable file is one error.
func readPortal(ctx context.Context, dir string, st *stager, errs *errorLog) error {
	return readPortalWith(ctx, dir, st, errs, parseWorkers())
}

func readPortalWith(ctx context.Context, dir string, st *stager, errs *errorLog, workers int) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("ingest: %s is not a directory: --format portal reads a folder with subject/, contract/, contract-units/, plans/ and plans-kato/", dir)
	}
	found := 0
	var tasks []fileTask
	byDir := map[string][]fileTask{}
	for _, ep := range portalEndpoints {
		files, err := pageFiles(filepath.Join(dir, ep.dir))
		if err != nil {
			return err
		}
		if files != nil {
			found++
		}
		for _, f := range files {
			rel := filepath.ToSlash(filepath.Join(ep.dir, filepath.Base(f)))
			task := fileTask{rel: rel, read: func(ctx context.Context, st *stager, errs *errorLog) error {
				return readPortalFile(ctx, f, rel, ep.parse, st, errs)
			}}
			tasks = append(tasks, task)
			byDir[ep.dir] = append(byDir[ep.dir], task)
		}
	}
	if found == 0 {
		return fmt.Errorf("ingest: %s has none of the folders subject/, contract/, contract-units/, plans/, plans-kato/: is it a portal export?", dir)
	}
	if st.direct == nil || st.direct.portal == nil || workers < 2 {
		return readFiles(ctx, tasks, st, errs, workers)
	}
	// The direct load keeps plan points in memory, on the copying goroutine, while contracts wait on
	// PostgreSQL: plans/ and plans-kato/ are read alongside subject/ and contract/, and contract-units/,
	// which needs both, after them, so units start sooner (docs/performance.md).
	side, sideErrs := st.alongside(), &errorLog{}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return readFiles(gctx, slices.Concat(byDir["subject"], byDir["contract"]), st, errs, workers)
	})
	g.Go(func() error {
		return readFiles(gctx, slices.Concat(byDir["plans"], byDir["plans-kato"]), side, sideErrs, workers)
	})
	err = g.Wait()
	errs.Merge(sideErrs) // in the order of reading the folders one after the other
	st.records, st.reported = st.records+side.records, st.reported+side.reported
	if err != nil {
		return err
	}
	if err := side.drain(ctx); err != nil { // what a folder of one file, read on this goroutine, left
		return err
	}
	return readFiles(ctx, byDir["contract-units"], st, errs, workers)
}

// pageFiles lists the JSON pages of one endpoint folder in name order; nil when the folder is absent.
func pageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	files := []string{}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && (strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json.gz")) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	sort.Strings(files)
	return files, nil
}

func readPortalFile(ctx context.Context, path, rel string, parse func(*stager, context.Context, string, *jsontext.Decoder) error, st *stager, errs *errorLog) error {
	r, closeInput, err := openInput(path, rel, st, errs)
	if r == nil || err != nil {
		return err
	}
	defer closeInput()
	var fatal error
	err = eachJSONItem(r, rel, func(loc string, dec *jsontext.Decoder) error {
		if err := ctx.Err(); err != nil {
			fatal = err
			return err
		}
		err := parse(st, ctx, loc, dec)
		if err == nil {
			st.counted()
			return nil
		}
		// Past the common case: the targets of errors.As escape, an allocation each.
		var rec recordError
		var skipped skipRecord
		var broken streamError
		switch {
		case errors.As(err, &rec):
			st.counted()
			errs.Add(loc, rec.Error())
		case errors.As(err, &skipped):
			st.counted()
			errs.Skip(skipped.reason)
		case errors.As(err, &broken):
			return broken
		default:
			fatal = err
			return err
		}
		return nil
	})
	if fatal != nil {
		return fatal
	}
	if err != nil {
		errs.Add(rel, err.Error())
		return st.discardFile(ctx, rel)
	}
	return nil
}

// recordError marks a problem with one record, as opposed to a failure of the import itself.
type recordError struct{ error }

// skipRecord is a record read and deliberately not used, for a reason the import's summary counts.
type skipRecord struct{ reason string }

func (s skipRecord) Error() string { return s.reason }

// streamError is broken JSON: the rest of the file cannot be read, but other files can.
type streamError struct{ error }

// validate collects the first field error of a record.
type validate struct{ err error }

func (v *validate) check(err error) {
	if v.err == nil && err != nil {
		v.err = recordError{err}
	}
}

var subjectFields = flatFields[portalSubjectJSON]()

type portalSubjectJSON struct {
	BIN             scalar `json:"bin"`
	IIN             scalar `json:"iin"`
	INN             scalar `json:"inn"`
	NameRU          scalar `json:"name_ru"`
	NameKZ          scalar `json:"name_kz"`
	CountryCode     scalar `json:"country_code"`
	Resident        scalar `json:"mark_resident"`
	Producer        scalar `json:"mark_patronymic_producer"`
	SupplierFlag    scalar `json:"mark_patronymic_supplyer"`
	Customer        scalar `json:"customer"`
	Supplier        scalar `json:"supplier"`
	NationalCompany scalar `json:"mark_national_company"`
}

func (s *stager) portalSubject(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j portalSubjectJSON
	if err := decodeFlat(dec, &s.flat, subjectFields, &j); err != nil {
		return err
	}
	var v validate
	if !j.BIN.present() && !j.IIN.present() && !j.INN.present() {
		v.check(errors.New("bin, iin or inn is required"))
	}
	for _, id := range []struct {
		field string
		s     scalar
	}{{"bin", j.BIN}, {"iin", j.IIN}} {
		if id.s.present() && (len(id.s.text) != 12 || !fieldtext.DigitsOnly(id.s.text)) {
			v.check(fieldtext.Errorf(id.field, "%q is not 12 digits", id.s.text))
		}
	}
	if !j.NameRU.present() && !j.NameKZ.present() {
		v.check(errors.New("name_ru or name_kz is required"))
	}
	country, err := countryCode("country_code", j.CountryCode)
	v.check(err)
	var residentMark *bool
	if j.Resident.present() {
		r, err := parseFlag("mark_resident", j.Resident)
		v.check(err)
		residentMark = &r
	}
	producer, err := parseFlag("mark_patronymic_producer", j.Producer)
	v.check(err)
	supplierFlag, err := parseFlag("mark_patronymic_supplyer", j.SupplierFlag)
	v.check(err)
	national, err := parseFlag("mark_national_company", j.NationalCompany)
	v.check(err)
	if v.err != nil {
		return v.err
	}
	var kzID *string
	switch {
	case j.BIN.present():
		kzID = &j.BIN.text
	case j.IIN.present():
		kzID = &j.IIN.text
	}
	if country == "" && kzID != nil {
		country = "KZ"
	}
	row := record.Party{
		Loc:             loc,
		BIN:             kzID,
		NameKk:          j.NameKZ.text,
		NameRu:          j.NameRU.text,
		Country:         country,
		Resident:        s.residentOf(residentMark, country),
		Producer:        producer,
		SupplierFlag:    supplierFlag,
		NationalCompany: national,
		BuyerType:       buyertype.Guess(national, j.NameRU.text, j.NameKZ.text),
	}
	// A contract names its supplier by BIN, IIN or foreign tax number; each is a way to find the subject.
	for _, id := range []scalar{j.BIN, j.IIN, j.INN} {
		if id.present() {
			row.Identifier = id.text
			if err := s.subjects.add(ctx, row); err != nil {
				return err
			}
		}
	}
	return nil
}

var contractFields = flatFields[portalContractJSON]()

type portalContractJSON struct {
	ID             scalar `json:"id"`
	CustomerBIN    scalar `json:"customer_bin"`
	SupplierBIIN   scalar `json:"supplier_biin"`
	SignDate       scalar `json:"sign_date"`
	FinYear        scalar `json:"fin_year"`
	Sum            scalar `json:"contract_sum"`
	SumWNDS        scalar `json:"contract_sum_wnds"`
	Currency       scalar `json:"ref_currency_code"`
	ExchangeRate   scalar `json:"exchange_rate"`
	LocalContent   scalar `json:"contract_ms"`
	Status         scalar `json:"ref_contract_status_id"`
	Method         scalar `json:"fakt_trade_methods_id"`
	DescriptionRU  scalar `json:"description_ru"`
	DescriptionKZ  scalar `json:"description_kz"`
	Deleted        scalar `json:"deleted"`
	LastUpdateDate scalar `json:"last_update_date"`
	PaidWNDS       scalar `json:"fakt_sum_wnds"`
	ParentID       scalar `json:"parent_id"`
	RootID         scalar `json:"root_id"`
}

func (s *stager) portalContract(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j portalContractJSON
	if err := decodeFlat(dec, &s.flat, contractFields, &j); err != nil {
		return err
	}
	var v validate
	id, err := requireText("id", j.ID)
	v.check(err)
	customer, err := requireText("customer_bin", j.CustomerBIN)
	v.check(err)
	supplier, err := requireText("supplier_biin", j.SupplierBIIN)
	v.check(err)
	signed, err := parseDate("sign_date", j.SignDate, true)
	v.check(err)
	v.check(s.checkSigned("sign_date", signed))
	finYear, err := parseInt("fin_year", j.FinYear)
	v.check(err)
	total, err := parseMoney("contract_sum_wnds", j.SumWNDS, true)
	v.check(err)
	totalAlt, err := parseMoney("contract_sum", j.Sum, false)
	v.check(err)
	currency, err := currencyCode("ref_currency_code", j.Currency)
	v.check(err)
	rate, err := parseRate("exchange_rate", j.ExchangeRate)
	v.check(err)
	lc, err := parsePercent("contract_ms", j.LocalContent)
	v.check(err)
	deleted, err := parseFlag("deleted", j.Deleted)
	v.check(err)
	updated, err := parseDate("last_update_date", j.LastUpdateDate, false)
	v.check(err)
	paid, err := parseMoney("fakt_sum_wnds", j.PaidWNDS, false)
	v.check(err)
	if v.err != nil {
		return v.err
	}
	description := j.DescriptionRU.text
	if description == "" {
		description = j.DescriptionKZ.text
	}
	return s.contracts.add(ctx, record.Contract{
		Loc:            loc,
		SourceID:       id,
		CustomerBin:    customer,
		SupplierKey:    supplier,
		SignedOn:       *signed,
		FiscalYear:     finYear,
		Method:         j.Method.text,
		Status:         j.Status.text,
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
func amendedContract(id string, root, parent scalar) *string {
	for _, ref := range [2]scalar{root, parent} {
		if ref.present() && ref.text != "0" && ref.text != id {
			s := ref.text // allocated only for an amendment
			return &s
		}
	}
	return nil
}

var unitFields = flatFields[portalUnitJSON]()

type portalUnitJSON struct {
	ID           scalar `json:"id"`
	ContractID   scalar `json:"contract_id"`
	PlanPointID  scalar `json:"pln_point_id"`
	ItemPriceWND scalar `json:"item_price_wnds"`
	Quantity     scalar `json:"quantity"`
	TotalSum     scalar `json:"total_sum"`
	TotalSumWNDS scalar `json:"total_sum_wnds"`
	KSProc       scalar `json:"ks_proc"`
	Deleted      scalar `json:"deleted"`
}

func (s *stager) portalUnit(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j portalUnitJSON
	if err := decodeFlat(dec, &s.flat, unitFields, &j); err != nil {
		return err
	}
	var v validate
	id, err := requireText("id", j.ID)
	v.check(err)
	contract, err := requireText("contract_id", j.ContractID)
	v.check(err)
	plan, err := requireText("pln_point_id", j.PlanPointID)
	v.check(err)
	// Values are with VAT (total_sum_wnds), so the unit price is too; item_price is without it.
	price, err := parseMoney("item_price_wnds", j.ItemPriceWND, false)
	v.check(err)
	quantity, err := parseQuantity("quantity", j.Quantity)
	v.check(err)
	value, err := parseMoney("total_sum_wnds", j.TotalSumWNDS, true)
	v.check(err)
	valueAlt, err := parseMoney("total_sum", j.TotalSum, false)
	v.check(err)
	lc, err := parsePercent("ks_proc", j.KSProc)
	v.check(err)
	deleted, err := parseFlag("deleted", j.Deleted)
	v.check(err)
	if v.err != nil {
		return v.err
	}
	return s.units.add(ctx, record.Item{
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

var planFields = flatFields[portalPlanJSON]()

type portalPlanJSON struct {
	ID        scalar `json:"id"`
	Enstru    scalar `json:"ref_enstru_code"`
	NameRU    scalar `json:"name_ru"`
	NameKZ    scalar `json:"name_kz"`
	DescRU    scalar `json:"desc_ru"`
	UnitsCode scalar `json:"ref_units_code"`
	Deleted   scalar `json:"is_deleted"`
}

func (s *stager) portalPlan(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j portalPlanJSON
	if err := decodeFlat(dec, &s.flat, planFields, &j); err != nil {
		return err
	}
	var v validate
	id, err := requireText("id", j.ID)
	v.check(err)
	v.check(fieldtext.CheckEnstru("ref_enstru_code", j.Enstru.text))
	deleted, err := parseFlag("is_deleted", j.Deleted)
	v.check(err)
	if v.err != nil {
		return v.err
	}
	// A plan point removed from the plan decides no item's product or region; a unit that names one is
	// reported as naming a plan point not in plans/. An inactive one (is_active 0, an older version of the
	// point) is still the plan its contract was concluded under, and is used.
	if deleted {
		return skipRecord{"plan points marked deleted (is_deleted): not used for any item"}
	}
	return s.plans.add(ctx, record.PlanPoint{
		Loc:         loc,
		PlanID:      id,
		EnstruCode:  j.Enstru.text,
		Name:        j.NameRU.text,
		NameKk:      j.NameKZ.text,
		Description: j.DescRU.text,
		Unit:        j.UnitsCode.text,
		CategoryID:  s.category(j.Enstru.text, j.NameRU.text, j.NameKZ.text, j.DescRU.text),
	})
}

var planKatoFields = flatFields[portalPlanKatoJSON]()

type portalPlanKatoJSON struct {
	PlanPointID scalar `json:"pln_points_id"`
	KATO        scalar `json:"ref_kato_code"`
	Deleted     scalar `json:"is_deleted"`
}

func (s *stager) portalPlanKato(ctx context.Context, loc string, dec *jsontext.Decoder) error {
	var j portalPlanKatoJSON
	if err := decodeFlat(dec, &s.flat, planKatoFields, &j); err != nil {
		return err
	}
	var v validate
	plan, err := requireText("pln_points_id", j.PlanPointID)
	v.check(err)
	v.check(fieldtext.CheckKATO("ref_kato_code", j.KATO.text, true))
	v.check(s.checkRegion("ref_kato_code", j.KATO.text))
	deleted, err := parseFlag("is_deleted", j.Deleted)
	v.check(err)
	if v.err != nil {
		return v.err
	}
	if deleted {
		return skipRecord{"plan points' KATO rows marked deleted (is_deleted): not used for any item's region"}
	}
	return s.katos.add(ctx, record.PlanKATO{Loc: loc, PlanID: plan, KATO: j.KATO.text})
}
