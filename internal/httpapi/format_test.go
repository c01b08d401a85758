package httpapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Kazakh and Russian group with non-breaking spaces and write a decimal comma; English groups with commas
// and writes a decimal point. Shares have one decimal, rounded half away from zero from exact basis points.
func TestFormatPerLanguage(t *testing.T) {
	t.Parallel()
	const nbsp = "\u00a0"
	for _, tc := range []struct {
		lang       string
		bp         int64 // basis points
		tiyn       int64
		pct, tenge string
	}{
		{"kk", 3950, 123456789, "39,5" + nbsp + "%", "1" + nbsp + "234" + nbsp + "568" + nbsp + "₸"},
		{"ru", 3950, 123456789, "39,5" + nbsp + "%", "1" + nbsp + "234" + nbsp + "568" + nbsp + "₸"},
		{"en", 3950, 123456789, "39.5%", "1,234,568" + nbsp + "₸"},
		{"ru", 4737, 21000000, "47,4" + nbsp + "%", "210" + nbsp + "000" + nbsp + "₸"},
		{"en", 4737, 21000000, "47.4%", "210,000" + nbsp + "₸"},
		{"en", 4735, 49, "47.4%", "0" + nbsp + "₸"},
		{"en", 4734, 50, "47.3%", "1" + nbsp + "₸"},
		{"en", 0, 0, "0.0%", "0" + nbsp + "₸"},
		{"en", 10000, 100, "100.0%", "1" + nbsp + "₸"},
		{"kk", -263, -21000000, "-2,6" + nbsp + "%", "-210" + nbsp + "000" + nbsp + "₸"},
		{"en", -4, -150, "0.0%", "-2" + nbsp + "₸"},
		{"en", -5, 0, "-0.1%", "0" + nbsp + "₸"},
	} {
		require.Equal(t, tc.pct, formatPercent(tc.lang, tc.bp), "%s %d bp", tc.lang, tc.bp)
		require.Equal(t, tc.tenge, formatTenge(tc.lang, tc.tiyn), "%s %d tiyn", tc.lang, tc.tiyn)
	}
}

func TestDatePerLanguage(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 12, 31, 23, 5, 0, 0, time.UTC)
	for _, tc := range []struct{ lang, date, dateTime string }{
		{"kk", "31.12.2025", "01.01.2026 04:05 UTC+5"},
		{"ru", "31.12.2025", "01.01.2026 04:05 UTC+5"},
		{"en", "31 Dec 2025", "1 Jan 2026 04:05 UTC+5"},
	} {
		require.Equal(t, tc.date, formatDate(tc.lang, at), tc.lang)
		require.Equal(t, tc.dateTime, formatDateTime(tc.lang, at), tc.lang)
	}
	require.Equal(t, "01.02.2026", formatDate("ru", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)), "day and month padded")
}

func TestBarWidth(t *testing.T) {
	t.Parallel()
	for bp, want := range map[int64]string{-100: "0.0", 0: "0.0", 4737: "47.4", 10000: "100.0", 12000: "100.0"} {
		require.Equal(t, want, barWidth(bp), "%d bp", bp)
	}
}

// Counts of every integer type the templates hold are grouped; anything else is an error, not a wrong page.
func TestFormatCount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang string
		n    any
		want string
	}{
		{"en", 21945, "21,945"},
		{"ru", int32(5235), "5\u00a0235"},
		{"kk", int64(203043), "203\u00a0043"},
		{"en", int64(999), "999"},
		{"en", 0, "0"},
	} {
		got, err := formatCount(tc.lang, tc.n)
		require.NoError(t, err)
		require.Equal(t, tc.want, got, "%s %v", tc.lang, tc.n)
	}
	_, err := formatCount("en", 1.5)
	require.Error(t, err)
}

func TestUnitCode(t *testing.T) {
	t.Parallel()
	for unit, code := range map[string]bool{"839": true, "796": true, "006": true, "шт": false, "шт/год": false, "": false, "m2": false} {
		require.Equal(t, code, unitCode(unit), "%q", unit)
	}
}
