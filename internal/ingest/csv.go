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
	"unicode/utf8"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
	"golang.org/x/text/encoding/charmap"
)

// SourceCSV is the contracts' source for rows of the canonical spreadsheet template.
const SourceCSV = "csv"

// templateColumns are the canonical template's columns, whether it arrives as CSV or XLSX.
var templateColumns = columnSet{all: CSVColumns, required: csvRequired, doc: "docs/import-csv.md"}

// readCSV stages the canonical CSV: one row per contract item, the contract's columns repeated on each row.
func readCSV(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, openCSV, st, errs)
}

// readTemplate stages the canonical template from a sheet that open reads, CSV or XLSX: the same columns,
// the same checks, the same records.
func readTemplate(ctx context.Context, path string, open sheetOpener, st *stager, errs *errorLog) error {
	// Items without an item_id are numbered in file order within their contract.
	ordinals := map[string]int{}
	return readSheet(ctx, path, open, st.meter, templateColumns, st.counted, errs, func(ctx context.Context, loc string, row sheetRow) error {
		return st.templateItem(ctx, loc, row, ordinals)
	})
}

// A sheet is a spreadsheet read row by row: a CSV file or the first worksheet of an XLSX workbook. Its
// first row is the header.
type sheet interface {
	// next returns the next row's location (file:line) and cells, and io.EOF after the last row. A badRow
	// error reports the row and reading goes on; an unreadable error reports the location and ends the
	// reading; any other error fails the import.
	next() (loc string, cells []string, err error)
	// cells says how the sheet writes numbers and dates.
	cells() cellReader
	close() error
}

// A sheetOpener opens a file as a sheet. It returns an unreadable error for a file that is not a sheet of
// its kind (reported, not fatal) and any other error when the file cannot be opened at all.
type sheetOpener func(path string, m *meter) (sheet, error)

// errEmptyFile is a file without a byte.
var errEmptyFile = errors.New("the file is empty")

// badRow is a row that cannot be read; the rows after it can.
type badRow struct{ reason string }

func (e badRow) Error() string { return e.reason }

// unreadable ends the reading of a sheet: nothing after its location can be read.
type unreadable struct{ loc, reason string }

func (e unreadable) Error() string { return e.loc + ": " + e.reason }

// cellReader turns a cell's text into what the shared checks read: numbers with a decimal point, dates in
// one of dateLayouts.
type cellReader interface {
	number(text string) string
	date(text string) string
}

// plainCells are cells written as the checks read them (CSV with ',').
type plainCells struct{}

func (plainCells) number(text string) string { return text }
func (plainCells) date(text string) string   { return text }

// localeCells are the cells of a ';' CSV, as spreadsheets in Russian and Kazakh locales save it: a decimal
// comma and spaces between thousands.
type localeCells struct{}

func (localeCells) number(text string) string {
	return strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(text)
}
func (localeCells) date(text string) string { return text }

// readSheet reads a sheet's header against cols and hands every non-blank row to item, counting it. Bad rows
// and a broken file are reported to errs; only a failure to read the file at all, or an error of item other
// than a recordError, fails the import.
func readSheet(ctx context.Context, path string, open sheetOpener, m *meter, cols columnSet, counted func(), errs *errorLog,
	item func(ctx context.Context, loc string, row sheetRow) error,
) error {
	sh, err := open(path, m)
	if errors.Is(err, errEmptyFile) {
		errs.Add(filepath.Base(path), "the file is empty: want a header row (see "+cols.doc+")")
		return nil
	}
	if err != nil {
		return reportUnreadable(err, errs)
	}
	defer sh.close()
	if n, ok := sh.(interface{ note() string }); ok && n.note() != "" {
		errs.Note(n.note())
	}
	loc, header, err := sh.next()
	if err == io.EOF {
		errs.Add(filepath.Base(path), "the file is empty: want a header row (see "+cols.doc+")")
		return nil
	}
	if err != nil {
		var bad badRow
		if errors.As(err, &bad) {
			err = unreadable{loc: loc, reason: "cannot read the header row: " + bad.reason}
		}
		return reportUnreadable(err, errs)
	}
	index, err := cols.header(header)
	if err != nil {
		errs.Add(loc, err.Error())
		return nil
	}
	reader := sh.cells()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		loc, cells, err := sh.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var bad badRow
			if errors.As(err, &bad) {
				errs.Add(loc, bad.reason)
				continue
			}
			return reportUnreadable(err, errs)
		}
		if isBlank(cells) {
			continue
		}
		counted()
		if err := item(ctx, loc, sheetRow{cols: index, cells: cells, reader: reader}); err != nil {
			var re recordError
			if errors.As(err, &re) {
				errs.Add(loc, re.Error())
				continue
			}
			return err
		}
	}
}

