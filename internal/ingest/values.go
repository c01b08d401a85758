package ingest

import (
	"math/big"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Almaty wherever the binary runs

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
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

func requireText(field string, s scalar) (string, error) {
	if !s.present() {
		return "", fieldtext.Errorf(field, "is required")
	}
	return s.text, nil
}

func parseMoney(field string, s scalar, required bool) (*int64, error) {
	if !s.present() {
		if required {
			return nil, fieldtext.Errorf(field, "is required")
		}
		return nil, nil
	}
	v, err := money.ParseMinor(s.text)
	if err != nil {
		return nil, fieldtext.Errorf(field, "%q is not an amount: %v", s.text, unwrapPrefix(err))
	}
	if v < 0 {
		return nil, fieldtext.Errorf(field, "%q is negative", s.text)
	}
	return &v, nil
}

func parsePercent(field string, s scalar) (*int32, error) {
	if !s.present() {
		return nil, nil
	}
	v, err := money.ParseBasisPoints(s.text)
	if err != nil {
		return nil, fieldtext.Errorf(field, "%q: %v", s.text, unwrapPrefix(err))
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
	return false, fieldtext.Errorf(field, "%q is not a flag (want 0 or 1)", s.text)
}

func parseQuantity(field string, s scalar) (string, error) {
	if !s.present() {
		return "0", nil
	}
	if !fieldtext.IsDecimal(s.text) {
		return "", fieldtext.Errorf(field, "%q is not a non-negative number", s.text)
	}
	return plainNumber(field, s.text)
}

// plainNumber writes a number that isDecimal accepts without its exponent, which COPY cannot encode.
func plainNumber(field, text string) (string, error) {
	plain, err := money.Plain(text)
	if err != nil {
		return "", fieldtext.Errorf(field, "%q: %v", text, err)
	}
	return plain, nil
}

// countryCode turns an ISO 3166 code into alpha-2; absent is "".
func countryCode(name string, s scalar) (string, error) {
	if !s.present() {
		return "", nil
	}
	return fieldtext.CountryCode(name, s.text)
}

func parseDate(field string, s scalar, required bool) (*time.Time, error) {
	if !s.present() {
		if required {
			return nil, fieldtext.Errorf(field, "is required")
		}
		return nil, nil
	}
	t, ok := fieldtext.Time(s.text)
	if !ok {
		return nil, fieldtext.Errorf(field, "%q is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)", s.text)
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		return nil, fieldtext.Errorf(field, "%q is outside 1990..2100", s.text)
	}
	return &t, nil
}

func parseInt(field string, s scalar) (*int32, error) {
	if !s.present() {
		return nil, nil
	}
	v, err := strconv.ParseInt(s.text, 10, 32)
	if err != nil {
		return nil, fieldtext.Errorf(field, "%q is not a whole number", s.text)
	}
	i := int32(v)
	return &i, nil
}

func unwrapPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "money: ")
}

func currencyCode(field string, s scalar) (string, error) {
	if !s.present() {
		return "KZT", nil
	}
	c := strings.ToUpper(s.text)
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fieldtext.Errorf(field, "%q is not an ISO 4217 currency code such as KZT", s.text)
	}
	return c, nil
}

var maxRate = big.NewRat(1_000_000, 1)

// parseRate keeps an exchange rate as exact decimal text; zero means "not given".
func parseRate(field string, s scalar) (*string, error) {
	if !s.present() {
		return nil, nil
	}
	if !fieldtext.IsDecimal(s.text) {
		return nil, fieldtext.Errorf(field, "%q is not a positive number", s.text)
	}
	// No currency costs more than a million tenge; a larger rate is a typo that would overflow the amounts.
	if r, ok := new(big.Rat).SetString(s.text); !ok || r.Cmp(maxRate) > 0 {
		return nil, fieldtext.Errorf(field, "%q tenge per unit is not a plausible exchange rate", s.text)
	}
	rate, err := plainNumber(field, s.text)
	return &rate, err
}
