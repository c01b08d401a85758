package locale_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/locale"
)

// A message with a count takes the CLDR plural form of its language: Russian one/few/many, Kazakh and
// English one/other; an unknown key shows as itself and says so.
func TestCatalog(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"translations/kk.json": {Data: []byte(`{"Targets": "Мақсаттар", "records": {"one": "{{.Count}} жазба", "other": "{{.Count}} жазба"}}`)},
		"translations/ru.json": {Data: []byte(`{"Targets": "Цели", "records": {"one": "{{.Count}} запись", "few": "{{.Count}} записи", "many": "{{.Count}} записей", "other": "{{.Count}} записи"}}`)},
		"translations/en.json": {Data: []byte(`{"Targets": "Targets", "records": {"one": "{{.Count}} record", "other": "{{.Count}} records"}}`)},
	}
	c, err := locale.Load(files)
	require.NoError(t, err)
	require.Equal(t, "Мақсаттар", c.Translator("kk")("Targets"))
	require.Equal(t, "Targets", c.Translator("xx")("Targets"), "an unknown language reads English")
	require.Equal(t, "no such key", c.Translator("ru")("no such key"))
	require.True(t, c.Has("Targets"))
	require.False(t, c.Has("no such key"))
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{{"ru", 1, "1 запись"}, {"ru", 3, "3 записи"}, {"ru", 11, "11 записей"}, {"en", 2, "2 records"}, {"kk", 7, "7 жазба"}} {
		require.Equal(t, tc.want, c.Plural(tc.lang)("records", tc.count), "%s %d", tc.lang, tc.count)
	}
	_, err = locale.Load(fstest.MapFS{"translations/kk.json": {Data: []byte(`{`)}})
	require.ErrorContains(t, err, "locale: translations")
}

// Kazakh and Russian group with non-breaking spaces and write a decimal comma; English groups with commas
// and a decimal point.
func TestFormat(t *testing.T) {
	t.Parallel()
	const nbsp = "\u00a0"
	day := time.Date(2025, 12, 31, 23, 5, 0, 0, time.UTC)
	for _, tc := range []struct{ lang, pct, points, tenge, date, dateTime, month, decimal string }{
		{"kk", "39,5" + nbsp + "%", "39,5", "1" + nbsp + "234" + nbsp + "568" + nbsp + "₸", "31.12.2025", "01.01.2026 04:05 UTC+5", "12.2025", "1234,5"},
		{"ru", "39,5" + nbsp + "%", "39,5", "1" + nbsp + "234" + nbsp + "568" + nbsp + "₸", "31.12.2025", "01.01.2026 04:05 UTC+5", "12.2025", "1234,5"},
		{"en", "39.5%", "39.5", "1,234,568" + nbsp + "₸", "31 Dec 2025", "1 Jan 2026 04:05 UTC+5", "Dec 2025", "1234.5"},
	} {
		require.Equal(t, tc.pct, locale.Percent(tc.lang, 3950), tc.lang)
		require.Equal(t, tc.points, locale.Points(tc.lang, 3950), tc.lang)
		require.Equal(t, tc.tenge, locale.Tenge(tc.lang, 123456789), tc.lang)
		require.Equal(t, tc.date, locale.Date(tc.lang, day), tc.lang)
		require.Equal(t, tc.dateTime, locale.DateTime(tc.lang, day), tc.lang)
		require.Equal(t, tc.month, locale.Month(tc.lang, day), tc.lang)
		require.Equal(t, tc.decimal, locale.Decimal(tc.lang, "1234.5"), tc.lang)
	}
	require.True(t, locale.Known("kk"))
	require.False(t, locale.Known("de"))
}

func TestQuantity(t *testing.T) {
	t.Parallel()
	const nbsp = "\u00a0"
	for _, tc := range []struct{ lang, in, want string }{
		{"ru", "1123300", "1" + nbsp + "123" + nbsp + "300"},
		{"kk", "1234567.125", "1" + nbsp + "234" + nbsp + "567,125"},
		{"en", "1234567.125", "1,234,567.125"},
		{"en", "999", "999"},
		{"en", "100", "100"},
		{"en", "-1234", "-1,234"},
		{"ru", "0.5", "0,5"},
		{"en", "", ""},
		{"en", "12.", "12."},
		{"en", "1e5", "1e5"},
		{"ru", "NaN", "NaN"},
		{"en", "-", "-"},
	} {
		require.Equal(t, tc.want, locale.Quantity(tc.lang, tc.in), "%s %q", tc.lang, tc.in)
	}
}

// A day is Almaty's: at 20:00 UTC on New Year's Eve it is already the new year there.
func TestToday(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ now, want time.Time }{
		{time.Date(2025, 12, 31, 18, 59, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
		{time.Date(2025, 12, 31, 19, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 1, 1, 0, 30, 0, 0, time.FixedZone("UTC+5", 5*3600)), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		require.Equal(t, tc.want, locale.Today(tc.now), "%s", tc.now)
	}
}
