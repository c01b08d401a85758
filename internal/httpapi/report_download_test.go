package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// download GETs url with an Accept header ("" for none) and returns the answer with its whole body.
func download(t *testing.T, app *fiber.App, target, accept string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := app.Test(req, fiber.TestConfig{Timeout: 30 * time.Second})
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// requireFile checks a download's headers: 200, the format's media type, an attachment named name.
func requireFile(t *testing.T, resp *http.Response, body []byte, contentType, name string) {
	t.Helper()
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Equal(t, contentType, resp.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="`+name+`"`, resp.Header.Get("Content-Disposition"))
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.Empty(t, resp.Header.Get("Set-Cookie"), "a report's language is not the pages'")
}

// summaryValues reads the summary sheet of a report workbook: label to raw value.
func summaryValues(t *testing.T, body []byte) (map[string]string, []string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	values := map[string]string{}
	for _, row := range rows {
		if len(row) == 2 {
			values[row[0]] = row[1]
		}
	}
	return values, sheets
}

// csvValues reads a report's CSV back: a row's first field to the rest.
func csvValues(t *testing.T, body []byte, separator rune) map[string][]string {
	t.Helper()
	require.True(t, bytes.HasPrefix(body, []byte("\uFEFF")), "a byte-order mark for Excel")
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.Comma, r.FieldsPerRecord = separator, -1
	records, err := r.ReadAll()
	require.NoError(t, err)
	values := map[string][]string{}
	for _, rec := range records {
		if len(rec) > 1 {
			values[rec[0]] = rec[1:]
		}
	}
	return values
}

// pdfText is the text of a PDF, or "" when pdftotext is missing.
func pdfText(t *testing.T, body []byte) string {
	t.Helper()
	require.True(t, bytes.HasPrefix(body, []byte("%PDF-")), "a PDF")
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext is missing (Debian: apt-get install poppler-utils); the PDF's text is not checked")
		return ""
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(path, body, 0o644))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

// The target page's route downloads the target's report in each format, holding the API's figures: the
// year so far of school uniforms (7 980 000, of which 3 780 000 from a domestic producer) against 50 %.
func TestTargetReportDownloads(t *testing.T) {
	t.Parallel()
	app := setup(t)
	api := getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-11-25")
	require.Equal(t, "7980000.00", api["total"])
	route := "/reports/targets/school-uniforms-50?period=2026&as_of=2026-11-25"

	resp, body := download(t, app, route+"&format=xlsx&lang=en", "")
	requireFile(t, resp, body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ules-report-school-uniforms-50-2026-en.xlsx")
	values, sheets := summaryValues(t, body)
	require.Equal(t, "Summary", sheets[0])
	require.Equal(t, strings.TrimSuffix(api["total"].(string), ".00"), values["Purchases"], "the API's total, a number")
	require.Equal(t, "0.4736", values["Domestic producers' share by value"])
	require.Equal(t, "0.5", values["Threshold in force"])

	resp, body = download(t, app, route+"&format=csv&lang=ru&separator=%3B", "")
	requireFile(t, resp, body, "text/csv; charset=utf-8", "ules-report-school-uniforms-50-2026-ru.csv")
	rows := csvValues(t, body, ';')
	require.Equal(t, strings.Replace(api["total"].(string), ".", ",", 1), rows["Закупки"][0], "the API's total, with a decimal comma")
	require.Equal(t, "3780000,00", rows["75"][1], "Almaty's purchases")

	resp, body = download(t, app, route+"&format=csv&lang=en", "")
	requireFile(t, resp, body, "text/csv; charset=utf-8", "ules-report-school-uniforms-50-2026-en.csv")
	require.Equal(t, api["total"], csvValues(t, body, ',')["Purchases"][0], "a comma and a decimal point by default")

	resp, body = download(t, app, route+"&format=pdf&lang=kk", "")
	requireFile(t, resp, body, "application/pdf", "ules-report-school-uniforms-50-2026-kk.pdf")
	if text := pdfText(t, body); text != "" {
		require.Regexp(t, `[әғқңөұүһі]`, text, "the embedded font renders Kazakh letters")
		require.Contains(t, text, "7 980 000", "the purchases")
	}

	// A quarter and a region narrow it: Shymkent's third quarter is the reseller's 4 200 000 alone.
	resp, body = download(t, app, "/reports/targets/school-uniforms-50?period=2026-Q3&region=79&format=xlsx&lang=en", "")
	requireFile(t, resp, body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ules-report-school-uniforms-50-2026-Q3-79-en.xlsx")
	values, _ = summaryValues(t, body)
	require.Equal(t, "4200000", values["Purchases"])
}

// The explorer offers its report only over a period a report may cover, and says why otherwise: five years
// to the day are one too many.
func TestExploreReportMenuKnowsTheLimit(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for _, tc := range []struct {
		period string
		offers bool
	}{
		{"from=2022-01-01&to=2026-12-31", true},
		{"from=2021-12-05&to=2026-12-05", false},
		{"from=2016-01-01&to=2026-12-31", false},
	} {
		status, page := get(t, app, "/explore?category=school-uniforms&lang=en&"+tc.period)
		require.Equal(t, 200, status)
		if tc.offers {
			require.Contains(t, page, `href="/reports/explore?`, tc.period)
			require.NotContains(t, page, "A report covers five years at most", tc.period)
			status, _ = get(t, app, "/reports/explore?category=school-uniforms&format=csv&lang=en&"+tc.period)
			require.Equal(t, 200, status, "the link the menu offers downloads")
			continue
		}
		require.NotContains(t, page, `href="/reports/explore?`, tc.period)
		require.Contains(t, page, "A report covers five years at most: narrow the period", tc.period)
		status, _ = get(t, app, "/reports/explore?category=school-uniforms&format=csv&lang=en&"+tc.period)
		require.Equal(t, 400, status, "the route refuses what the menu does not offer")
	}
}

