package refdata

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// referenceRow builds a sheet row of a reference format from its cells, read as CSV (plain or with a
// decimal comma) or as workbook cells.
func referenceRow(columns []string, style byte, cells ...string) sheet.Row {
	cols := map[string]int{}
	for i, c := range columns {
		cols[c] = i
	}
	return sheet.NewRow(cols, cells, sheet.Cells(style%3))
}

var (
	fuzzCategories = map[string]int32{"school-uniforms": 1, "workwear": 2}
	fuzzRegions    = map[string]bool{"75": true, "79": true}
	digitsText     = regexp.MustCompile(`^[0-9]+$`)
	fieldReason    = regexp.MustCompile(`^[a-z_]+( and [a-z_]+)?: .+`)
)

// checkDay requires a day of 1990..2100 at midnight UTC, as a date column stores it.
func checkDay(t *testing.T, d time.Time) {
	t.Helper()
	require.Equal(t, time.UTC, d.Location())
	require.Equal(t, d, d.Truncate(24*time.Hour))
	require.True(t, d.Year() >= 1990 && d.Year() <= 2100, "%v", d)
}

// FuzzRegisterRow checks the producer-register row parser against the rules of docs/import-reference.md: an
// accepted row satisfies every constraint of producer_register, and a refused one names its field.
func FuzzRegisterRow(f *testing.F) {
	for _, s := range [][]string{
		{"100540000005", "14.13", "", "2018-01-01", "", "120000", "шт/год", "МИИР", "75"},
		{"100540000005", "", "school-uniforms", "01.01.2018", "31.12.2018", "1 200,5", "", "", "751110000"},
		{"100540000005", "141311.100.000001", "", "43101", "43465.5", "1e3", "", "", ""},
		{"100540000005", "1413", "workwear", "2018-01-01", "", "", "", "", "99"},
		{"10054000000", "14-13", "uniforms", "2018-02-30", "2017-01-01", "-5", "", "", "7"},
		{"", ".", "WORKWEAR", "", "", "12,5", "", "", "7510a"},
	} {
		for style := range byte(3) {
			f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[8], style)
		}
	}
	f.Fuzz(func(t *testing.T, bin, prefix, category, from, to, capacity, region string, style byte) {
		row := referenceRow(RegisterColumns, style, bin, prefix, category, from, to, capacity, "unit", "source", region)
		entry, err := ParseRegisterRow(row, fuzzCategories, fuzzRegions)
		if err != nil {
			require.Regexp(t, fieldReason, err.Error())
			return
		}
		require.Equal(t, strings.TrimSpace(bin), entry.BIN)
		require.Regexp(t, `^[0-9]{12}$`, entry.BIN)

		p := strings.TrimSpace(prefix)
		require.Equal(t, strings.ReplaceAll(p, ".", ""), entry.EnstruPrefix)
		if entry.EnstruPrefix != "" {
			require.Regexp(t, digitsText, entry.EnstruPrefix)
			require.True(t, len(entry.EnstruPrefix) >= 2 && len(entry.EnstruPrefix) <= 15)
			require.False(t, strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, ".."), "prefix %q", p)
		}
		c := strings.TrimSpace(category)
		if c == "" {
			require.Nil(t, entry.CategoryID)
		} else {
			require.Empty(t, entry.EnstruPrefix, "prefix and category together")
			require.NotNil(t, entry.CategoryID)
			require.Equal(t, fuzzCategories[strings.ToLower(c)], *entry.CategoryID)
		}

		checkDay(t, entry.ValidFrom)
		if entry.ValidTo != nil {
			checkDay(t, *entry.ValidTo)
			require.False(t, entry.ValidTo.Before(entry.ValidFrom))
		} else {
			require.Empty(t, strings.TrimSpace(to))
		}
		if entry.Capacity == nil {
			require.Empty(t, strings.TrimSpace(capacity))
		} else {
			r, ok := new(big.Rat).SetString(*entry.Capacity)
			require.True(t, ok, "capacity %q", *entry.Capacity)
			require.GreaterOrEqual(t, r.Sign(), 0)
		}
		if entry.Region == nil {
			require.Empty(t, strings.TrimSpace(region))
		} else {
			require.True(t, fuzzRegions[*entry.Region], "region %q", *entry.Region)
			require.True(t, strings.HasPrefix(strings.TrimSpace(region), *entry.Region))
		}
	})
}

