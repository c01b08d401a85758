package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every error caused by a string that is not a
// decimal number.
var ErrSyntax = errors.New("invalid number")

// ErrRange is wrapped by every error caused by a number that does not fit
// the result type or the allowed range.
var ErrRange = errors.New("out of range")

// BasisPointsPerUnit is 100% expressed in basis points.
const BasisPointsPerUnit = 10000

// ParseMinor converts an exact decimal string in major units (tenge), as
// found in JSON numbers and CSV cells, to minor units (tiyn).
//
// It accepts an optional sign, digits with an optional '.' fraction and an
// optional exponent ("1.5E+7", "2e3", "1e-2"); surrounding white space is
// ignored. Digits beyond the second decimal place (after applying the
// exponent) are rounded half away from zero, because portal data sometimes
// carries 3-4 decimals. Commas, NaN, Inf and values outside int64 are
// rejected.
func ParseMinor(s string) (int64, error) {
	if v, ok := plainMinor(s); ok {
		return v, nil
	}
	d, err := parseDecimal(s)
	if err != nil {
		return 0, fmt.Errorf("money: parse amount %q: %w", s, err)
	}
	v, err := d.scaled(2)
	if err != nil {
		return 0, fmt.Errorf("money: parse amount %q: %w", s, err)
	}
	return v, nil
}

// ParseBasisPoints converts a percentage string ("84", "84.5", "7.25",
// "100") to basis points (8400, 8450, 725, 10000).
//
// The syntax is the one of ParseMinor; digits beyond the second decimal
// place are rounded half away from zero. The result must lie in 0..10000.
func ParseBasisPoints(s string) (int64, error) {
	if v, ok := plainMinor(s); ok && v >= 0 && v <= BasisPointsPerUnit {
		return v, nil
	}
	d, err := parseDecimal(s)
	if err != nil {
		return 0, fmt.Errorf("money: parse percentage %q: %w", s, err)
	}
	v, err := d.scaled(2)
	if err != nil || v < 0 || v > BasisPointsPerUnit {
		// The trimmed input passed the syntax check, so it is safe to print
		// unquoted.
		return 0, fmt.Errorf("money: percentage %s %w 0..100", strings.TrimSpace(s), ErrRange)
	}
	return v, nil
}