// The explorer's route downloads a report of the explorer's filter: its figures are the API's for the
// same filter, and it has no threshold, gap or status.
func TestExploreReportDownloads(t *testing.T) {
	t.Parallel()
	app := setup(t)
	filter := "category=school-uniforms&from=2026-01-01&to=2026-12-31&region=75,79"
	api := getJSON(t, app, "/api/v1/shares?"+filter)
	route := "/reports/explore?" + filter

	resp, body := download(t, app, route+"&format=xlsx&lang=en", "")
	requireFile(t, resp, body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"ules-report-school-uniforms-2026-01-01_2026-12-31-en.xlsx")
	values, sheets := summaryValues(t, body)
	require.Equal(t, strings.TrimSuffix(api["total"].(string), ".00"), values["Purchases"])
	require.Equal(t, "0.4736", values["Domestic producers' share by value"])
	require.NotContains(t, values, "Threshold in force", "a filter has no threshold")
	require.NotContains(t, values, "Status")
	require.Len(t, sheets, 8)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	scope, err := f.GetRows(sheets[1])
	require.NoError(t, err)
	require.Contains(t, scope, []string{"Regions", "Almaty, Shymkent"}, "the filter in words")
	require.NotContains(t, scope[1][0], "Target")
	header, err := f.GetRows("By region")
	require.NoError(t, err)
	require.NotContains(t, header[1], "To move", "nothing to move without a threshold")
	require.NoError(t, f.Close())

	resp, body = download(t, app, route+"&format=csv&lang=ru", "")
	requireFile(t, resp, body, "text/csv; charset=utf-8", "ules-report-school-uniforms-2026-01-01_2026-12-31-ru.csv")
	rows := csvValues(t, body, ',')
	require.Equal(t, api["total"], rows["Закупки"][0])

	resp, body = download(t, app, route+"&format=pdf&lang=kk", "")
	requireFile(t, resp, body, "application/pdf", "ules-report-school-uniforms-2026-01-01_2026-12-31-kk.pdf")
	if text := pdfText(t, body); text != "" {
		require.Regexp(t, `[әғқңөұүһі]`, text)
		require.Contains(t, text, "7 980 000")
	}

	// Every category: workwear counts too, as in the explorer; a supplier tier keeps the category's
	// lists (producers, largest contracts) out, which know no tiers.
	explore := getJSON(t, app, "/api/v1/explore?from=2026-01-01&to=2026-12-31")
	resp, body = download(t, app, "/reports/explore?from=2026-01-01&to=2026-12-31&format=csv&lang=en", "")
	requireFile(t, resp, body, "text/csv; charset=utf-8", "ules-report-all-2026-01-01_2026-12-31-en.csv")
	require.Equal(t, explore["total"].(map[string]any)["total"], csvValues(t, body, ',')["Purchases"][0])
	resp, body = download(t, app, "/reports/explore?category=school-uniforms&tier=2&from=2026-01-01&to=2026-12-31&format=csv&lang=en", "")
	require.Equal(t, 200, resp.StatusCode, string(body))
	rows = csvValues(t, body, ',')
	require.Equal(t, "4200000.00", rows["Purchases"][0], "the reseller's item alone")
	resp, body = download(t, app, "/reports/explore?category=school-uniforms&tier=2&from=2026-01-01&to=2026-12-31&format=xlsx&lang=en", "")
	require.Equal(t, 200, resp.StatusCode, string(body))
	f, err = excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	producers, err := f.GetRows("Who could supply")
	require.NoError(t, err)
	require.Len(t, producers, 2, "a title and a header, no producer")
	require.Contains(t, producers[0][0], "This list is a category's", "the sheet says why it is empty")
	require.NoError(t, f.Close())
}

