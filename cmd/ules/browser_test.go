package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/pgtest"
)

// screenshots is where the browser test leaves its screenshots (git-ignored); README's come from there.
const screenshots = "../../screenshots"

// chromium finds the browser: ULES_CHROMIUM, or Debian's, which scripts/test.sh installs.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ULES_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium for the browser test: run `make test`, which installs Debian's chromium, or set ULES_CHROMIUM")
	return ""
}

// TestBrowserWalk drives Chromium through the demo as a user would, at desktop and phone width: the
// overview, a target, a buyer that pulls its share down, the explorer and its CSV download, and the
// language switch, saving a screenshot of each page.
func TestBrowserWalk(t *testing.T) {
	exe := chromium(t)
	_, url := pgtest.NewDB(t)
	code, _, stderr := runCLI(t, map[string]string{"DATABASE_URL": url}, "demo", "--items", "3000")
	require.Equal(t, 0, code, stderr)

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	today := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	app, err := httpapi.New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), today)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()
	var busiest string
	var contracts int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT s.identifier, count(*) FROM contracts c
		JOIN suppliers s ON s.id = c.supplier_id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`).Scan(&busiest, &contracts))
	require.Greater(t, contracts, 25, "a supplier has more contracts than a page holds")
	require.NoError(t, os.MkdirAll(screenshots, 0o755))

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless,
		chromedp.NoSandbox, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	t.Cleanup(cancelAlloc)

	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(allocCtx)
			defer cancel()
			ctx, cancelTimeout := context.WithTimeout(ctx, time.Minute)
			defer cancelTimeout()
			shot := func(name string) {
				t.Helper()
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(screenshots, vp.name+"-"+name+".png"), png, 0o644))
			}
			// Read in the page itself: chromedp's copy of the DOM can still hold the previous page's node ids
			// just after a click navigated ("No node with given id found").
			text := func(sel string) string {
				t.Helper()
				q, err := json.Marshal(sel)
				require.NoError(t, err)
				s, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.querySelector("+string(q)+").innerText"))
				require.NoError(t, err, sel)
				return s
			}
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height),
				chromedp.Navigate(base+"/?lang=en"), chromedp.WaitVisible(chromedp.CSS("section.card"))))
			require.Contains(t, text("h1"), "Targets")
			require.Contains(t, text("main"), "School uniforms in East Kazakhstan", "the demo's targets are there")
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
			require.NoError(t, err)
			require.False(t, overflow, "the page fits the width: nothing scrolls sideways")
			shot("overview")

			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`section.card h2 a[href^="/targets/school-uniforms-50"]`)),
				chromedp.WaitVisible(chromedp.CSS("#trend"))))
			require.Contains(t, text("main"), "Who pulls the share down")
			chart, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.getElementById('trend').width > 0 && !!window.Chart"))
			require.NoError(t, err)
			require.True(t, chart, "the trend is drawn")
			shot("target")

			// The target page has an h1 too: wait for what only the buyer's page has.
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`section.card table a[href^="/buyers/"]`)),
				chromedp.WaitVisible(chromedp.CSS("#party-contracts"))))
			loc, err := chromedp.Run(ctx, chromedp.Location())
			require.NoError(t, err)
			require.Contains(t, loc, "/buyers/")
			require.Contains(t, text("main"), "Contracts")
			shot("buyer")

			// The contracts' pager of the supplier with the most contracts swaps the next page in place
			// (htmx): no reload, the address and the language links follow.
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/suppliers/"+busiest+"?lang=en&from=2020-01-01"),
				chromedp.WaitVisible(chromedp.CSS("#party-contracts"))))
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("window.ulesKept = true"))
			require.NoError(t, err)
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#party-contracts .pager a[rel="next"][hx-get]`)),
				chromedp.WaitVisible(chromedp.CSS(`#party-contracts .pager a[hx-get]:not([rel])`))))
			paged, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.ulesKept === true &&
				location.search.includes("cursor=") &&
				document.querySelector('#lang-links a[href*="lang=kk"]').href.includes("cursor=")`))
			require.NoError(t, err)
			require.True(t, paged, "the next page of contracts without a reload, the address and the language links follow")

			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/explore?lang=en&category=school-uniforms&group_by=region&from=2025-01-01&to=2025-12-31"),
				chromedp.WaitVisible(chromedp.CSS("#explore-chart"))))
			require.Contains(t, text("h1"), "Explorer")
			shot("explorer")

			// Sorting swaps the results in place (htmx): the page is not reloaded, the chart is drawn again,
			// and the address and the language links carry the new order.
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("window.ulesKept = true"))
			require.NoError(t, err)
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#results th a[href*="sort=items"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#results th[aria-sort] a[href*="sort=items"]`))))
			swapped, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.ulesKept === true &&
				location.search.includes("sort=items") &&
				document.querySelector('#lang-links a[href*="lang=kk"]').href.includes("sort=items") &&
				document.getElementById("explore-chart").width > 0`))
			require.NoError(t, err)
			require.True(t, swapped, "sorted without a reload, the address, the language links and the chart follow")

			dir := t.TempDir()
			progress := chromedp.Events(ctx, browser.DownloadProgress)
			require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				events := true
				_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
					Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
				return err
			}), chromedp.Click(chromedp.CSS("a.button[download]"))))
			for ev, err := range progress {
				require.NoError(t, err)
				if ev.State == browser.DownloadProgressStateCanceled {
					t.Fatal("the download was cancelled")
				}
				if ev.State != browser.DownloadProgressStateCompleted {
					continue
				}
				csv, err := os.ReadFile(filepath.Join(dir, ev.GUID))
				require.NoError(t, err)
				require.True(t, strings.HasPrefix(string(csv), "source,contract_id,signed_on,"), "%.200s", csv)
				require.Greater(t, strings.Count(string(csv), "\n"), 10, "the download holds the filter's items")
				break
			}

			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`header .lang a[href*="lang=kk"]`)),
				chromedp.WaitVisible(chromedp.CSS(`html[lang="kk"]`))))
			require.Equal(t, "Зерттеу", text("h1"), "the language switch keeps the page and translates it")
			loc, err = chromedp.Run(ctx, chromedp.Location())
			require.NoError(t, err)
			require.Contains(t, loc, "group_by=region", "and keeps the view")
			require.Contains(t, loc, "sort=items", "with its order")
			shot("explorer-kk")
		})
	}
}
