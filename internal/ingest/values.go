package ingest

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Almaty wherever the binary runs

	"github.com/biter777/countries"

	"github.com/ules-kz/ules/internal/money"
)

// scalar is a JSON value kept as text: real exports carry the same field as a number in one file and as a
// string in another, and amounts must never pass through float64.
type scalar struct {
	text  string
	valid bool // false when absent or null
}

// present reports whether the field holds a non-empty value.
func (s scalar) present() bool { return s.valid && s.text != "" }

// fieldError names the field in a reason.
func fieldError(field string, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

func requireText(field string, s scalar) (string, error) {
	if !s.present() {
		return "", fieldError(field, "is required")
	}
	return s.text, nil
}

func parseMoney(field string, s scalar, required bool) (*int64, error) {
	if !s.present() {
		if required {
			return nil, fieldError(field, "is required")
		}
		return nil, nil
	}
	v, err := money.ParseMinor(s.text)
	if err != nil {
		return nil, fieldError(field, "%q is not an amount: %v", s.text, unwrapPrefix(err))
	}
	if v < 0 {
		return nil, fieldError(field, "%q is negative", s.text)
	}
	return &v, nil
}

func parsePercent(field string, s scalar) (*int32, error) {
	if !s.present() {
		return nil, nil
	}
	v, err := money.ParseBasisPoints(s.text)
	if err != nil {
		return nil, fieldError(field, "%q: %v", s.text, unwrapPrefix(err))
	}
	bp := int32(v)
	return &bp, nil
}

// parseFlag reads the portal's 0/1 marks; true/false are accepted too.
func parseFlag(field string, s scalar) (bool, error) {
	if !s.present() {
		return false, nil
	}
	switch strings.ToLower(s.text) {
	case "1", "true", "yes", "да", "иә":
		return true, nil
	case "0", "false", "no", "нет", "жоқ":
		return false, nil
	}
	return false, fieldError(field, "%q is not a flag (want 0 or 1)", s.text)
}

func parseQuantity(field string, s scalar) (string, error) {
	if !s.present() {
		return "0", nil
	}
	if !isDecimal(s.text) {
		return "", fieldError(field, "%q is not a non-negative number", s.text)
	}
	return plainNumber(field, s.text)
}

// plainNumber writes a number that isDecimal accepts without its exponent, which COPY cannot encode.
func plainNumber(field, text string) (string, error) {
	plain, err := money.Plain(text)
	if err != nil {
		return "", fieldError(field, "%q: %v", text, err)
	}
	return plain, nil
}

// isDecimal matches ^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$ without a regular expression, which cost
// more than the rest of reading a number.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && s[i] == '+' {
		i++
	}
	whole := leadingDigits(s[i:])
	i += whole
	frac := 0
	if i < len(s) && s[i] == '.' {
		i++
		frac = leadingDigits(s[i:])
		i += frac
	}
	if whole == 0 && frac == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := leadingDigits(s[i:])
		if exp < 1 || exp > 3 {
			return false
		}
		i += exp
	}
	return i == len(s)
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// almaty is the zone of the portal's and the template's times written without an offset: Kazakhstan's
// time, UTC+5 since March 2024 and UTC+6 before, which the zone database knows.
var almaty = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Almaty"); err == nil {
		return loc
	}
	return time.FixedZone("UTC+5", 5*3600)
}()

var dateLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	time.RFC3339,
	"2006-01-02 15:04:05.999999",
	"2006-01-02T15:04:05.999999",
	"02.01.2006",
	"02.01.2006 15:04:05",
}

