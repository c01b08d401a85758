// Package fieldtext reads and checks the text of one field as the import's sources spell it (Value: a cell,
// or a JSON value kept as text): amounts, percentages, quantities, flags, dates and times, currency,
// country, ENSTRU and KATO codes, exchange rates. Its errors name the field.
package fieldtext

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Almaty wherever the binary runs

	"github.com/biter777/countries"
)

// Errorf names the field in a reason.
func Errorf(field string, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

// IsDecimal matches ^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$ without a regular expression, which cost
// more than the rest of reading a number.
func IsDecimal(s string) bool {
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

// Almaty is the zone of the portal's and the template's times written without an offset: Kazakhstan's
// time, UTC+5 since March 2024 and UTC+6 before, which the zone database knows.
var Almaty = func() *time.Location {
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

// Time reads a date or a date and time in one of the spellings the sources use; one without an offset is
// Almaty's.
func Time(s string) (time.Time, bool) {
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
		if t, err := time.ParseInLocation(layout, s, Almaty); err == nil {
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
	return time.Date(year, time.Month(month), day, hour, minute, second, 0, Almaty), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// CountryCode turns an ISO 3166 code (numeric 398, alpha-2 KZ or alpha-3 KAZ) into alpha-2.
func CountryCode(field, text string) (string, error) {
	if text == "" {
		return "", nil
	}
	given := text
	text = strings.ToUpper(text)
	var c countries.CountryCode
	if n, err := strconv.Atoi(text); err == nil {
		c = countries.ByNumeric(n)
	} else {
		c = countries.ByName(text)
	}
	code := c.Alpha2()
	if c == countries.Unknown || !c.IsValid() || len(code) != 2 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", Errorf(field, "%q is not an ISO 3166 country code", given)
	}
	return code, nil
}

// DigitsOnly reports whether s is non-empty and made of ASCII digits.
func DigitsOnly(s string) bool {
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

// CheckEnstru accepts an empty code or the XXXXXX.XXX.XXXXXX form (shorter prefixes of it too).
func CheckEnstru(field, code string) error {
	if code == "" {
		return nil
	}
	if !IsEnstru(code) {
		return Errorf(field, "%q is not an ENSTRU code (want XXXXXX.XXX.XXXXXX)", code)
	}
	return nil
}

// IsEnstru matches ^\d{2,6}(\.\d{1,3}(\.\d{1,6})?)?$: a class, and optionally a subclass and a position.
func IsEnstru(s string) bool {
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

// CheckKATO accepts a 9-digit KATO code.
func CheckKATO(field, code string, required bool) error {
	if code == "" && !required {
		return nil
	}
	if len(code) != 9 || !DigitsOnly(code) {
		return Errorf(field, "%q is not a 9-digit KATO code", code)
	}
	return nil
}
