package fieldtext

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/money"
)

// Value is a field kept as text: real exports carry the same field as a number in one file and as a
// string in another, and amounts must never pass through float64.
type Value struct {
	Text  string
	Valid bool // false when absent or null
}

// Present reports whether the field holds a non-empty value.
func (s Value) Present() bool { return s.Valid && s.Text != "" }

// Required is the field's text, which must be present.
func Required(field string, s Value) (string, error) {
	if !s.Present() {
		return "", Errorf(field, "is required")
	}
	return s.Text, nil
}

// Money reads a non-negative amount in tiyn (nil when absent and not required).
func Money(field string, s Value, required bool) (*int64, error) {
	if !s.Present() {
		if required {
			return nil, Errorf(field, "is required")
		}
		return nil, nil
	}
	v, err := money.ParseMinor(s.Text)
	if err != nil {
		return nil, Errorf(field, "%q is not an amount: %v", s.Text, amountReason(err))
	}
	if v < 0 {
		return nil, Errorf(field, "%q is negative", s.Text)
	}
	return &v, nil
}

// Percent reads a percentage as basis points (nil when absent).
func Percent(field string, s Value) (*int32, error) {
	if !s.Present() {
		return nil, nil
	}
	v, err := money.ParseBasisPoints(s.Text)
	if err != nil {
		return nil, Errorf(field, "%q: %v", s.Text, unwrapPrefix(err))
	}
	bp := int32(v)
	return &bp, nil
}

// Flag reads the portal's 0/1 marks; true/false are accepted too.
func Flag(field string, s Value) (bool, error) {
	if !s.Present() {
		return false, nil
	}
	switch strings.ToLower(s.Text) {
	case "1", "true", "yes", "да", "иә":
		return true, nil
	case "0", "false", "no", "нет", "жоқ":
		return false, nil
	}
	return false, Errorf(field, "%q is not a flag (want 0 or 1)", s.Text)
}

// Quantity reads a non-negative decimal, spelled without an exponent; absent is "0".
func Quantity(field string, s Value) (string, error) {
	if !s.Present() {
		return "0", nil
	}
	if !IsDecimal(s.Text) {
		return "", Errorf(field, "%q is not a non-negative number", s.Text)
	}
	return PlainNumber(field, s.Text)
}

// PlainNumber writes a number that isDecimal accepts without its exponent, which COPY cannot encode.
func PlainNumber(field, text string) (string, error) {
	plain, err := money.Plain(text)
	if err != nil {
		return "", Errorf(field, "%q: %v", text, err)
	}
	return plain, nil
}

// Country turns an ISO 3166 code into alpha-2; absent is "".
func Country(name string, s Value) (string, error) {
	if !s.Present() {
		return "", nil
	}
	return CountryCode(name, s.Text)
}

// Date reads a date (or date and time) between 1990 and 2100 (nil when absent and not required).
func Date(field string, s Value, required bool) (*time.Time, error) {
	if !s.Present() {
		if required {
			return nil, Errorf(field, "is required")
		}
		return nil, nil
	}
	t, ok := Time(s.Text)
	if !ok {
		return nil, Errorf(field, "%q is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)", s.Text)
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		return nil, Errorf(field, "%q is outside 1990..2100", s.Text)
	}
	return &t, nil
}

// Int reads a whole number (nil when absent).
func Int(field string, s Value) (*int32, error) {
	if !s.Present() {
		return nil, nil
	}
	v, err := strconv.ParseInt(s.Text, 10, 32)
	if err != nil {
		return nil, Errorf(field, "%q is not a whole number", s.Text)
	}
	i := int32(v)
	return &i, nil
}

// amountReason says why a text is no amount in the words of the file's reader, not of the parser: where
// the first bad character stood is plain to see in the text quoted beside it.
func amountReason(err error) string {
	switch {
	case errors.Is(err, money.ErrRange):
		return money.ErrRange.Error()
	case errors.Is(err, money.ErrSyntax):
		return "invalid number: write digits with a point before the decimals, e.g. 1234.50"
	}
	return unwrapPrefix(err)
}

func unwrapPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "money: ")
}

// Currency reads an ISO 4217 currency code (three letters); absent is KZT.
func Currency(field string, s Value) (string, error) {
	if !s.Present() {
		return "KZT", nil
	}
	c := strings.ToUpper(s.Text)
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", Errorf(field, "%q is not an ISO 4217 currency code such as KZT", s.Text)
	}
	return c, nil
}

var maxRate = big.NewRat(1_000_000, 1)

// Rate keeps an exchange rate as exact decimal text; zero means "not given".
func Rate(field string, s Value) (*string, error) {
	if !s.Present() {
		return nil, nil
	}
	if !IsDecimal(s.Text) {
		return nil, Errorf(field, "%q is not a positive number", s.Text)
	}
	// No currency costs more than a million tenge; a larger rate is a typo that would overflow the amounts.
	if r, ok := new(big.Rat).SetString(s.Text); !ok || r.Cmp(maxRate) > 0 {
		return nil, Errorf(field, "%q tenge per unit is not a plausible exchange rate", s.Text)
	}
	rate, err := PlainNumber(field, s.Text)
	return &rate, err
}
