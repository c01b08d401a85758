package httpapi

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/web"
)

// A report that finds every slot taken for its wait is told to come back: 503 with Retry-After, as JSON
// to a script that asks for it, and it reads nothing.
func TestReportsBusy(t *testing.T) {
	t.Parallel()
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), reportSlots: make(chan struct{}, 1), reportWait: 10 * time.Millisecond}
	var err error
	s.catalog, err = loadCatalog(web.Translations)
	require.NoError(t, err)
	s.reportSlots <- struct{}{} // one report is being read
	app := fiber.New()
	app.Get("/reports/x", s.negotiatedErrors, func(c fiber.Ctx) error {
		return s.sendReport(c, report.Request{Target: "school-uniforms-50"}, reportOptions{format: "csv", lang: "en"}, "x", "period")
	})
	req := httptest.NewRequest("GET", "/reports/x", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := app.Test(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 503, resp.StatusCode, string(body))
	require.Equal(t, "30", resp.Header.Get("Retry-After"))
	require.Contains(t, string(body), `"error":"reports busy`)
	require.Len(t, s.reportSlots, 1, "the busy request took no slot")
}