func TestRegisterRegion(t *testing.T) {
	for _, tc := range []struct {
		cell, want, err string
	}{
		{cell: "", want: ""},
		{cell: "75", want: "75"},
		{cell: " 751110000 ", want: "75"},
		{cell: "99", err: `region: "99" is in no known region (known: 75, 79)`},
		{cell: "7", err: `region: "7" is not a KATO code (2 to 9 digits)`},
		{cell: "75-11", err: `region: "75-11" is not a KATO code`},
		{cell: "7511100001", err: `is not a KATO code`},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			row := referenceRow(RegisterColumns, 0, "100540000005", "", "", "2018-01-01", "", "", "", "", tc.cell)
			entry, err := ParseRegisterRow(row, fuzzCategories, fuzzRegions)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			if tc.want == "" {
				require.Nil(t, entry.Region)
				return
			}
			require.Equal(t, tc.want, *entry.Region)
		})
	}
}

// FuzzCertificateRow checks the certificate row parser: an accepted row satisfies every constraint of
// origin_certificates.
func FuzzCertificateRow(f *testing.F) {
	for _, s := range [][]string{
		{"KZ 7100 2018 0000123", "100640000006", "141211", "72.5", "2018-03-01", "2018-12-31"},
		{"KZ-2", "100640000006", "14.12", "72,5", "01.03.2018", "43465"},
		{"KZ-3", "100640000006", "", "120", "2018-03-01", "2018-02-28"},
		{"", "1006400000", "1", "-1", "x", ""},
	} {
		for style := range byte(3) {
			f.Add(s[0], s[1], s[2], s[3], s[4], s[5], style)
		}
	}
	f.Fuzz(func(t *testing.T, number, bin, enstru, percent, issued, expires string, style byte) {
		row := referenceRow(CertificateColumns, style, number, bin, enstru, percent, issued, expires)
		c, err := ParseCertificateRow(row)
		if err != nil {
			require.Regexp(t, fieldReason, err.Error())
			return
		}
		require.NotEmpty(t, c.Number)
		require.Equal(t, strings.TrimSpace(number), c.Number)
		require.Regexp(t, `^[0-9]{12}$`, c.BIN)
		require.Regexp(t, digitsText, c.EnstruPrefix)
		require.True(t, c.LocalContentBp >= 0 && c.LocalContentBp <= 10000, "%d", c.LocalContentBp)
		checkDay(t, c.Issued)
		checkDay(t, c.Expires)
		require.False(t, c.Expires.Before(c.Issued))
	})
}

// FuzzFXRow checks the exchange-rate row parser: an accepted rate is a positive, plausible number of tenge
// for one unit of a real foreign currency.
func FuzzFXRow(f *testing.F) {
	for _, s := range [][]string{
		{"2016-08-10", "USD", "470.5"},
		{"10.08.2016", "eur", "520,13"},
		{"42592", "RUB", "5.2E0"},
		{"2016-08-10", "KZT", "1"},
		{"2016-08-10", "XYZ", "0"},
		{"", "", ""},
	} {
		for style := range byte(3) {
			f.Add(s[0], s[1], s[2], style)
		}
	}
	f.Fuzz(func(t *testing.T, day, currency, rate string, style byte) {
		r, err := ParseFXRow(referenceRow(FXColumns, style, day, currency, rate))
		if err != nil {
			require.Regexp(t, fieldReason, err.Error())
			return
		}
		checkDay(t, r.RateDate)
		require.Regexp(t, `^[A-Z]{3}$`, r.Currency)
		require.NotEqual(t, "KZT", r.Currency)
		v, ok := new(big.Rat).SetString(r.Rate)
		require.True(t, ok, "rate %q", r.Rate)
		require.Equal(t, 1, v.Sign())
		require.True(t, v.Cmp(big.NewRat(1_000_000, 1)) <= 0)
	})
}
