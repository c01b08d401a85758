package money

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseMinor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"1", 100},
		{"1234567.89", 123456789},
		{"-1234567.89", -123456789},
		{"+5", 500},
		{"  42.1 \t", 4210},
		{"0.01", 1},
		{".5", 50},
		{"5.", 500},
		{"007.50", 750},
		{"1.5E+7", 1_500_000_000},
		{"2e3", 200_000},
		{"1e-2", 1},
		{"1e-3", 0},
		{"123.456e1", 123_456},
		{"12345e-2", 12_345},
		{"100000000000000000000000e-22", 1000},
		{"0e999999999999999999999", 0},
		{"1e-999999999999999999999", 0},
		{"-0", 0},
		{"-0.001", 0},
		// Portal data sometimes carries 3-4 decimals: half away from zero.
		{"0.005", 1},
		{"0.0049", 0},
		{"0.015", 2},
		{"-0.005", -1},
		{"-0.0049", 0},
		{"2.675", 268},
		{"1.9999", 200},
		{"0.5e-2", 1},
		{"92233720368547758.07", math.MaxInt64},
		{"-92233720368547758.08", math.MinInt64},
		{"92233720368547758.0749", math.MaxInt64},
		{"-92233720368547758.0849", math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMinor(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseMinorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		target  error
		message string
	}{
		{"", ErrSyntax, "empty string"},
		{"   ", ErrSyntax, "empty string"},
		{"abc", ErrSyntax, `unexpected 'a' at offset 0`},
		{"1.2.3", ErrSyntax, "more than one '.'"},
		{"1,5", ErrSyntax, "use '.' as decimal separator"},
		{"1,234.56", ErrSyntax, "use '.' as decimal separator"},
		{"1 234", ErrSyntax, `unexpected ' ' at offset 1`},
		{"NaN", ErrSyntax, "not a finite number"},
		{"-Inf", ErrSyntax, "not a finite number"},
		{"+infinity", ErrSyntax, "not a finite number"},
		{"-", ErrSyntax, "no digits"},
		{".", ErrSyntax, "no digits"},
		{"e5", ErrSyntax, `unexpected 'e' at offset 0`},
		{"1e", ErrSyntax, "exponent has no digits"},
		{"1e+", ErrSyntax, "exponent has no digits"},
		{"--1", ErrSyntax, `unexpected '-' at offset 1`},
		{"0x10", ErrSyntax, `unexpected 'x' at offset 1`},
		{"1_000", ErrSyntax, `unexpected '_' at offset 1`},
		{"12₸", ErrSyntax, `unexpected '₸' at offset 2`},
		{"92233720368547758.08", ErrRange, "out of range"},
		{"-92233720368547758.09", ErrRange, "out of range"},
		{"92233720368547758.075", ErrRange, "out of range"},
		{"-92233720368547758.085", ErrRange, "out of range"},
		{"1e30", ErrRange, "out of range"},
		{"1e999999999999999999999", ErrRange, "out of range"},
		{"99999999999999999999", ErrRange, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMinor(tt.in)
			require.ErrorIs(t, err, tt.target)
			require.ErrorContains(t, err, tt.message)
			require.True(t, strings.HasPrefix(err.Error(), "money: parse amount "), err.Error())
		})
	}
}

func TestParseBasisPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"84", 8400},
		{"84.5", 8450},
		{"7.25", 725},
		{"100", 10000},
		{"0", 0},
		{"-0", 0},
		{" 50 ", 5000},
		{"84.505", 8451},
		{"84.5049", 8450},
		{"99.999", 10000},
		{"-0.004", 0},
		{"1e2", 10000},
		{"5E-1", 50},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBasisPoints(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseBasisPointsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		target  error
		message string
	}{
		{"100.01", ErrRange, "money: percentage 100.01 out of range 0..100"},
		{"100.005", ErrRange, "money: percentage 100.005 out of range 0..100"},
		{" -5 ", ErrRange, "money: percentage -5 out of range 0..100"},
		{"-0.005", ErrRange, "money: percentage -0.005 out of range 0..100"},
		{"1e30", ErrRange, "money: percentage 1e30 out of range 0..100"},
		{"", ErrSyntax, `money: parse percentage "": invalid number: empty string`},
		{"84%", ErrSyntax, `money: parse percentage "84%": invalid number: unexpected '%' at offset 2`},
		{"84,5", ErrSyntax, "use '.' as decimal separator"},
		{"NaN", ErrSyntax, "not a finite number"},
		{"1.2.3", ErrSyntax, "more than one '.'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseBasisPoints(tt.in)
			require.ErrorIs(t, err, tt.target)
			require.ErrorContains(t, err, tt.message)
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor   int64
		major   string
		grouped string
	}{
		{0, "0.00", "0.00"},
		{5, "0.05", "0.05"},
		{-5, "-0.05", "-0.05"},
		{100, "1.00", "1.00"},
		{99999, "999.99", "999.99"},
		{100000, "1000.00", "1 000.00"},
		{123456789, "1234567.89", "1 234 567.89"},
		{-123456789, "-1234567.89", "-1 234 567.89"},
		{12345678901, "123456789.01", "123 456 789.01"},
		{math.MaxInt64, "92233720368547758.07", "92 233 720 368 547 758.07"},
		{math.MinInt64, "-92233720368547758.08", "-92 233 720 368 547 758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.major, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.major, FormatMajor(tt.minor))
			require.Equal(t, tt.grouped, FormatGrouped(tt.minor, " "))

			back, err := ParseMinor(tt.major)
			require.NoError(t, err)
			require.Equal(t, tt.minor, back)
		})
	}
}