// Every parameter that is wrong is named, as JSON to a script and as a page to a browser, before any
// byte of a file; an unknown target is 404, a period without purchases 422.
func TestReportBadInput(t *testing.T) {
	t.Parallel()
	app := setup(t)
	target := "/reports/targets/school-uniforms-50?"
	for _, tc := range []struct {
		url    string
		status int
		param  string
		reason string
	}{
		{target + "period=2026-Q5", 400, "period", "want a year (2026), a quarter"},
		{target + "period=1980", 400, "period", "outside 1990..2100"},
		{target + "period=2026-13", 400, "period", "no month 13"},
		{target + "period=2020-01-01..2026-06-30", 400, "period", "longer than 5 years"},
		{target + "format=docx", 400, "format", "not one of xlsx, pdf, csv"},
		{target + "lang=de", 400, "lang", "not one of kk, ru, en"},
		{target + "separator=%7C", 400, "separator", "not , or ;"},
		{target + "decimal_comma=true", 400, "decimal_comma", "needs separator=;"},
		{target + "decimal_comma=maybe", 400, "decimal_comma", "not true or false"},
		{target + "region=7", 400, "region", "not a region code"},
		{target + "region=99", 400, "region", "want a region's two-digit KATO code"},
		{target + "as_of=25.11.2026", 400, "as_of", "not a date"},
		{"/reports/targets/Bad_Slug?period=2026", 400, "slug", "not a target slug"},
		{"/reports/targets/no-such-target?period=2026", 404, "", "not found"},
		{target + "period=2024", 422, "period", "2024-01-01 to 2024-12-31: no counted purchases: choose another period or region"},
		{target + "period=2027", 422, "period", "starts after today"},
		{target + "period=2026&region=71", 422, "period", "in region 71"},
		{"/reports/explore?from=2019-01-01&to=2026-12-31", 400, "from", "longer than 5 years"},
		{"/reports/explore?from=1980-01-01&to=1980-12-31", 400, "from", "outside 1990..2100"},
		{"/reports/explore?from=2026-05-01&to=2026-04-01", 400, "to", "before from"},
		{"/reports/explore?category=hats", 400, "category", `there is no category "hats"`},
		{"/reports/explore?region=7", 400, "region", "not a region code"},
		{"/reports/explore?tier=4", 400, "tier", "not a supplier tier"},
		{"/reports/explore?format=xls", 400, "format", "not one of"},
		{"/reports/explore?lang=fr", 400, "lang", "not one of"},
		{"/reports/explore?separator=tab", 400, "separator", "not , or ;"},
		{"/reports/explore?from=2024-01-01&to=2024-12-31", 422, "", "the filter, 2024-01-01 to 2024-12-31: no counted purchases: widen the filter"},
		{"/reports/nope", 404, "", "not found"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			resp, body := download(t, app, tc.url, "application/json")
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"), resp.Header.Get("Content-Type"))
			require.Empty(t, resp.Header.Get("Content-Disposition"), "no file")
			var e struct{ Error, Param string }
			require.NoError(t, json.Unmarshal(body, &e), string(body))
			require.Equal(t, tc.param, e.Param)
			require.Contains(t, e.Error, tc.reason)
			require.NotContains(t, e.Error, "report:", "no package prefix")

			resp, body = download(t, app, tc.url, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
			require.Equal(t, tc.status, resp.StatusCode)
			require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), "a browser gets a page")
			if tc.param != "" {
				require.Contains(t, html.UnescapeString(string(body)), tc.reason)
			}
			if tc.status == 422 {
				require.Contains(t, string(body), "<h1>No purchases in this period</h1>")
			}
		})
	}
}

