package httpapi

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/web"
)

func testCatalog(t *testing.T) *catalog {
	t.Helper()
	c, err := loadCatalog(web.Translations)
	require.NoError(t, err)
	return c
}

// readCatalogs reads every catalog as plain JSON: key to a string, or to plural forms.
func readCatalogs(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, lang := range languages {
		b, err := fs.ReadFile(web.Translations, "translations/"+lang+".json")
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m), lang)
		out[lang] = m
	}
	return out
}

// Every key of one language's catalog is in every other's, with a text.
func TestCatalogsHaveEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	catalogs := readCatalogs(t)
	all := map[string]bool{}
	for _, m := range catalogs {
		for k := range m {
			all[k] = true
		}
	}
	for _, lang := range languages {
		for _, key := range slices.Sorted(maps.Keys(all)) {
			v, ok := catalogs[lang][key]
			require.True(t, ok, "%s.json has no %q", lang, key)
			switch v := v.(type) {
			case string:
				require.NotEmpty(t, strings.TrimSpace(v), "%s.json: %q is empty", lang, key)
			case map[string]any: // plural forms: "other" is required in every language
				require.Contains(t, v, "other", "%s.json: %q", lang, key)
				for form, text := range v {
					require.NotEmpty(t, strings.TrimSpace(text.(string)), "%s.json: %q %s is empty", lang, key, form)
				}
			default:
				t.Fatalf("%s.json: %q is neither a text nor plural forms", lang, key)
			}
		}
	}
}

// The keys the code asks for in words: literal keys of the templates' {{call .T "..."}} and the Go
// code's T("..."), and the keys made from data.
func usedKeys(t *testing.T) []string {
	t.Helper()
	keys := map[string]bool{}
	templateKey := regexp.MustCompile(`call \$?\.[TN] "([^"]+)"`)
	templates, err := fs.Glob(web.Templates, "templates/*.html")
	require.NoError(t, err)
	require.NotEmpty(t, templates)
	for _, name := range templates {
		b, err := fs.ReadFile(web.Templates, name)
		require.NoError(t, err)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, m := range codeMatches(t, regexp.MustCompile(`\bT\("([^"]+)"\)`)) {
		keys[m[1]] = true
	}
	require.Contains(t, keys, "Targets", "the scan finds the keys")
	// Keys made from data: a target's status ({{call .T .Status}}), an import's status, what a contract
	// status counts as ({{call .T (print "counts " .Counts)}}), and the error pages' messages (errors.go).
	for _, st := range []share.Status{share.StatusMet, share.StatusOnTrack, share.StatusAtRisk, share.StatusOffTrack,
		share.StatusNoData, share.StatusNotStarted, share.StatusNotMet} {
		keys[string(st)] = true
	}
	for _, k := range []string{"committed", "failed", "running", "counts value", "counts paid", "counts none",
		"source portal", "source csv", "source ocds",
		"Not found", "Not found detail", "Something went wrong", "Something went wrong detail", "Reports busy", "Reports busy detail"} {
		keys[k] = true
	}
	for _, p := range reasonPatterns {
		keys[p.key] = true
	}
	for _, k := range paramReasons(t) {
		keys[k] = true
	}
	return slices.Sorted(maps.Keys(keys))
}

// Every key the templates and the code use is in the catalogs.
func TestCatalogHasEveryKeyInUse(t *testing.T) {
	t.Parallel()
	catalogs := readCatalogs(t)
	for _, key := range usedKeys(t) {
		for _, lang := range languages {
			require.Contains(t, catalogs[lang], key, "%s.json has no %q, which the code uses", lang, key)
		}
	}
}

func TestTranslator(t *testing.T) {
	t.Parallel()
	c := testCatalog(t)
	require.Equal(t, "Мақсаттар", c.translator("kk")("Targets"))
	require.Equal(t, "Цели", c.translator("ru")("Targets"))
	require.Equal(t, "Targets", c.translator("en")("Targets"))
	require.Equal(t, "Domestic producers' share", c.translator("en")("Domestic share"))
	require.Equal(t, "no such key", c.translator("ru")("no such key"), "an unknown key shows as itself")
	require.True(t, c.has("Not found detail"))
	require.False(t, c.has("Forbidden detail"))
}

// A message with a count takes the CLDR plural form of its language: Russian one/few/many, Kazakh and
// English one/other.
func TestPlural(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"translations/kk.json": {Data: []byte(`{"records": {"one": "{{.Count}} жазба", "other": "{{.Count}} жазба"}}`)},
		"translations/ru.json": {Data: []byte(`{"records": {"one": "{{.Count}} запись", "few": "{{.Count}} записи", "many": "{{.Count}} записей", "other": "{{.Count}} записи"}}`)},
		"translations/en.json": {Data: []byte(`{"records": {"one": "{{.Count}} record", "other": "{{.Count}} records"}}`)},
	}
	c, err := loadCatalog(files)
	require.NoError(t, err)
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"ru", 1, "1 запись"}, {"ru", 21, "21 запись"}, {"ru", 3, "3 записи"}, {"ru", 5, "5 записей"}, {"ru", 11, "11 записей"},
		{"en", 1, "1 record"}, {"en", 0, "0 records"}, {"en", 2, "2 records"},
		{"kk", 1, "1 жазба"}, {"kk", 7, "7 жазба"},
	} {
		require.Equal(t, tc.want, c.plural(tc.lang)("records", tc.count), "%s %d", tc.lang, tc.count)
	}
	_, err = loadCatalog(fstest.MapFS{"translations/kk.json": {Data: []byte(`{`)}})
	require.ErrorContains(t, err, "httpapi: locale: translations", "a broken catalog fails start-up")
}

