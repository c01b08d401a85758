package httpapi_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/pgtest"
)

func response(t *testing.T, app *fiber.App, url string) (int, fiber.Map, string) {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest("GET", url, nil), fiber.TestConfig{Timeout: 10 * time.Second})
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	headers := fiber.Map{}
	for k := range resp.Header {
		headers[k] = strings.Join(resp.Header.Values(k), " | ")
	}
	return resp.StatusCode, headers, string(body)
}

// Every answer, page, file, API or error, carries the security headers; no page runs an inline script.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	app, batch := b.app, "/imports/"+strconv.FormatInt(b.batch, 10)
	inlineScript := regexp.MustCompile(`<script(?:\s+type="text/javascript")?\s*>|<script[^>]*>[^<]+</script>`)
	handler := regexp.MustCompile(`\son[a-z]+\s*=`)
	for _, url := range []string{
		"/", "/targets/school-uniforms-50", "/imports", batch, "/static/ules.css", "/api/v1/targets",
		"/api/v1/targets/school-uniforms-50/progress", "/readyz", "/healthz", "/nope", "/api/v1/nope",
		"/imports/template.csv",
	} {
		_, h, body := response(t, app, url)
		require.Contains(t, h["Content-Security-Policy"], "script-src 'self';", url)
		require.Contains(t, h["Content-Security-Policy"], "frame-ancestors 'none'", url)
		require.Equal(t, "nosniff", h["X-Content-Type-Options"], url)
		require.Equal(t, "DENY", h["X-Frame-Options"], url)
		require.Equal(t, "same-origin", h["Referrer-Policy"], url)
		if strings.HasPrefix(h["Content-Type"].(string), "text/html") {
			for _, m := range regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).FindAllString(body, -1) {
				if strings.Contains(m, `type="application/json"`) {
					continue // data, which no browser runs
				}
				require.NotRegexp(t, inlineScript, m, url)
			}
			require.NotRegexp(t, handler, body, url)
		}
	}
}

// A browser gets a translated HTML page for an error, the API JSON; neither shows an internal message.
func TestErrorsByRoute(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for _, tc := range []struct {
		url, contentType, want string
		status                 int
	}{
		{"/nope", "text/html", "Not found", 404},
		{"/nope?lang=ru", "text/html", "Не найдено", 404},
		{"/targets/nope?lang=kk", "text/html", "Табылмады", 404},
		{"/imports/999999", "text/html", "Not found", 404},
		{"/api/v1/nope", "application/json", `{"error":"not found"}`, 404},
		{"/api/nope", "application/json", `{"error":"not found"}`, 404},
		{"/imports/abc", "text/html", "id: ", 400},
		{"/api/v1/targets/nope/progress", "application/json", `{"error":"not found"}`, 404},
		{"/api/v1/shares?category=hats", "application/json", `"param":"category"`, 400},
	} {
		status, h, body := response(t, app, tc.url)
		require.Equal(t, tc.status, status, tc.url)
		require.True(t, strings.HasPrefix(h["Content-Type"].(string), tc.contentType), "%s: %s", tc.url, h["Content-Type"])
		require.Contains(t, body, tc.want, tc.url)
		require.NotContains(t, body, "share:", tc.url)
		require.NotContains(t, body, "ingest:", tc.url)
	}
}

// /readyz says whether the database answers, never where it is.
func TestReadyzRevealsNothing(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := httpapi.New(pool, log, time.Now)
	require.NoError(t, err)
	status, _, _ := response(t, app, "/readyz")
	require.Equal(t, 200, status)
	pool.Close()
	status, _, body := response(t, app, "/readyz")
	require.Equal(t, 503, status)
	require.JSONEq(t, `{"status":"unavailable"}`, body)
	for _, secret := range []string{"localhost", "postgres", "ules_t_", "5432"} {
		require.NotContains(t, body, secret)
	}
}