// reportUnreadable records an unreadable file or row as a bad record; any other error is returned.
func reportUnreadable(err error, errs *errorLog) error {
	var u unreadable
	if errors.As(err, &u) {
		errs.Add(u.loc, u.reason)
		return nil
	}
	return err
}

// csvSheet reads a CSV file.
type csvSheet struct {
	f      *os.File
	r      *csv.Reader
	name   string
	reader cellReader
	fields int // the header's, which every row must have
	rows   int
	// converted: the file was Windows-1251 and is read converted to UTF-8.
	converted bool
}

func (s *csvSheet) note() string {
	if !s.converted {
		return ""
	}
	return s.name + " is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted"
}

// openCSV opens a CSV file, detecting its delimiter from the header.
func openCSV(path string, m *meter) (sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	name := filepath.Base(path)
	br := bufio.NewReaderSize(m.reader(f), 1<<16)
	if b, _ := br.Peek(4); bytes.Equal(b, []byte("PK\x03\x04")) {
		f.Close()
		return nil, unreadable{loc: name, reason: "the file is an XLSX workbook (or another zip archive), not CSV: " +
			"save it as CSV or import it as XLSX"}
	}
	converted := false
	if windows1251(br) {
		// Excel in Russian and Kazakh locales saves "CSV" in the ANSI code page, Windows-1251.
		br = bufio.NewReaderSize(charmap.Windows1251.NewDecoder().Reader(br), 1<<16)
		converted = true
	}
	delim, err := sniffDelimiter(br)
	if err != nil {
		f.Close()
		if errors.Is(err, errEmptyFile) {
			return nil, err
		}
		return nil, unreadable{loc: name, reason: err.Error()}
	}
	r := csv.NewReader(br)
	r.Comma = delim
	// The header fixes the field count; a row with another count is an error of its own.
	r.FieldsPerRecord = 0
	var reader cellReader = plainCells{}
	if delim == ';' {
		reader = localeCells{}
	}
	return &csvSheet{f: f, r: r, name: name, reader: reader, converted: converted}, nil
}

// windows1251 tells a file in Windows-1251 from one in UTF-8 by its first 64 KiB: Cyrillic in Windows-1251
// is bytes 0xC0-0xFF, which UTF-8 never writes alone, so text that is not valid UTF-8 is taken as 1251.
func windows1251(br *bufio.Reader) bool {
	head, _ := br.Peek(1 << 16)
	if len(head) == 1<<16 { // a character the peek cut in two is no evidence
		for i := 1; i <= utf8.UTFMax && i <= len(head); i++ {
			if utf8.RuneStart(head[len(head)-i]) {
				if !utf8.FullRune(head[len(head)-i:]) {
					head = head[:len(head)-i]
				}
				break
			}
		}
	}
	return !utf8.Valid(head)
}

func (s *csvSheet) next() (string, []string, error) {
	rec, err := s.r.Read()
	s.rows++
	if err == io.EOF {
		return "", nil, io.EOF
	}
	if s.rows == 1 {
		if err != nil {
			return s.name + ":1", nil, unreadable{loc: s.name + ":1", reason: fmt.Sprintf("cannot read the header row: %v", err)}
		}
		s.fields = len(rec)
		return s.name + ":1", rec, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return "", nil, fmt.Errorf("ingest: read %s: %w", s.name, err)
		}
		loc := s.name + ":" + strconv.Itoa(pe.StartLine)
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return loc, nil, badRow{fmt.Sprintf("wrong number of fields: %d, the header has %d", len(rec), s.fields)}
		}
		// After a quoting error the reader cannot tell where rows start again.
		return loc, nil, unreadable{loc: loc, reason: fmt.Sprintf("unreadable CSV: %v; nothing after this line was read", pe.Err)}
	}
	line, _ := s.r.FieldPos(0)
	loc := s.name + ":" + strconv.Itoa(line)
	for _, field := range rec {
		if !utf8.ValidString(field) {
			return loc, nil, badRow{"the line is not UTF-8 text (the file's start is): save the file as \"CSV UTF-8\" and import it again"}
		}
	}
	return loc, rec, nil
}

func (s *csvSheet) cells() cellReader { return s.reader }
func (s *csvSheet) close() error      { return s.f.Close() }