// The target page and the explorer offer the report of what they show, in the page's language: links
// for each format and a form for the rest, each field labelled, and every link downloads.
func TestReportMenus(t *testing.T) {
	t.Parallel()
	app := setup(t)
	link := regexp.MustCompile(`<a class="button" href="(/reports/[^"]+)" download aria-label="([^"]+)">`)
	follow := func(t *testing.T, body string, want ...string) {
		t.Helper()
		links := link.FindAllStringSubmatch(body, -1)
		require.Len(t, links, len(want), body)
		for i, l := range links {
			u := html.UnescapeString(l[1])
			require.Equal(t, want[i], u)
			resp, file := download(t, app, u, "")
			require.Equal(t, 200, resp.StatusCode, string(file))
			require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
		}
	}

	status, body := get(t, app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=ru")
	require.Equal(t, 200, status)
	require.Contains(t, body, "<summary>Скачать отчёт</summary>")
	require.Contains(t, body, `<form class="filters" method="get" action="/reports/targets/school-uniforms-50">`)
	require.Contains(t, body, `<input type="hidden" name="as_of" value="2026-11-25">`, "the form keeps the page's day")
	require.Regexp(t, `<label>Период\s*<input type="text" name="period" value="2026"`, body)
	require.Contains(t, body, `<option value="2026-Q4"></option>`, "periods to choose from")
	require.Regexp(t, `<label>Язык отчёта\s*<select name="lang">`, body)
	require.Contains(t, body, `<option value="ru" lang="ru" selected>Русский</option>`)
	require.Regexp(t, `<label>Регион\s*<select name="region"><option value="">Все регионы цели</option>`, body)
	require.Contains(t, body, `<option value=";" selected>`, "Excel in Russian expects ;")
	require.Contains(t, body, `aria-label="Скачать отчёт: PDF, 2026"`)
	follow(t, body,
		"/reports/targets/school-uniforms-50?as_of=2026-11-25&format=xlsx&lang=ru&period=2026",
		"/reports/targets/school-uniforms-50?as_of=2026-11-25&format=pdf&lang=ru&period=2026",
		"/reports/targets/school-uniforms-50?as_of=2026-11-25&format=csv&lang=ru&period=2026&separator=%3B")

	status, body = get(t, app, "/explore?category=school-uniforms&region=75&region=79&from=2026-01-01&to=2026-09-30&group_by=buyer&sort=total&lang=kk")
	require.Equal(t, 200, status)
	require.Contains(t, body, "<summary>Есепті жүктеу</summary>")
	require.Contains(t, body, `<form class="filters" method="get" action="/reports/explore">`)
	for _, hidden := range []string{`name="category" value="school-uniforms"`, `name="region" value="75"`, `name="region" value="79"`,
		`name="from" value="2026-01-01"`, `name="to" value="2026-09-30"`} {
		require.Contains(t, body, `<input type="hidden" `+hidden+`>`, "the form keeps the filter")
	}
	require.NotContains(t, body, `<input type="text" name="period"`, "the explorer's period is its filter's")
	require.Contains(t, body, `<option value="kk" lang="kk" selected>Қазақша</option>`)
	filter := "category=school-uniforms&from=2026-01-01&lang=kk&region=75&region=79&to=2026-09-30"
	q, err := url.ParseQuery(filter)
	require.NoError(t, err)
	with := func(format string, extra ...string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("format", format)
		for i := 0; i < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return "/reports/explore?" + v.Encode()
	}
	follow(t, body, with("xlsx"), with("pdf"), with("csv", "separator", ";"))
	require.NotContains(t, body, "/reports/explore?group_by", "the grouping is the page's, not the report's")
}