// percentPattern is a percentage as people write a threshold: up to three digits and two decimals.
var percentPattern = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,2})?$`)

// ParsePercent reads a percentage from 0 to 100 with at most two decimals ("50", "62.5") as basis points,
// refusing what ParseBasisPoints would round or accept in other forms (exponents, signs): a threshold a user
// typed is stored as typed.
func ParsePercent(s string) (int64, error) {
	if !percentPattern.MatchString(s) {
		return 0, fmt.Errorf("money: percentage %q: want a number from 0 to 100 with at most two decimals", s)
	}
	return ParseBasisPoints(s)
}

// FormatThreshold renders basis points as a percentage with every decimal they hold, one at least: 5000 is
// "50.0", 6225 "62.25". A threshold travels in links this way, where one decimal would move it.
func FormatThreshold(bp int64) string {
	return strings.TrimSuffix(FormatMajor(bp), "0")
}

// FormatPercent renders basis points as a percentage with one decimal, rounded half away from zero, the
// precision every figure is shown with: 3950 is "39.5", 5 is "0.1", -5 is "-0.1".
func FormatPercent(bp int64) string {
	tenths := (bp + 5) / 10
	if bp < 0 {
		tenths = (bp - 5) / 10
	}
	whole, frac := tenths/10, tenths%10
	sign := ""
	if tenths < 0 {
		sign, whole, frac = "-", -whole, -frac
	}
	return sign + strconv.FormatInt(whole, 10) + "." + strconv.FormatInt(frac, 10)
}

// FormatWhole renders minor units as whole major units, rounded half away from zero, in groups of three
// separated by sep: FormatWhole(123456789, " ") is "1 234 568".
func FormatWhole(minor int64, sep string) string {
	whole, _, _ := strings.Cut(FormatGrouped(ApplyBasisPoints(minor, 100)*100, sep), ".")
	return whole
}

// FormatMajor renders minor units as major units with exactly two decimals
// and no grouping ("1234567.89", "-0.05"), the form used in CSV exports.
func FormatMajor(minor int64) string {
	return string(AppendMajor(make([]byte, 0, 24), minor))
}

// AppendMajor appends minor units as FormatMajor writes them: a download formats millions of these.
func AppendMajor(b []byte, minor int64) []byte {
	neg, whole, frac := split(minor)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, whole, 10)
	return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
}

// FormatGrouped renders minor units like FormatMajor but separates groups
// of three integer digits with sep ("1 234 567.89"), for display on pages.
func FormatGrouped(minor int64, sep string) string {
	neg, whole, frac := split(minor)
	digits := fmt.Sprintf("%d", whole)
	var b strings.Builder
	b.WriteString(sign(neg))
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	fmt.Fprintf(&b, ".%02d", frac)
	return b.String()
}

// Convert multiplies an amount in minor units by an exchange rate given as
// a decimal string ("470.15", "1", "0.0123") and rounds the exact product
// half away from zero.
//
// The rate must be a positive number in ParseMinor syntax; a result outside
// int64 is an error.
func Convert(minor int64, rate string) (int64, error) {
	d, err := parseDecimal(rate)
	if err != nil {
		return 0, fmt.Errorf("money: convert: rate %q: %w", rate, err)
	}
	if d.neg || d.coef == "" {
		return 0, fmt.Errorf("money: convert: rate %q must be positive", rate)
	}
	if minor == 0 {
		return 0, nil
	}
	// The rate lies in [10^(top-1), 10^top) and |minor| in [1, 10^19), so
	// extreme exponents decide the result without building huge powers of ten.
	top := int64(len(d.coef)) + d.exp
	switch {
	case top > 20:
		return 0, fmt.Errorf("money: convert %s at rate %q: %w", FormatMajor(minor), rate, ErrRange)
	case top < -20:
		return 0, nil
	}
	coef, _ := new(big.Int).SetString(d.coef, 10)
	n := new(big.Int).Mul(big.NewInt(minor), coef)
	if d.exp >= 0 {
		n.Mul(n, pow10(d.exp))
	} else {
		n = divRound(n, pow10(-d.exp))
	}
	if !n.IsInt64() {
		return 0, fmt.Errorf("money: convert %s at rate %q: %w", FormatMajor(minor), rate, ErrRange)
	}
	return n.Int64(), nil
}

// ApplyBasisPoints returns minor × bp / 10000 rounded half away from zero,
// e.g. the local-content value of an item from its value and its
// local-content percentage.
//
// The product is exact; for |bp| <= 10000 the result always fits, and
// beyond that it saturates at the int64 bounds rather than wrapping.
func ApplyBasisPoints(minor, bp int64) int64 {
	// Within these bounds the product fits int64 (an item's local content, on every item an import loads).
	if minor > -maxExactMinor && minor < maxExactMinor && bp >= -BasisPointsPerUnit && bp <= BasisPointsPerUnit {
		n := minor * bp
		q, r := n/BasisPointsPerUnit, n%BasisPointsPerUnit
		if 2*max(r, -r) >= BasisPointsPerUnit {
			if n < 0 {
				q--
			} else {
				q++
			}
		}
		return q
	}
	return MulDiv(minor, bp, BasisPointsPerUnit)
}

// MulDiv returns a×b/d rounded half away from zero, computed exactly (the product never wraps) and
// saturating at the int64 bounds; d must be positive. Shares and gaps are all of this form.
func MulDiv(a, b, d int64) int64 {
	return Quotient(new(big.Int).Mul(big.NewInt(a), big.NewInt(b)), big.NewInt(d))
}

// MulDivDown returns a×b/d rounded down (towards negative infinity), computed exactly and saturating at the
// int64 bounds; d must be positive. A share kept this way reaches a threshold only when the exact share does,
// and rounds once more, half up, to the one decimal it is shown with (39.945 % is kept as 39.94 and shown as
// 39.9 %, where rounding twice would show 40.0 %).
func MulDivDown(a, b, d int64) int64 {
	return QuotientDown(new(big.Int).Mul(big.NewInt(a), big.NewInt(b)), big.NewInt(d))
}

// QuotientDown is MulDivDown for a fraction already built, such as a producer's load of its capacity.
func QuotientDown(n, d *big.Int) int64 { return clamp(new(big.Int).Div(n, d)) }

// Quotient returns n/d rounded half away from zero, saturating at the int64 bounds; d must be positive.
// It is MulDiv for sums of products, such as a projection's weighted months.
func Quotient(n, d *big.Int) int64 { return clamp(divRound(n, d)) }

// maxExactMinor × BasisPointsPerUnit fits int64.
const maxExactMinor = math.MaxInt64 / BasisPointsPerUnit

// Plain writes a decimal without an exponent, keeping every digit written: "1.5e3" is "1500", "2.50E-1"
// is "0.250". PostgreSQL reads exponents, but pgx's binary numeric encoding, which COPY uses, does not.
// Text without an exponent is returned as it is.
func Plain(s string) (string, error) {
	if !strings.ContainsAny(s, "eE") {
		return s, nil
	}
	d, err := parseDecimal(s)
	if err != nil {
		return "", err
	}
	if d.exp > 1000 || d.exp < -1000 {
		return "", fmt.Errorf("%w: exponent too large", ErrRange)
	}
	if d.coef == "" {
		return "0", nil
	}
	digits := d.coef
	var out string
	switch {
	case d.exp >= 0:
		out = digits + strings.Repeat("0", int(d.exp))
	case int(-d.exp) < len(digits):
		out = digits[:len(digits)+int(d.exp)] + "." + digits[len(digits)+int(d.exp):]
	default:
		out = "0." + strings.Repeat("0", int(-d.exp)-len(digits)) + digits
	}
	if d.neg {
		out = "-" + out
	}
	return out, nil
}

// split returns the sign and the magnitude of minor in whole and fractional
// major units; uint64 keeps math.MinInt64 representable.
func split(minor int64) (neg bool, whole, frac uint64) {
	mag := uint64(minor)
	if minor < 0 {
		neg = true
		mag = -mag
	}
	return neg, mag / 100, mag % 100
}

func sign(neg bool) string {
	if neg {
		return "-"
	}
	return ""
}

// decimal is an exactly parsed number: (-1)^neg × coef × 10^exp.
type decimal struct {
	neg  bool
	coef string // significant digits without leading zeros; "" is zero
	exp  int64
}

// plainMinor reads the common spelling, [-]digits[.d[d]] below 10^16, as hundredths without
// parseDecimal's allocations: an import parses several amounts a record. Anything else says !ok and takes
// the general path.
func plainMinor(s string) (int64, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	var v int64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if dot {
				frac++
			}
			digits++
			v = v*10 + int64(c-'0')
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits-frac > 16 || frac > 2 || (dot && frac == 0) {
		return 0, false
	}
	for ; frac < 2; frac++ {
		v *= 10
	}
	if neg {
		v = -v
	}
	return v, true
}

// maxExp bounds parsed exponents. Any coefficient fits in an input string,
// so a saturated exponent is already far past int64 range (or far below a
// rounding unit) and the result is unchanged.
const maxExp = 1 << 40

// parseDecimal parses the grammar shared by all parsers of the package:
// [space] [+-] digits [. digits] [(e|E) [+-] digits] [space], with at least
// one mantissa digit.
func parseDecimal(s string) (decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal{}, fmt.Errorf("%w: empty string", ErrSyntax)
	}
	if strings.ContainsRune(s, ',') {
		return decimal{}, fmt.Errorf("%w: unexpected ',': use '.' as decimal separator and no thousands separators", ErrSyntax)
	}
	var d decimal
	i := 0
	if s[0] == '-' || s[0] == '+' {
		d.neg = s[0] == '-'
		i++
	}
	if rest := s[i:]; strings.EqualFold(rest, "nan") || strings.EqualFold(rest, "inf") || strings.EqualFold(rest, "infinity") {
		return decimal{}, fmt.Errorf("%w: not a finite number", ErrSyntax)
	}

	var digits strings.Builder
	nDigits, fracDigits, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			nDigits++
			if dot {
				fracDigits++
			}
			if c != '0' || digits.Len() > 0 {
				digits.WriteByte(c)
			}
			continue
		case c == '.' && !dot:
			dot = true
			continue
		case c == '.':
			return decimal{}, fmt.Errorf("%w: more than one '.'", ErrSyntax)
		}
		break
	}
	if nDigits == 0 {
		if i < len(s) {
			return decimal{}, unexpected(s, i)
		}
		return decimal{}, fmt.Errorf("%w: no digits", ErrSyntax)
	}

	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			expNeg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < maxExp {
				exp = exp*10 + int64(s[i]-'0')
			}
		}
		if i == start {
			return decimal{}, fmt.Errorf("%w: exponent has no digits", ErrSyntax)
		}
		exp = min(exp, maxExp)
		if expNeg {
			exp = -exp
		}
	}
	if i < len(s) {
		return decimal{}, unexpected(s, i)
	}

	d.coef = digits.String()
	d.exp = exp - int64(fracDigits)
	return d, nil
}

// unexpected reports the character at byte offset i of the trimmed input.
func unexpected(s string, i int) error {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, r, i)
}

// scaled returns d × 10^places rounded half away from zero, or ErrRange when
// the result does not fit int64.
func (d decimal) scaled(places int64) (int64, error) {
	if d.coef == "" {
		return 0, nil
	}
	e := d.exp + places
	var digits string
	roundUp := false
	switch {
	case e >= 0:
		if int64(len(d.coef))+e > 19 { // 10^19 > MaxUint64/2
			return 0, ErrRange
		}
		digits = d.coef + strings.Repeat("0", int(e))
	case -e > int64(len(d.coef)):
		return 0, nil // below 0.1 units: rounds to zero
	default:
		cut := len(d.coef) - int(-e)
		digits = d.coef[:cut]
		roundUp = d.coef[cut] >= '5'
	}

	// Negative numbers reach one further than positive ones.
	limit := uint64(math.MaxInt64)
	if d.neg {
		limit++
	}
	var mag uint64
	for i := 0; i < len(digits); i++ {
		dig := uint64(digits[i] - '0')
		if mag > (limit-dig)/10 {
			return 0, ErrRange
		}
		mag = mag*10 + dig
	}
	if roundUp {
		if mag == limit {
			return 0, ErrRange
		}
		mag++
	}
	if d.neg {
		return int64(-mag), nil // -mag wraps to MinInt64 correctly
	}
	return int64(mag), nil
}

func pow10(n int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

// divRound returns n / d rounded half away from zero; d must be positive.
func divRound(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(d) >= 0 {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return q
}

// clamp converts n to int64, saturating at the bounds.
func clamp(n *big.Int) int64 {
	switch {
	case n.IsInt64():
		return n.Int64()
	case n.Sign() > 0:
		return math.MaxInt64
	default:
		return math.MinInt64
	}
}