// sniffDelimiter picks ',' or ';' (spreadsheets saved in Russian or Kazakh locales use ';') from the header.
func sniffDelimiter(br *bufio.Reader) (rune, error) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) //nolint:errcheck // Peek just saw these bytes
	}
	head, _ := br.Peek(br.Buffered())
	if len(head) == 0 {
		var err error
		head, err = br.Peek(1)
		if len(head) == 0 {
			if err == io.EOF {
				return 0, errEmptyFile
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

// columnSet is the columns a sheet may have: all of them in their documented order, the required ones, and
// the document that lists them.
type columnSet struct {
	all, required []string
	doc           string
}

// header maps the header's column names (trimmed, case-insensitive) to their positions.
func (c columnSet) header(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(c.all, h) {
			return nil, fmt.Errorf("unknown column %q (columns are listed in %s)", header[i], c.doc)
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		cols[h] = i
	}
	var missing []string
	for _, r := range c.required {
		if _, ok := cols[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing required column(s): %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

func csvHeader(header []string) (map[string]int, error) { return templateColumns.header(header) }

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// sheetRow is one row of a sheet, its cells found by column name.
type sheetRow struct {
	cols   map[string]int
	cells  []string
	reader cellReader
}

func (r sheetRow) get(col string) scalar {
	i, ok := r.cols[col]
	if !ok || i >= len(r.cells) {
		return scalar{}
	}
	text := strings.TrimSpace(r.cells[i])
	return scalar{text: text, valid: text != ""}
}

// number reads a numeric cell as decimal text with a decimal point.
func (r sheetRow) number(col string) scalar {
	s := r.get(col)
	if s.present() {
		s.text = r.reader.number(s.text)
	}
	return s
}

// date reads a date cell as text in one of dateLayouts.
func (r sheetRow) date(col string) scalar {
	s := r.get(col)
	if s.present() {
		s.text = r.reader.date(s.text)
	}
	return s
}

// templateItem stages one row of the canonical template: the item, its contract, plan point and parties.
func (s *stager) templateItem(ctx context.Context, loc string, row sheetRow, ordinals map[string]int) error {
	var v validate
	contractID, err := requireText("contract_id", row.get("contract_id"))
	v.check(err)
	signed, err := parseDate("signed_on", row.date("signed_on"), true)
	v.check(err)
	v.check(s.checkSigned("signed_on", signed))
	buyerBIN := row.get("buyer_bin").text
	if buyerBIN == "" || len(buyerBIN) != 12 || !fieldtext.DigitsOnly(buyerBIN) {
		v.check(fieldtext.Errorf("buyer_bin", "%q is not 12 digits", buyerBIN))
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
	v.check(fieldtext.CheckEnstru("enstru_code", enstru))
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
	v.check(fieldtext.CheckKATO("kato", kato, false))
	v.check(s.checkRegion("kato", kato))
	status, err := s.sheetStatus("status", row.get("status").text)
	v.check(err)
	finYear, err := parseInt("fiscal_year", row.get("fiscal_year"))
	v.check(err)
	updated, err := parseDate("updated_at", row.date("updated_at"), false)
	v.check(err)
	deleted, err := parseFlag("deleted", row.get("deleted"))
	v.check(err)
	if v.err != nil {
		return v.err
	}
	if country == "" && len(supplierID) == 12 && fieldtext.DigitsOnly(supplierID) {
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
	if len(supplierID) == 12 && fieldtext.DigitsOnly(supplierID) {
		kzID = &supplierID
	}
	rec := &contractRecord{Deal: record.Deal{
		Parties: []record.Party{
			{Loc: loc, Identifier: buyerBIN, BIN: &buyerBIN, NameRu: buyerName, NameKk: buyerNameKK, Country: "KZ",
				Resident: true, BuyerType: s.buyerTypes.Of(buyerName, buyerNameKK)},
			{Loc: loc, Identifier: supplierID, BIN: kzID, NameRu: row.get("supplier_name").text,
				NameKk: row.get("supplier_name_kk").text, Country: country, Resident: s.residentOf(residentMark, country),
				Producer: producer, BuyerType: "state_body"},
		},
		Contracts: []record.Contract{{
			Loc: loc, SourceID: contractID, CustomerBin: buyerBIN, SupplierKey: supplierID, SignedOn: *signed,
			FiscalYear: finYear, Method: row.get("method").text, Status: status, Currency: currency,
			ExchangeRate: rate, Total: total, LocalContentBp: contractLC, Description: row.get("description").text,
			Deleted: false, UpdatedAt: updated, CarriesItems: true,
		}},
	}}
	planID := loc
	name, nameKK, description := row.get("item_name").text, row.get("item_name_kk").text, row.get("description").text
	rec.PlanPoints = []record.PlanPoint{{
		Loc: loc, PlanID: planID, EnstruCode: enstru, Name: name, NameKk: nameKK, Description: description,
		Unit: row.get("unit").text, CategoryID: s.category(enstru, name, nameKK, description),
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
