// Package refdata reads the reference lists that decide tiers and prices rather than procurement records
// (docs/import-reference.md): the producer register, ST-KZ certificates of origin and exchange rates, each a
// sheet with one entry per row.
package refdata

import (
	"errors"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/biter777/countries"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// RegisterColumns are the producer register's columns in their documented order.
var RegisterColumns = []string{"bin", "enstru_prefix", "category", "valid_from", "valid_to", "capacity", "capacity_unit", "source", "region"}

// CertificateColumns are the ST-KZ certificates' columns in their documented order.
var CertificateColumns = []string{"number", "bin", "enstru_code", "local_content_percent", "issued", "expires"}

// FXColumns are the exchange rates' columns in their documented order.
var FXColumns = []string{"date", "currency", "rate"}

// RegisterEntry is one row of the producer register: a BIN whose products in a scope (an ENSTRU prefix, a
// category, or every product) count as domestically produced from ValidFrom to ValidTo.
type RegisterEntry struct {
	Loc          string
	BIN          string
	EnstruPrefix string
	CategoryID   *int32
	ValidFrom    time.Time
	ValidTo      *time.Time
	Capacity     *string // a decimal
	CapacityUnit string
	Source       string
	Region       *string // where the producer is: a region's code, the first two digits of a KATO code
}

// Certificate is one ST-KZ certificate of origin: a BIN's products under an ENSTRU prefix carry
// LocalContentBp of local content from Issued to Expires.
type Certificate struct {
	Loc            string
	Number         string
	BIN            string
	EnstruPrefix   string
	LocalContentBp int32
	Issued         time.Time
	Expires        time.Time
}

// FXRate is tenge per unit of a currency on a day.
type FXRate struct {
	Loc      string
	Currency string
	RateDate time.Time
	Rate     string // a decimal
}

// ParseRegisterRow checks one producer-register row. The scope is an ENSTRU prefix, a category, or neither
// (every product of the producer); regions are the known regions' codes.
func ParseRegisterRow(row sheet.Row, categories map[string]int32, regions map[string]bool) (RegisterEntry, error) {
	var v record.Check
	bin, err := parseBIN("bin", row.Get("bin"))
	v.Check(err)
	prefix, err := parseEnstruPrefix("enstru_prefix", row.Get("enstru_prefix"), false)
	v.Check(err)
	var categoryID *int32
	if c := row.Get("category"); c.Present() {
		if row.Get("enstru_prefix").Present() {
			v.Check(errors.New("enstru_prefix and category: give one of them (or neither, for every product), not both"))
		}
		id, ok := categories[strings.ToLower(c.Text)]
		if !ok {
			v.Check(fieldtext.Errorf("category", "%q is not a category (known: %s)", c.Text, strings.Join(slices.Sorted(maps.Keys(categories)), ", ")))
		}
		categoryID = &id
	}
	from, err := fieldtext.Date("valid_from", row.Date("valid_from"), true)
	v.Check(err)
	to, err := fieldtext.Date("valid_to", row.Date("valid_to"), false)
	v.Check(err)
	if from != nil && to != nil && dateOf(*to).Before(dateOf(*from)) {
		v.Check(fieldtext.Errorf("valid_to", "%s is before valid_from %s", to.Format(time.DateOnly), from.Format(time.DateOnly)))
	}
	capacity, err := parseDecimal("capacity", row.Number("capacity"))
	v.Check(err)
	region, err := parseRegion("region", row.Get("region"), regions)
	v.Check(err)
	if v.Err != nil {
		return RegisterEntry{}, v.Err
	}
	entry := RegisterEntry{
		BIN: bin, EnstruPrefix: prefix, CategoryID: categoryID, ValidFrom: dateOf(*from), Capacity: capacity,
		CapacityUnit: row.Get("capacity_unit").Text, Source: row.Get("source").Text, Region: region,
	}
	if to != nil {
		d := dateOf(*to)
		entry.ValidTo = &d
	}
	return entry, nil
}

// ParseCertificateRow checks one ST-KZ certificate row.
func ParseCertificateRow(row sheet.Row) (Certificate, error) {
	var v record.Check
	number, err := fieldtext.Required("number", row.Get("number"))
	v.Check(err)
	bin, err := parseBIN("bin", row.Get("bin"))
	v.Check(err)
	prefix, err := parseEnstruPrefix("enstru_code", row.Get("enstru_code"), true)
	v.Check(err)
	lc := row.Number("local_content_percent")
	bp, err := fieldtext.Percent("local_content_percent", lc)
	v.Check(err)
	if !lc.Present() {
		v.Check(fieldtext.Errorf("local_content_percent", "is required"))
	}
	issued, err := fieldtext.Date("issued", row.Date("issued"), true)
	v.Check(err)
	expires, err := fieldtext.Date("expires", row.Date("expires"), true)
	v.Check(err)
	if issued != nil && expires != nil && dateOf(*expires).Before(dateOf(*issued)) {
		v.Check(fieldtext.Errorf("expires", "%s is before issued %s", expires.Format(time.DateOnly), issued.Format(time.DateOnly)))
	}
	if v.Err != nil {
		return Certificate{}, v.Err
	}
	return Certificate{
		Number: number, BIN: bin, EnstruPrefix: prefix, LocalContentBp: *bp,
		Issued: dateOf(*issued), Expires: dateOf(*expires),
	}, nil
}

// ParseFXRow checks one exchange-rate row: tenge per one unit of a foreign currency on a day.
func ParseFXRow(row sheet.Row) (FXRate, error) {
	var v record.Check
	day, err := fieldtext.Date("date", row.Date("date"), true)
	v.Check(err)
	currency, err := foreignCurrency("currency", row.Get("currency"))
	v.Check(err)
	rs := row.Number("rate")
	rate, err := fieldtext.Rate("rate", rs)
	v.Check(err)
	switch {
	case !rs.Present():
		v.Check(fieldtext.Errorf("rate", "is required"))
	case rate != nil && ratSign(*rate) <= 0:
		v.Check(fieldtext.Errorf("rate", "%q must be greater than 0", rs.Text))
	}
	if v.Err != nil {
		return FXRate{}, v.Err
	}
	return FXRate{Currency: currency, RateDate: dateOf(*day), Rate: *rate}, nil
}

// ratSign is the sign of a decimal that parseRate accepted.
func ratSign(text string) int {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return 0
	}
	return r.Sign()
}