func TestFormatGroupedSeparator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sep  string
		want string
	}{
		{"", "1234567.89"},
		{",", "1,234,567.89"},
		{"\u00a0", "1\u00a0234\u00a0567.89"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, FormatGrouped(123456789, tt.sep))
		})
	}
}

func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		minor int64
		rate  string
		want  int64
	}{
		{"identity", 123456, "1", 123456},
		{"usd to kzt", 100, "470.15", 47015},
		{"usd cents to tiyn", 1, "470.15", 470},
		{"half rounds up", 1, "470.5", 471},
		{"negative half rounds away", -1, "470.5", -471},
		{"kzt to usd", 47015, "0.0021269", 100},
		{"small rate", 100000, "0.0123", 1230},
		{"exponent rate", 100, "4.7015e2", 47015},
		{"zero amount", 0, "470.15", 0},
		{"zero amount huge rate", 0, "1e999999", 0},
		{"tiny rate", math.MaxInt64, "1e-30", 0},
		{"far below a tiyn", math.MaxInt64, "1e-999999999999", 0},
		{"max stays exact", math.MaxInt64, "1", math.MaxInt64},
		{"min stays exact", math.MinInt64, "1.0000", math.MinInt64},
		{"big product exact", 4_000_000_000_000_000_000, "2.25", 9_000_000_000_000_000_000},
		{"rounding stays below max", math.MaxInt64, "1.00000000000000000001", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Convert(tt.minor, tt.rate)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestConvertErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		minor   int64
		rate    string
		message string
	}{
		{"empty rate", 100, "", "invalid number: empty string"},
		{"bad rate", 100, "abc", "invalid number"},
		{"comma rate", 100, "470,15", "use '.' as decimal separator"},
		{"nan rate", 100, "NaN", "not a finite number"},
		{"zero rate", 100, "0", "must be positive"},
		{"zero rate with exponent", 100, "0.0e5", "must be positive"},
		{"negative rate", 100, "-470.15", "must be positive"},
		{"overflow", math.MaxInt64, "2", "out of range"},
		{"overflow by rounding", math.MaxInt64, "1.0000000000000000001", "out of range"},
		{"huge rate", 1, "1e999999999999", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Convert(tt.minor, tt.rate)
			require.ErrorContains(t, err, tt.message)
			require.True(t, strings.HasPrefix(err.Error(), "money: convert"), err.Error())
		})
	}
}

func TestApplyBasisPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		minor, bp int64
		want      int64
	}{
		{"full", 4_000_000, 10000, 4_000_000},
		{"none", 4_000_000, 0, 0},
		{"half", 101, 5000, 51},
		{"negative half", -101, 5000, -51},
		{"below half", 149, 33, 0},
		{"exact half", 5000, 1, 1},
		{"ks 84.5%", 1_000_000, 8450, 845_000},
		{"no intermediate overflow", math.MaxInt64, 10000, math.MaxInt64},
		{"min int", math.MinInt64, 5000, math.MinInt64 / 2},
		{"saturates high", math.MaxInt64, 20000, math.MaxInt64},
		{"saturates low", math.MaxInt64, -20000, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ApplyBasisPoints(tt.minor, tt.bp))
		})
	}
}

// MulDiv rounds half away from zero; MulDivDown, which shares are kept with, rounds down.
func TestMulDiv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		a, b, d    int64
		want, down int64
	}{
		{"exact", 700, 10000, 1000, 7000, 7000},
		{"half", 1, 1, 2, 1, 0},
		{"negative half", -1, 1, 2, -1, -1},
		{"below half", 1, 1, 3, 0, 0},
		{"just below one", 99, 1, 100, 1, 0},
		{"product beyond int64", math.MaxInt64, 10000, 10000, math.MaxInt64, math.MaxInt64},
		{"saturates high", math.MaxInt64, 3, 2, math.MaxInt64, math.MaxInt64},
		{"saturates low", math.MinInt64, 3, 2, math.MinInt64, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, MulDiv(tt.a, tt.b, tt.d), "MulDiv")
			require.Equal(t, tt.down, MulDivDown(tt.a, tt.b, tt.d), "MulDivDown")
		})
	}
}

var parseSeeds = []string{
	"0", "1", "-1", "+1", "1234567.89", "0.005", "0.0049", "-0.005",
	"1.5E+7", "2e3", "1e-2", ".5", "5.", " 7.25 ", "84.505", "100",
	"92233720368547758.07", "-92233720368547758.08", "92233720368547758.08",
	"1e30", "1e-30", "", "abc", "1.2.3", "1,5", "NaN", "Inf", "1e", "--1",
}