func parseTime(s string) (time.Time, bool) {
	if t, ok := plainTime(s); ok {
		return t, true
	}
	// OCDS writes RFC 3339, which no earlier layout parses: trying it first spares three failed parses.
	if len(s) > 19 && s[10] == 'T' {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, true
		}
	}
	for _, layout := range dateLayouts {
		// Kept in its own offset, or Almaty's when it has none: the signing day is the day written, not the
		// UTC day.
		if t, err := time.ParseInLocation(layout, s, almaty); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// plainTime reads the portal's and the template's spellings, YYYY-MM-DD and YYYY-MM-DD HH:MM:SS, as
// time.Parse does, without its cost: an import reads a date or two per record. Anything else, a day past
// its month's end too, says !ok and goes to time.Parse.
func plainTime(s string) (time.Time, bool) {
	if (len(s) != 10 && len(s) != 19) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	var hour, minute, second int
	if len(s) == 19 {
		if s[10] != ' ' || s[13] != ':' || s[16] != ':' {
			return time.Time{}, false
		}
		hour, minute, second = num(11, 2), num(14, 2), num(17, 2)
		if hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 {
			return time.Time{}, false
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, 0, almaty), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func parseDate(field string, s scalar, required bool) (*time.Time, error) {
	if !s.present() {
		if required {
			return nil, fieldError(field, "is required")
		}
		return nil, nil
	}
	t, ok := parseTime(s.text)
	if !ok {
		return nil, fieldError(field, "%q is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)", s.text)
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		return nil, fieldError(field, "%q is outside 1990..2100", s.text)
	}
	return &t, nil
}

func parseInt(field string, s scalar) (*int32, error) {
	if !s.present() {
		return nil, nil
	}
	v, err := strconv.ParseInt(s.text, 10, 32)
	if err != nil {
		return nil, fieldError(field, "%q is not a whole number", s.text)
	}
	i := int32(v)
	return &i, nil
}

// countryCode turns an ISO 3166 code (numeric 398, alpha-2 KZ or alpha-3 KAZ) into alpha-2.
func countryCode(field string, s scalar) (string, error) {
	if !s.present() {
		return "", nil
	}
	text := strings.ToUpper(s.text)
	var c countries.CountryCode
	if n, err := strconv.Atoi(text); err == nil {
		c = countries.ByNumeric(n)
	} else {
		c = countries.ByName(text)
	}
	code := c.Alpha2()
	if c == countries.Unknown || !c.IsValid() || len(code) != 2 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fieldError(field, "%q is not an ISO 3166 country code", s.text)
	}
	return code, nil
}

// digitsOnly reports whether s is non-empty and made of ASCII digits.
func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func unwrapPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "money: ")
}

// checkEnstru accepts an empty code or the XXXXXX.XXX.XXXXXX form (shorter prefixes of it too).
func checkEnstru(field, code string) error {
	if code == "" {
		return nil
	}
	if !isEnstru(code) {
		return fieldError(field, "%q is not an ENSTRU code (want XXXXXX.XXX.XXXXXX)", code)
	}
	return nil
}

// isEnstru matches ^\d{2,6}(\.\d{1,3}(\.\d{1,6})?)?$: a class, and optionally a subclass and a position.
func isEnstru(s string) bool {
	limits := [3][2]int{{2, 6}, {1, 3}, {1, 6}}
	part, n := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if n < limits[part][0] || part == len(limits)-1 {
				return false
			}
			part, n = part+1, 0
		case c >= '0' && c <= '9':
			if n++; n > limits[part][1] {
				return false
			}
		default:
			return false
		}
	}
	return n >= limits[part][0]
}

// checkKATO accepts a 9-digit KATO code.
func checkKATO(field, code string, required bool) error {
	if code == "" && !required {
		return nil
	}
	if len(code) != 9 || !digitsOnly(code) {
		return fieldError(field, "%q is not a 9-digit KATO code", code)
	}
	return nil
}

func currencyCode(field string, s scalar) (string, error) {
	if !s.present() {
		return "KZT", nil
	}
	c := strings.ToUpper(s.text)
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fieldError(field, "%q is not an ISO 4217 currency code such as KZT", s.text)
	}
	return c, nil
}

var maxRate = big.NewRat(1_000_000, 1)

// parseRate keeps an exchange rate as exact decimal text; zero means "not given".
func parseRate(field string, s scalar) (*string, error) {
	if !s.present() {
		return nil, nil
	}
	if !isDecimal(s.text) {
		return nil, fieldError(field, "%q is not a positive number", s.text)
	}
	// No currency costs more than a million tenge; a larger rate is a typo that would overflow the amounts.
	if r, ok := new(big.Rat).SetString(s.text); !ok || r.Cmp(maxRate) > 0 {
		return nil, fieldError(field, "%q tenge per unit is not a plausible exchange rate", s.text)
	}
	rate, err := plainNumber(field, s.text)
	return &rate, err
}