// parseBIN requires a 12-digit BIN (or IIN).
func parseBIN(field string, s fieldtext.Value) (string, error) {
	if !s.Present() {
		return "", fieldtext.Errorf(field, "is required")
	}
	if len(s.Text) != 12 || !fieldtext.DigitsOnly(s.Text) {
		return "", fieldtext.Errorf(field, "%q is not 12 digits", s.Text)
	}
	return s.Text, nil
}

// parseRegion reads a region's code or any KATO code of a place in it (2 to 9 digits) and returns the
// region's code.
func parseRegion(field string, s fieldtext.Value, regions map[string]bool) (*string, error) {
	if !s.Present() {
		return nil, nil
	}
	if len(s.Text) < 2 || len(s.Text) > 9 || !fieldtext.DigitsOnly(s.Text) {
		return nil, fieldtext.Errorf(field, "%q is not a KATO code (2 to 9 digits)", s.Text)
	}
	code := s.Text[:2]
	if !regions[code] {
		return nil, fieldtext.Errorf(field, "%q is in no known region (known: %s)", s.Text, strings.Join(slices.Sorted(maps.Keys(regions)), ", "))
	}
	return &code, nil
}

var enstruPrefixText = regexp.MustCompile(`^\d+(\.\d+)*$`)

// parseEnstruPrefix reads an ENSTRU code or a prefix of one, with or without its dots ("14.13", "1413",
// "141311.100"), and returns its digits.
func parseEnstruPrefix(field string, s fieldtext.Value, required bool) (string, error) {
	if !s.Present() {
		if required {
			return "", fieldtext.Errorf(field, "is required")
		}
		return "", nil
	}
	if !enstruPrefixText.MatchString(s.Text) {
		return "", fieldtext.Errorf(field, "%q is not an ENSTRU code or prefix (digits, dots allowed: 14.13, 141311.100.000001)", s.Text)
	}
	digits := strings.ReplaceAll(s.Text, ".", "")
	if len(digits) < 2 || len(digits) > 15 {
		return "", fieldtext.Errorf(field, "%q has %d digit(s): an ENSTRU prefix has 2 to 15", s.Text, len(digits))
	}
	return digits, nil
}

// parseDecimal keeps a non-negative decimal as exact text.
func parseDecimal(field string, s fieldtext.Value) (*string, error) {
	if !s.Present() {
		return nil, nil
	}
	if !fieldtext.IsDecimal(s.Text) {
		return nil, fieldtext.Errorf(field, "%q is not a non-negative number", s.Text)
	}
	plain, err := fieldtext.PlainNumber(field, s.Text)
	return &plain, err
}

// foreignCurrency requires an ISO 4217 code other than the tenge.
func foreignCurrency(field string, s fieldtext.Value) (string, error) {
	if !s.Present() {
		return "", fieldtext.Errorf(field, "is required")
	}
	c, err := fieldtext.Currency(field, s)
	if err != nil {
		return "", err
	}
	if c == "KZT" {
		return "", fieldtext.Errorf(field, "KZT needs no rate: rates are tenge per unit of another currency")
	}
	if code := countries.CurrencyCodeByName(c); !code.IsValid() || code.Alpha() != c {
		return "", fieldtext.Errorf(field, "%q is not an ISO 4217 currency code", s.Text)
	}
	return c, nil
}

// dateOf drops the time of day: the register, certificates and rates hold days.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