// refScaled is an independent reference for ParseMinor and
// ParseBasisPoints built on big.Rat, whose grammar is a superset of ours.
// It declines inputs outside plain decimal syntax and with long exponents,
// which big.Rat would expand into huge numbers.
func refScaled(s string) (*big.Int, bool) {
	s = strings.TrimSpace(s)
	if strings.Trim(s, "0123456789+-.eE") != "" {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(s)-i > 6 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	r.Mul(r, big.NewRat(100, 1))
	neg := r.Sign() < 0
	r.Abs(r).Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if neg {
		q.Neg(q)
	}
	return q, true
}

func FuzzParseMinor(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseMinor(s)
		if fast, ok := plainMinor(s); ok { // the shortcut agrees with the general path
			d, err := parseDecimal(s)
			require.NoError(t, err)
			general, err := d.scaled(2)
			require.NoError(t, err)
			require.Equal(t, general, fast, "input %q", s)
		}
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "money: "), err.Error())
			isSyntax, isRange := errors.Is(err, ErrSyntax), errors.Is(err, ErrRange)
			require.True(t, isSyntax != isRange, "error must be exactly one of ErrSyntax, ErrRange: %v", err)
			if !isRange {
				return
			}
			if want, ok := refScaled(s); ok {
				require.False(t, want.IsInt64(), "reference %s fits int64", want)
			}
			return
		}
		if want, ok := refScaled(s); ok {
			require.True(t, want.IsInt64())
			require.Equal(t, want.Int64(), got, "input %q", s)
		}
		back, err := ParseMinor(FormatMajor(got))
		require.NoError(t, err)
		require.Equal(t, got, back)
	})
}

func FuzzParseBasisPoints(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseBasisPoints(s)
		minor, minorErr := ParseMinor(s)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "money: "), err.Error())
			inRange := minorErr == nil && minor >= 0 && minor <= 10000
			require.False(t, inRange, "ParseMinor accepts %q as %d", s, minor)
			return
		}
		require.NoError(t, minorErr)
		require.Equal(t, minor, got)
		require.GreaterOrEqual(t, got, int64(0))
		require.LessOrEqual(t, got, int64(10000))
	})
}

func FuzzApplyBasisPoints(f *testing.F) {
	for _, c := range [][2]int64{{12345, 8400}, {-5, 5000}, {5, -5000}, {maxExactMinor - 1, 10000}, {math.MinInt64, 1}, {7, 10001}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, minor, bp int64) {
		n := new(big.Int).Mul(big.NewInt(minor), big.NewInt(bp))
		require.Equal(t, clamp(divRound(n, big.NewInt(BasisPointsPerUnit))), ApplyBasisPoints(minor, bp), "%d × %d bp", minor, bp)
	})
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"12": "12", "1.50": "1.50", "+3": "+3", // without an exponent, as written
		"1.5e3": "1500", "1E-2": "0.01", "2.50E-1": "0.250", "100e-2": "1.00", "+1e2": "100", "0.0e5": "0",
		"-7.25e1": "-72.5", "5e0": "5", "123e-5": "0.00123",
	} {
		got, err := Plain(in)
		if err != nil || got != want {
			t.Errorf("Plain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"1e", "e5", "1e99999", "1.2.3e1"} {
		if got, err := Plain(in); err == nil {
			t.Errorf("Plain(%q) = %q, want an error", in, got)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		bp   int64
		want string
	}{
		{0, "0.0"}, {3950, "39.5"}, {3954, "39.5"}, {3955, "39.6"}, {5, "0.1"}, {4, "0.0"},
		{-5, "-0.1"}, {-4, "0.0"}, {-1234, "-12.3"}, {-1235, "-12.4"}, {10000, "100.0"}, {700, "7.0"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, FormatPercent(tt.bp), "%d bp", tt.bp)
	}
}

func TestParsePercent(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "50": 5000, "62.5": 6250, "7.25": 725, "100": 10000, "100.00": 10000} {
		got, err := ParsePercent(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-5", "101", "150", "62.555", "1e2", "+5", " 5", "5%", "5,5", "1000"} {
		_, err := ParsePercent(in)
		require.Error(t, err, in)
	}
}

func TestFormatWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor int64
		sep   string
		want  string
	}{
		{0, " ", "0"}, {49, " ", "0"}, {50, " ", "1"}, {123456789, " ", "1 234 568"}, {123456749, ",", "1,234,567"},
		{-150, " ", "-2"}, {100_000_000_00, "\u00a0", "100\u00a0000\u00a0000"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, FormatWhole(tt.minor, tt.sep), "%d", tt.minor)
	}
}

func TestFormatThreshold(t *testing.T) {
	t.Parallel()
	for bp, want := range map[int64]string{5000: "50.0", 6225: "62.25", 6230: "62.3", 0: "0.0", 10000: "100.0", 5: "0.05"} {
		require.Equal(t, want, FormatThreshold(bp), "%d", bp)
		back, err := ParsePercent(want)
		require.NoError(t, err)
		require.Equal(t, bp, back, "a link gives back the threshold")
	}
}
