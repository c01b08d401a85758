package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ules-kz/ules/internal/dbq"
)

// SourceCSV is the contracts' source for rows of the canonical spreadsheet template.
const SourceCSV = "csv"

// CSVColumns are the canonical template's columns in their documented order (docs/import-csv.md).
var CSVColumns = []string{
	"contract_id", "signed_on", "buyer_bin", "buyer_name", "supplier_id", "supplier_name", "supplier_country",
	"supplier_domestic_producer", "item_id", "enstru_code", "item_name", "quantity", "unit", "unit_price", "value",
	"currency", "local_content_percent", "kato",
	"buyer_name_kk", "supplier_name_kk", "supplier_resident", "item_name_kk", "description", "contract_total",
	"value_without_vat", "fiscal_year", "method", "status", "exchange_rate", "contract_local_content_percent",
	"updated_at", "deleted",
}

var csvRequired = []string{"contract_id", "signed_on", "buyer_bin", "supplier_id", "value"}

// readCSV stages the canonical CSV: one row per contract item, the contract's columns repeated on each row.
func readCSV(ctx context.Context, path string, st *stager, errs *errorLog) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	br := bufio.NewReaderSize(f, 1<<16)
	delim, err := sniffDelimiter(br)
	if err != nil {
		errs.add(name, err.Error())
		return nil
	}
	r := csv.NewReader(br)
	r.Comma = delim
	// The header fixes the field count; a row with another count is an error of its own.
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		errs.addf(name+":1", "cannot read the header row: %v", err)
		return nil
	}
	cols, err := csvHeader(header)
	if err != nil {
		errs.add(name+":1", err.Error())
		return nil
	}
	// Items without an item_id are numbered in file order within their contract.
	ordinals := map[string]int{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("ingest: read %s: %w", name, err)
			}
			loc := name + ":" + strconv.Itoa(pe.StartLine)
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				errs.addf(loc, "wrong number of fields: %d, the header has %d", len(rec), len(header))
				continue
			}
			// After a quoting error the reader cannot tell where rows start again.
			errs.addf(loc, "unreadable CSV: %v; nothing after this line was read", pe.Err)
			return nil
		}
		line, _ := r.FieldPos(0)
		loc := name + ":" + strconv.Itoa(line)
		if isBlank(rec) {
			continue
		}
		st.counted()
		row := csvRow{cols: cols, rec: rec, decimalComma: delim == ';'}
		if err := st.csvItem(ctx, loc, row, ordinals); err != nil {
			var re recordError
			if errors.As(err, &re) {
				errs.add(loc, re.Error())
				continue
			}
			return err
		}
	}
}

// sniffDelimiter picks ',' or ';' (spreadsheets saved in Russian or Kazakh locales use ';') from the header.
func sniffDelimiter(br *bufio.Reader) (rune, error) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) //nolint:errcheck // Peek just saw these bytes
	}
	head, err := br.Peek(br.Buffered())
	if len(head) == 0 {
		head, err = br.Peek(1)
		if len(head) == 0 {
			if err == io.EOF {
				return 0, errors.New("the file is empty: want a header row (see docs/import-csv.md)")
			}
			return 0, err
		}
		head, _ = br.Peek(br.Buffered())
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	switch {
	case bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}):
		return ';', nil
	case bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}):
		return '\t', nil
	}
	return ',', nil
}

func csvHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(CSVColumns, h) {
			return nil, fmt.Errorf("unknown column %q (columns are listed in docs/import-csv.md)", header[i])
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		cols[h] = i
	}
	var missing []string
	for _, c := range csvRequired {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing required column(s): %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

type csvRow struct {
	cols         map[string]int
	rec          []string
	decimalComma bool
}

func (r csvRow) get(col string) scalar {
	i, ok := r.cols[col]
	if !ok || i >= len(r.rec) {
		return scalar{}
	}
	text := strings.TrimSpace(r.rec[i])
	return scalar{text: text, valid: text != ""}
}

// number reads a numeric cell, accepting the spreadsheet habits of the ';' locales: decimal comma and
// spaces between thousands.
func (r csvRow) number(col string) scalar {
	s := r.get(col)
	if !s.present() || !r.decimalComma {
		return s
	}
	s.text = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(s.text)
	return s
}

func (s *stager) csvItem(ctx context.Context, loc string, row csvRow, ordinals map[string]int) error {
	var v validate
	contractID, err := requireText("contract_id", row.get("contract_id"))
	v.check(err)
	signed, err := parseDate("signed_on", row.get("signed_on"), true)
	v.check(err)
	buyerBIN := row.get("buyer_bin").text
	if buyerBIN == "" || len(buyerBIN) != 12 || !digitsOnly(buyerBIN) {
		v.check(fieldError("buyer_bin", "%q is not 12 digits", buyerBIN))
	}
	supplierID, err := requireText("supplier_id", row.get("supplier_id"))
	v.check(err)
	country, err := countryCode("supplier_country", row.get("supplier_country"))
	v.check(err)
	producer, err := parseFlag("supplier_domestic_producer", row.get("supplier_domestic_producer"))
	v.check(err)
	var residentMark *bool
	if rs := row.get("supplier_resident"); rs.present() {
		res, err := parseFlag("supplier_resident", rs)
		v.check(err)
		residentMark = &res
	}
	enstru := row.get("enstru_code").text
	v.check(checkEnstru("enstru_code", enstru))
	quantity, err := parseQuantity("quantity", row.number("quantity"))
	v.check(err)
	price, err := parseMoney("unit_price", row.number("unit_price"), false)
	v.check(err)
	value, err := parseMoney("value", row.number("value"), true)
	v.check(err)
	valueAlt, err := parseMoney("value_without_vat", row.number("value_without_vat"), false)
	v.check(err)
	total, err := parseMoney("contract_total", row.number("contract_total"), false)
	v.check(err)
	currency, err := currencyCode("currency", row.get("currency"))
	v.check(err)
	rate, err := parseRate("exchange_rate", row.number("exchange_rate"))
	v.check(err)
	lc, err := parsePercent("local_content_percent", row.number("local_content_percent"))
	v.check(err)
	contractLC, err := parsePercent("contract_local_content_percent", row.number("contract_local_content_percent"))
	v.check(err)
	kato := row.get("kato").text
	v.check(checkKATO("kato", kato, false))
	finYear, err := parseInt("fiscal_year", row.get("fiscal_year"))
	v.check(err)
	updated, err := parseDate("updated_at", row.get("updated_at"), false)
	v.check(err)
	deleted, err := parseFlag("deleted", row.get("deleted"))
	v.check(err)
	if v.err != nil {
		return v.err
	}
	if country == "" && len(supplierID) == 12 && digitsOnly(supplierID) {
		country = "KZ"
	}
	itemID := row.get("item_id").text
	if itemID == "" {
		// "#" keeps positions apart from identifiers the file gives on other rows.
		ordinals[contractID]++
		itemID = "#" + strconv.Itoa(ordinals[contractID])
	}
	buyerName, buyerNameKK := row.get("buyer_name").text, row.get("buyer_name_kk").text
	var kzID *string
	if len(supplierID) == 12 && digitsOnly(supplierID) {
		kzID = &supplierID
	}
	subjects := []dbq.StageSubjectsCopyFromParams{
		{Loc: loc, Identifier: buyerBIN, BIN: &buyerBIN, NameRu: buyerName, NameKk: buyerNameKK, Country: "KZ",
			Resident: true, BuyerType: buyerType(false, buyerName, buyerNameKK)},
		{Loc: loc, Identifier: supplierID, BIN: kzID, NameRu: row.get("supplier_name").text,
			NameKk: row.get("supplier_name_kk").text, Country: country, Resident: s.residentOf(residentMark, country),
			Producer: producer, BuyerType: "state_body"},
	}
	for _, subj := range subjects {
		if err := s.subjects.add(ctx, subj); err != nil {
			return err
		}
	}
	if err := s.contracts.add(ctx, dbq.StageContractsCopyFromParams{
		Loc: loc, SourceID: contractID, CustomerBin: buyerBIN, SupplierKey: supplierID, SignedOn: *signed,
		FiscalYear: finYear, Method: row.get("method").text, Status: row.get("status").text, Currency: currency,
		ExchangeRate: rate, Total: total, LocalContentBp: contractLC, Description: row.get("description").text,
		Deleted: false, UpdatedAt: updated,
	}); err != nil {
		return err
	}
	planID := loc
	name, nameKK, description := row.get("item_name").text, row.get("item_name_kk").text, row.get("description").text
	if err := s.plans.add(ctx, dbq.StagePlansCopyFromParams{
		Loc: loc, PlanID: planID, EnstruCode: enstru, Name: name, NameKk: nameKK, Description: description,
		Unit: row.get("unit").text, CategoryID: s.category(enstru, name, nameKK, description),
	}); err != nil {
		return err
	}
	if kato != "" {
		if err := s.katos.add(ctx, dbq.StagePlanKatosCopyFromParams{Loc: loc, PlanID: planID, KATO: kato}); err != nil {
			return err
		}
	}
	return s.units.add(ctx, dbq.StageUnitsCopyFromParams{
		Loc: loc, SourceID: itemID, ContractSourceID: contractID, PlanID: planID, Quantity: quantity,
		UnitPrice: price, Value: *value, ValueAlt: valueAlt, LocalContentBp: lc, Deleted: deleted,
	})
}