func TestTranslateReason(t *testing.T) {
	t.Parallel()
	c := testCatalog(t)
	for _, tc := range []struct{ lang, in, want string }{
		{"ru", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" — не 12 цифр"},
		{"kk", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" — 12 цифр емес"},
		{"en", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" is not 12 digits"},
		{"ru", "a reason no pattern knows", "a reason no pattern knows"},
		{"ru", "3 skipped: plan points marked deleted (is_deleted): not used for any item; note: x.csv is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted",
			"3 пропущено: пункты плана, помеченные удалёнными (is_deleted), ни для одной позиции не используются; примечание: x.csv не в UTF-8: прочитан как Windows-1251 и преобразован (так Excel на русском и казахском сохраняет «CSV»)"},
		{"en", "3 skipped: plan points marked deleted (is_deleted): not used for any item; note: x.csv is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted",
			"3 skipped: plan points marked deleted (is_deleted): not used for any item; note: x.csv is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted"},
	} {
		require.Equal(t, tc.want, c.translateReason(tc.lang, tc.in), tc.in)
	}
}

// English pages show the importer's texts as it wrote them: each English message of a reason is its
// pattern with the captured parts as $1, $2, ... and nothing dropped.
func TestReasonsInEnglishAreTheImportersWords(t *testing.T) {
	t.Parallel()
	c := testCatalog(t)
	for _, p := range reasonPatterns {
		got, ok := c.localize("en", p.key, -1)
		require.True(t, ok, p.key)
		require.Equal(t, englishOf(t, p.re.String()), got, p.key)
	}
}

// englishOf turns a pattern into the text it matches, with each top-level group as $n; a wildcard outside
// a group fails, as the English message could not give back what it matched.
func englishOf(t *testing.T, re string) string {
	t.Helper()
	re = strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$")
	var out strings.Builder
	n, depth := 0, 0
	for i := 0; i < len(re); i++ {
		ch := re[i]
		switch {
		case depth > 0 && ch == '\\':
			i++
		case depth > 0 && ch == '(':
			depth++
		case depth > 0 && ch == ')':
			depth--
		case depth > 0:
		case ch == '(':
			n++
			depth = 1
			out.WriteString("$" + string(rune('0'+n)))
		case ch == '\\':
			i++
			out.WriteByte(re[i])
		case strings.ContainsRune(".*+?[]|", rune(ch)):
			t.Fatalf("%s: %q outside a group", re, ch)
		default:
			out.WriteByte(ch)
		}
	}
	return out.String()
}

// codeMatches is every match of re, with its groups, in the package's Go code outside its tests.
func codeMatches(t *testing.T, re *regexp.Regexp) [][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var out [][]string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		out = append(out, re.FindAllStringSubmatch(string(b), -1)...)
	}
	return out
}

// paramReasons are the words of the code's badParam calls, which pages say in their language ("%s" passes
// on another error's text and is not one).
func paramReasons(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range codeMatches(t, regexp.MustCompile(`badParam\([^,]+, ("(?:[^"\\]|\\.)*")`)) {
		format, err := strconv.Unquote(m[1])
		require.NoError(t, err, m[1])
		if format != "%s" {
			out = append(out, format)
		}
	}
	require.Contains(t, out, "%q is not a date in the form YYYY-MM-DD", "the scan finds the calls")
	// The report's reasons, which reach pages through badParam with their words as they are.
	out = append(out, report.NoDataFormats...)
	return append(append(out, report.PeriodFormats...), report.ArgumentFormats...)
}

// A translated parameter error takes the same values in the same order as the English one.
func TestParamReasonsKeepTheirVerbs(t *testing.T) {
	t.Parallel()
	c := testCatalog(t)
	verb := regexp.MustCompile(`%[a-z]`)
	for _, format := range paramReasons(t) {
		want := verb.FindAllString(format, -1)
		for _, lang := range languages {
			got, ok := c.localize(lang, format, -1)
			require.True(t, ok, "%s: %q", lang, format)
			require.Equal(t, want, verb.FindAllString(got, -1), "%s: %q is %q", lang, format, got)
		}
	}
}