// The import history names each input by its file or folder, not by the server's path.
func TestImportHistoryShowsNoServerPaths(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	app, id := b.app, strconv.FormatInt(b.batch, 10)
	for _, url := range []string{"/api/v1/imports", "/api/v1/imports/" + id, "/imports", "/imports/" + id} {
		status, _, body := response(t, app, url)
		require.Equal(t, 200, status, url)
		require.Contains(t, body, "items.csv", url)
		require.NotContains(t, body, "docs/examples", url)
		require.NotContains(t, body, "../", url)
	}
}

// The template downloads carry one Content-Type each.
func TestTemplateContentType(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for url, want := range map[string]string{
		"/imports/template.csv":  "text/csv; charset=utf-8",
		"/imports/template.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	} {
		status, h, _ := response(t, app, url)
		require.Equal(t, 200, status, url)
		require.Equal(t, want, h["Content-Type"], url)
	}
}

// The language comes from ?lang= (and is remembered), then the cookie, then Accept-Language, then English;
// Kazakh and Russian write decimal commas.
func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	app := setup(t)
	page := func(url string, header map[string]string) (string, string) {
		req := httptest.NewRequest("GET", url, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := app.Test(req, fiber.TestConfig{Timeout: 10 * time.Second})
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body), resp.Header.Get("Set-Cookie")
	}
	for _, tc := range []struct {
		name   string
		url    string
		header map[string]string
		lang   string
		figure string
	}{
		{"default", "/", nil, "en", "47.4%"},
		{"browser", "/", map[string]string{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}, "ru", "47,4\u00a0%"},
		{"browser kk", "/", map[string]string{"Accept-Language": "kk-KZ"}, "kk", "47,4\u00a0%"},
		{"browser unknown", "/", map[string]string{"Accept-Language": "de-DE"}, "en", "47.4%"},
		{"cookie over browser", "/", map[string]string{"Accept-Language": "ru", "Cookie": "lang=kk"}, "kk", "47,4\u00a0%"},
		{"query over cookie", "/?lang=en", map[string]string{"Cookie": "lang=kk"}, "en", "47.4%"},
	} {
		body, cookie := page(tc.url, tc.header)
		require.Contains(t, body, `<html lang="`+tc.lang+`">`, tc.name)
		require.Contains(t, body, tc.figure, tc.name)
		if strings.Contains(tc.url, "lang=") {
			require.Contains(t, cookie, "lang="+tc.lang, tc.name)
		}
	}
}

// At phone width tables scroll inside their card, and the threshold's label sits on a line of its own
// rather than above the bar, where it ran into the title and the status badge.
func TestPhoneWidthMarkup(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	app := b.app
	for _, url := range []string{"/", "/targets/school-uniforms-50", "/imports", "/imports/" + strconv.FormatInt(b.batch, 10)} {
		_, _, body := response(t, app, url)
		require.Equal(t, strings.Count(body, "<table"), strings.Count(body, `<div class="table-scroll"><table`), url)
		require.NotRegexp(t, `(?s)<div class="threshold"[^>]*>\s*<span`, body, url)
	}
	_, _, css := response(t, app, "/static/ules.css")
	require.Contains(t, css, ".table-scroll { overflow-x:auto;")
	require.Contains(t, css, "@media (max-width: 600px)")
}

// The methodology page states what counts, with the status table as the database holds it, in each language.
func TestMethodologyPage(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Which contracts count", "<td>330</td><td>Not concluded</td><td class=\"counts none\">no</td>",
			"<td>340</td><td>Terminated unilaterally</td><td class=\"counts paid\">at what was paid</td>", "include VAT", "Order No. 260"}},
		{"ru", []string{"Какие договоры учитываются", "<td>330</td><td>Не заключен</td><td class=\"counts none\">не учитывается</td>",
			"<td>190</td><td>Действует</td><td class=\"counts value\">по сумме договора</td>", "с НДС"}},
		{"kk", []string{"Қандай шарттар есептеледі", "<td>330</td><td>Жасалмаған</td>", "ҚҚС-пен"}},
	} {
		status, _, body := response(t, app, "/methodology?lang="+tc.lang)
		require.Equal(t, 200, status)
		for _, w := range tc.want {
			require.Contains(t, body, w, tc.lang)
		}
	}
}
