package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/ingest/sheet"
	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
)

// today is the fixed "today" of the tests that read the example.
var today = func() time.Time { return time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) }

// bundle is what a test of the served example holds: the app, the transaction it reads through (rolled
// back when the test ends) and the example's import batch.
type bundle struct {
	app   *fiber.App
	tx    pgx.Tx
	batch int64
}

// setup serves the rows of docs/examples/items.csv, written by the factories inside the test's
// transaction, with "today" fixed at 2026-11-25.
func setup(t *testing.T) *fiber.App { return setupBundle(t).app }

func setupBundle(t *testing.T) bundle {
	t.Helper()
	tx := pgtest.Tx(t)
	batch := insertExample(context.Background(), t, tx)
	return bundle{app: serve(t, tx, today), tx: tx, batch: batch}
}

// serve builds the app over tx.
func serve(t *testing.T, tx pgx.Tx, now func() time.Time) *fiber.App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := httpapi.NewWithDB(tx, tx.Conn().Ping, log, now)
	require.NoError(t, err)
	return app
}

// insertExample writes what importing docs/examples/items.csv writes, and its batch: school uniforms from a
// domestic producer in Almaty (two items, 1 800 000 and 1 980 000, 84% local content) and from a reseller in
// Shymkent (4 200 000, 3%), workwear from a Chinese supplier in Astana (4 500 000).
func insertExample(ctx context.Context, t *testing.T, tx pgx.Tx) int64 {
	t.Helper()
	batch := insertBatch(ctx, t, tx, batchRow{Format: "csv", Source: "../../docs/examples/items.csv", Status: "committed", Read: 4, Loaded: 4})
	almaty, shymkent, astana := "75", "79", "71"
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: "ТОО «Алатау Легпром»", PortalProducer: true})
	reseller := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: "ТОО «Мега Трейд»"})
	foreign := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: "Hangzhou Textile Co.", NonResident: true, Country: "CN"})
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	lc := func(pct int32) *int32 { return testfactory.Ptr(pct * 100) }

	c := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "SU-2026-001", SupplierID: producer,
		SignedOn: day(7, 14), Total: 3_780_000_00, BatchID: &batch})
	for _, v := range []int64{1_800_000_00, 1_980_000_00} {
		testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Region: &almaty, Value: v,
			Tier: tier.DomesticProducer, LocalContentBP: lc(84)})
	}
	c = testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "SU-2026-002", SupplierID: reseller,
		SignedOn: day(8, 2), Total: 4_200_000_00, BatchID: &batch})
	testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Region: &shymkent, Value: 4_200_000_00,
		Tier: tier.ResidentSupplier, LocalContentBP: lc(3)})
	c = testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "WW-2026-010", SupplierID: foreign,
		SignedOn: day(3, 20), Total: 4_500_000_00, BatchID: &batch})
	testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "workwear", Region: &astana, Value: 4_500_000_00,
		Tier: tier.NonResident, LocalContentBP: lc(0)})
	return batch
}

// batchRow is an import batch as the importer records it, with its bad records.
type batchRow struct {
	Format, Source, CreatedBy, Status, Message string
	Read, Loaded, Rejected                     int64
	Errors                                     [][2]string // location, reason
}

func insertBatch(ctx context.Context, t *testing.T, tx pgx.Tx, b batchRow) int64 {
	t.Helper()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO import_batches (format, source_name, created_by, status, finished_at, rows_read,
			rows_loaded, rows_rejected, message)
		VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8) RETURNING id`,
		b.Format, b.Source, b.CreatedBy, b.Status, b.Read, b.Loaded, b.Rejected, b.Message).Scan(&id)
	require.NoError(t, err)
	locations, reasons := make([]string, len(b.Errors)), make([]string, len(b.Errors))
	for i, e := range b.Errors {
		locations[i], reasons[i] = e[0], e[1]
	}
	_, err = tx.Exec(ctx, `INSERT INTO import_errors (batch_id, location, reason)
		SELECT $1, l, r FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS e(l, r, n) ORDER BY n`, id, locations, reasons)
	require.NoError(t, err)
	return id
}

func get(t *testing.T, app *fiber.App, url string) (int, string) {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest("GET", url, nil), fiber.TestConfig{Timeout: 10 * time.Second})
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func getJSON(t *testing.T, app *fiber.App, url string) map[string]any {
	t.Helper()
	status, body := get(t, app, url)
	require.Equal(t, 200, status, body)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return out
}

// Local content by ST-KZ certificates stands beside the published one: a certificate of the producer for
// 1413 (90%) covers the girls' dress; the boys' suit (1413 too) falls in it as well, the reseller has none.
// It imports: the certified local content is what the certificates' import works out for the items.
func TestSharesCertifiedLocalContent(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	im := ingest.NewImporter(pool, "KZ", log)
	_, err := im.Import(context.Background(), ingest.Options{Format: "csv", Path: "../../docs/examples/items.csv"})
	require.NoError(t, err)
	certificates := filepath.Join(t.TempDir(), "certificates.csv")
	require.NoError(t, os.WriteFile(certificates, []byte("number,bin,enstru_code,local_content_percent,issued,expires\n"+
		"KZ 7500 2026 0000001,110440000011,1413,90,2026-01-01,2026-12-31\n"), 0o644))
	_, err = im.Import(context.Background(), ingest.Options{Format: "certificates", Path: certificates})
	require.NoError(t, err)
	app, err := httpapi.New(pool, log, func() time.Time { return time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) })
	require.NoError(t, err)

	got := getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31")
	require.Equal(t, "3301200.00", got["local_content"])
	require.Equal(t, "3402000.00", got["local_content_certified"]) // (1 800 000 + 1 980 000) × 90%
	require.Equal(t, 42.63, got["local_content_certified_share"])
	contracts := getJSON(t, app, "/api/v1/contracts?category=school-uniforms&from=2026-01-01&to=2026-12-31")["contracts"].([]any)
	require.Len(t, contracts, 2)
	require.Equal(t, "SU-2026-002", contracts[0].(map[string]any)["source_id"])
	require.Equal(t, 0.0, contracts[0].(map[string]any)["local_content_certified"])
	require.Equal(t, 90.0, contracts[1].(map[string]any)["local_content_certified"])
	status, page := get(t, app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=en")
	require.Equal(t, 200, status)
	require.Contains(t, page, "Local content by ST-KZ certificates")
}

func TestShares(t *testing.T) {
	t.Parallel()
	app := setup(t)
	// School uniforms in the example: 1 800 000 + 1 980 000 from a domestic producer (84% local content)
	// and 4 200 000 from a reseller (3%).
	got := getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31&group_by=region&lang=ru")
	require.Equal(t, "KZT", got["currency"])
	require.Equal(t, "7980000.00", got["total"])
	require.Equal(t, "3780000.00", got["domestic"])
	require.Equal(t, "3301200.00", got["local_content"])
	require.Equal(t, 47.36, got["domestic_share"])
	require.Equal(t, 66.66, got["domestic_share_by_count"])
	require.Equal(t, 50.0, got["domestic_share_by_contracts"])
	require.Equal(t, 41.36, got["local_content_share"])
	require.Equal(t, 2.0, got["contracts"])
	require.Equal(t, 3.0, got["items"])
	groups := got["groups"].([]any)
	require.Len(t, groups, 2)
	almaty := groups[0].(map[string]any)
	require.Equal(t, "75", almaty["key"])
	require.Equal(t, "город Алматы", almaty["label"])
	require.Equal(t, 100.0, almaty["domestic_share"])
	shymkent := groups[1].(map[string]any)
	require.Equal(t, "79", shymkent["key"])
	require.Equal(t, 0.0, shymkent["domestic_share"])

	// The period is inclusive at both ends and filters by signing date.
	got = getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-07-15&to=2026-08-02")
	require.Equal(t, "4200000.00", got["total"])
	got = getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-07-14&to=2026-07-14&region=75")
	require.Equal(t, "3780000.00", got["total"])
	got = getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31&region=75,79")
	require.Equal(t, "7980000.00", got["total"], "two regions are both")
	require.Equal(t, []any{"75", "79"}, got["regions"])
	got = getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31&region=75&region=71")
	require.Equal(t, "3780000.00", got["total"], "a repeated parameter adds to the list")
	got = getJSON(t, app, "/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31&buyer_type=defence")
	require.Equal(t, "0.00", got["total"])
	got = getJSON(t, app, "/api/v1/shares?category=workwear&from=2026-01-01&to=2026-12-31&group_by=supplier")
	require.Equal(t, "4500000.00", got["total"])
	require.Equal(t, 0.0, got["domestic_share"])
	require.Equal(t, "Hangzhou Textile Co.", got["groups"].([]any)[0].(map[string]any)["label"])
}

// manyRegions lists n distinct region codes (10, 11, ...), known or not.
func manyRegions(n int) string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = strconv.Itoa(10 + i)
	}
	return strings.Join(codes, ",")
}

func TestTargetProgress(t *testing.T) {
	t.Parallel()
	app := setup(t)
	got := getJSON(t, app, "/api/v1/targets/school-uniforms-50/progress?as_of=2026-11-25")
	require.Equal(t, "school-uniforms-50", got["slug"])
	require.Equal(t, "2026-01-01", got["from"])
	require.Equal(t, 47.36, got["value"])
	require.Equal(t, 50.0, got["threshold"])
	require.Equal(t, 2.64, got["gap_points"])
	// 50% × 7 980 000 − 3 780 000.
	require.Equal(t, "210000.00", got["gap_amount"])
	// July 100%, August 0%: the trend is at 0% by November. July to November bought 7 980 000, a mean
	// month of 1 596 000: December buys it, and the rest of November, 5 of its 30 days, a sixth of it
	// (266 000), all from others: the year ends at 3 780 000 / 9 842 000.
	require.Equal(t, 38.41, got["projected"])
	require.Equal(t, "off_track", got["status"])
	require.Equal(t, "trend", got["projection_basis"], "one year of data has no earlier season")
	require.Equal(t, "2026-12-31", got["deadline"])
	require.Equal(t, map[string]any{"category": "school-uniforms"}, got["scope"])
	require.Len(t, got["monthly"], 12)
	outlook := got["outlook"].([]any)
	require.Len(t, outlook, 1, "December is left")
	require.Equal(t, map[string]any{"month": "2026-12", "total": "1596000.00", "domestic": "0.00", "items": nil,
		"domestic_items": nil, "share": 0.0}, outlook[0])
	monthly := got["monthly"].([]any)
	require.Equal(t, map[string]any{"month": "2026-07", "total": "3780000.00", "domestic": "3780000.00",
		"local_content": "3175200.00", "items": 2.0, "domestic_items": 2.0, "share": 100.0}, monthly[7])
	require.Nil(t, monthly[0].(map[string]any)["share"], "December 2025 had no purchases: no share, not 0")

	got = getJSON(t, app, "/api/v1/targets")
	targets := got["targets"].([]any)
	require.Len(t, targets, 1)
	require.Equal(t, "school-uniforms", targets[0].(map[string]any)["category"])
}

// A count target's months and outlook are in its metric: a month's share of items, not of value, and the
// months to come estimated in items. They were the share by value and items written as tenge.
func TestTargetProgressByCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupBundle(t)
	producer := testfactory.Supplier(ctx, t, b.tx, &testfactory.SupplierOpts{NameRU: "ТОО «Шебер»", PortalProducer: true})
	reseller := testfactory.Supplier(ctx, t, b.tx, &testfactory.SupplierOpts{NameRU: "ТОО «Сауда»"})
	september := time.Date(2026, time.September, 10, 0, 0, 0, 0, time.UTC)
	for _, it := range []struct {
		supplier int64
		value    int64
		tier     tier.SupplierTier
	}{{producer, 100_00, tier.DomesticProducer}, {reseller, 900_00, tier.ResidentSupplier}} {
		c := testfactory.Contract(ctx, t, b.tx, &testfactory.ContractOpts{SupplierID: it.supplier, SignedOn: september,
			Total: it.value, BatchID: &b.batch})
		testfactory.Item(ctx, t, b.tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Value: it.value, Tier: it.tier})
	}
	_, err := store.New().TargetApply(ctx, b.tx, []share.Target{{Slug: "uniform-items", Names: share.Names{EN: "Items"},
		Filter: share.Filter{Category: "school-uniforms"}, Metric: share.MetricCount, Period: share.PeriodCalendarYear,
		Schedule: []share.Threshold{{EffectiveFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Value: 7000}}}})
	require.NoError(t, err)
	got := getJSON(t, serve(t, b.tx, today), "/api/v1/targets/uniform-items/progress?as_of=2026-11-25")
	sept := got["monthly"].([]any)[9].(map[string]any)
	require.Equal(t, "2026-09", sept["month"])
	require.Equal(t, "1000.00", sept["total"])
	require.Equal(t, 2.0, sept["items"])
	require.Equal(t, 1.0, sept["domestic_items"])
	require.Equal(t, 50.0, sept["share"], "one item of two; by value it is 10%")
	outlook := got["outlook"].([]any)
	require.Len(t, outlook, 1, "%v", got)
	december := outlook[0].(map[string]any)
	require.Nil(t, december["total"], "a count's outlook is in items")
	require.Nil(t, december["domestic"])
	require.IsType(t, 0.0, december["items"])
	require.Positive(t, december["items"].(float64))
}

func TestContractsPagination(t *testing.T) {
	t.Parallel()
	app := setup(t)
	page := getJSON(t, app, "/api/v1/contracts?from=2026-01-01&to=2026-12-31&limit=2")
	list := page["contracts"].([]any)
	require.Len(t, list, 2)
	require.Equal(t, "SU-2026-002", list[0].(map[string]any)["source_id"])
	require.Equal(t, "SU-2026-001", list[1].(map[string]any)["source_id"])
	require.NotEmpty(t, page["next_cursor"])
	page = getJSON(t, app, "/api/v1/contracts?from=2026-01-01&to=2026-12-31&limit=2&cursor="+page["next_cursor"].(string))
	list = page["contracts"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, "WW-2026-010", list[0].(map[string]any)["source_id"])
	require.Empty(t, page["next_cursor"])

	page = getJSON(t, app, "/api/v1/contracts?category=school-uniforms&from=2026-01-01&to=2026-12-31&domestic=false")
	list = page["contracts"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, "4200000.00", list[0].(map[string]any)["scope_value"])
}

func TestImports(t *testing.T) {
	t.Parallel()
	app := setup(t)
	got := getJSON(t, app, "/api/v1/imports")
	list := got["imports"].([]any)
	require.Len(t, list, 1)
	b := list[0].(map[string]any)
	require.Equal(t, "committed", b["status"])
	require.Equal(t, 4.0, b["read"])
	id := int(b["id"].(float64))
	got = getJSON(t, app, "/api/v1/imports/"+strconv.Itoa(id))
	require.Equal(t, "csv", got["import"].(map[string]any)["format"])
	require.Empty(t, got["errors"])
	status, _ := get(t, app, "/api/v1/imports/999999")
	require.Equal(t, 404, status)
}

func TestBadParameters(t *testing.T) {
	t.Parallel()
	app := setup(t)
	tests := []struct {
		url    string
		status int
		param  string
		reason string
	}{
		{"/api/v1/shares", 400, "category", "is required"},
		{"/api/v1/shares?category=School%20Uniforms", 400, "category", "not a category slug"},
		{"/api/v1/shares?category=hats", 400, "category", "not a known category"},
		{"/api/v1/shares?category=school-uniforms&from=2026-02-30", 400, "from", "not a date"},
		{"/api/v1/shares?category=school-uniforms&to=yesterday", 400, "to", "not a date"},
		{"/api/v1/shares?category=school-uniforms&from=2026-05-01&to=2026-04-01", 400, "to", "before from"},
		{"/api/v1/shares?category=school-uniforms&region=7", 400, "region", "not a region code"},
		{"/api/v1/shares?category=school-uniforms&region=751110000", 400, "region", "not a region code"},
		{"/api/v1/shares?category=school-uniforms&group_by=week", 400, "group_by", "not one of"},
		{"/api/v1/explore?sort=name", 400, "sort", "not one of"},
		{"/api/v1/targets/school-uniforms-50/progress?as_of=2026-11-26", 400, "as_of", "2026-11-26 is after today, 2026-11-25"},
		{"/api/v1/explore?dir=up", 400, "dir", "not asc or desc"},
		{"/api/v1/explore?threshold=150", 400, "threshold", "not a percentage"},
		{"/api/v1/explore?threshold=1e2", 400, "threshold", "not a percentage"},
		{"/api/v1/explore?threshold=40,5,1", 400, "threshold", "not a percentage"},
		{"/api/v1/explore?threshold=1,000.5", 400, "threshold", "not a percentage"},
		{"/api/v1/explore?after=bm90LWEtY3Vyc29y", 400, "after", "not a cursor"},
		{"/api/v1/explore?after=%%%", 400, "after", "not a cursor"},
		{"/api/v1/explore?tier=4", 400, "tier", "not a supplier tier"},
		{"/api/v1/explore?buyer=123", 400, "buyer", "not a BIN"},
		{"/api/v1/items.csv?from=2026-13-01", 400, "from", "not a date"},
		{"/api/v1/shares?category=school-uniforms&region=75,7", 400, "region", `"7" is not a region code`},
		{"/api/v1/shares?category=school-uniforms&region=75,99", 400, "region", `"99" is not a known region code`},
		{"/api/v1/explore?region=99", 400, "region", `"99" is not a known region code`},
		{"/api/v1/shares?category=school-uniforms&buyer_type=army", 400, "buyer_type", "not one of state_body"},
		{"/api/v1/shares?category=school-uniforms&region=" + manyRegions(51), 400, "region", "more than 50 values"},
		{"/api/v1/shares?category=school-uniforms&method=" + strings.Repeat("x", 201), 400, "method", "longer than 200"},
		{"/api/v1/targets/school-uniforms-50/progress?as_of=25.11.2026", 400, "as_of", "not a date"},
		{"/api/v1/targets/no-such-target/progress", 404, "", "not found"},
		{"/api/v1/targets/Bad_Slug/progress", 400, "slug", "not a target slug"},
		{"/api/v1/contracts?limit=0", 400, "limit", "from 1 to 500"},
		{"/api/v1/contracts?limit=501", 400, "limit", "from 1 to 500"},
		{"/api/v1/contracts?limit=ten", 400, "limit", "from 1 to 500"},
		{"/api/v1/contracts?cursor=not-a-cursor", 400, "cursor", "not a cursor"},
		{"/api/v1/contracts?cursor=MjAyNi0wMS0wMQ", 400, "cursor", "not a cursor"},
		{"/api/v1/contracts?domestic=maybe", 400, "domestic", "not true or false"},
		{"/api/v1/contracts?category=hats", 400, "category", "not a known category"},
		{"/api/v1/imports?before=-1", 400, "before", "not a positive whole number"},
		{"/api/v1/imports/abc", 400, "id", "not a positive whole number"},
		{"/api/v1/imports/1?after=x", 400, "after", "not a positive whole number"},
		// Text PostgreSQL refuses, in a parameter passed on to it as text, in another, in a name.
		{"/api/v1/shares?category=school-uniforms&method=%C0", 400, "method", "not UTF-8 text"},
		{"/api/v1/explore?supplier=%ED%A0%80", 400, "supplier", "not UTF-8 text"},
		{"/api/v1/contracts?supplier=%00", 400, "supplier", "not UTF-8 text"},
		{"/api/v1/items.csv?method=%00", 400, "method", "not UTF-8 text"},
		{"/api/v1/explore?from=2026-01-01%00", 400, "from", "not UTF-8 text"},
		{"/api/v1/explore?%FFx=1", 400, "?x", "not UTF-8 text"},
		{"/api/v1/no-such-answer?method=%00", 400, "method", "not UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			status, body := get(t, app, tt.url)
			require.Equal(t, tt.status, status, body)
			var e struct{ Error, Param string }
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			require.Equal(t, tt.param, e.Param)
			require.Contains(t, e.Error, tt.reason)
		})
	}
}

// Pages and reports refuse text PostgreSQL would refuse as the API does, in their own form.
func TestPagesRefuseBadText(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for _, u := range []string{"/explore?supplier=%00&lang=en", "/explore?method=%FF%FE&lang=en", "/?as_of=%C0&lang=en",
		"/reports/explore?format=csv&method=%00&lang=en"} {
		status, body := get(t, app, u)
		require.Equal(t, 400, status, u)
		require.Contains(t, body, "<!doctype html>", u)
		require.Contains(t, body, "is not UTF-8 text", u)
	}
	req := httptest.NewRequest("GET", "/reports/explore?format=csv&method=%00", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := app.Test(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 400, resp.StatusCode)
	require.JSONEq(t, `{"error":"method: is not UTF-8 text: it holds bytes no character is made of, or a NUL","param":"method"}`, string(body))
}

// A page says what is wrong with a parameter in its language; the API in English.
func TestPageParameterErrorsInTheirLanguage(t *testing.T) {
	t.Parallel()
	app := setup(t)
	for _, tc := range []struct{ url, want string }{
		{"/explore?threshold=150&lang=ru", "threshold: &#34;150&#34; — не процент от 0 до 100, например 50"},
		{"/explore?threshold=150&lang=kk", "threshold: &#34;150&#34; — пайыз емес: 0 мен 100 аралығында болуы керек, мысалы 50"},
		{"/explore?threshold=150&lang=en", "threshold: &#34;150&#34; is not a percentage from 0 to 100, e.g. 50"},
		{"/explore?group_by=week&lang=ru", "group_by: &#34;week&#34; — не одно из значений: "},
		{"/explore?supplier=%00&lang=kk", "supplier: UTF-8 мәтіні емес"},
		{"/reports/targets/school-uniforms-50?period=2026-Q5&format=pdf&lang=ru", "period: &#34;2026-Q5&#34;: нужен год (2026)"},
		{"/reports/targets/school-uniforms-50?period=2026&region=99&format=pdf&lang=kk", "region: өңір &#34;99&#34;: өңірдің екі таңбалы ҚАТО коды керек"},
	} {
		status, body := get(t, app, tc.url)
		require.Equal(t, 400, status, tc.url)
		require.Contains(t, body, tc.want, tc.url)
	}
	status, page := get(t, app, "/reports/targets/school-uniforms-50?period=2024&format=pdf&lang=ru")
	require.Equal(t, 422, status)
	require.Contains(t, page, "period: цель &#34;school-uniforms-50&#34;, с 2024-01-01 по 2024-12-31: учтённых закупок нет")
	status, page = get(t, app, "/targets/school-uniforms-50?as_of=2030-01-01&lang=kk")
	require.Equal(t, 400, status, "a page of a day to come would read as a target without purchases")
	require.Contains(t, page, "as_of: 2030-01-01 бүгінгі күннен, 2026-11-25, кейін")
	_, page = get(t, app, "/explore?threshold=150&lang=ru")
	require.Contains(t, page, "<h1>В адресе неверный параметр</h1>", "the title in the page's words too")
	status, body := get(t, app, "/api/v1/explore?threshold=150&lang=ru")
	require.Equal(t, 400, status)
	require.JSONEq(t, `{"error": "threshold: \"150\" is not a percentage from 0 to 100, e.g. 50", "param": "threshold"}`, body)
}

func TestPages(t *testing.T) {
	t.Parallel()
	app := setup(t)
	status, body := get(t, app, "/")
	require.Equal(t, 200, status)
	require.Contains(t, body, `href="/targets/school-uniforms-50?lang=en"`)
	require.Contains(t, body, "47.4%")
	require.Contains(t, body, `style="width: 47.4%"`)
	require.Contains(t, body, "off track")
	// July at 100 %, August at 0 %: the 8th and 9th of the twelve months ending in November, on a 120 × 32 box.
	require.Contains(t, body, `<polyline class="spark-line" points="76.4,0.0 87.3,32.0"/>`)
	require.Contains(t, body, `y1="16" y2="16"`, "the 50 % threshold halfway up")
	require.Contains(t, body, `<circle class="spark-dot" cx="87.27272727272727" cy="32" r="2"/>`, "the last month is marked")
	require.Contains(t, body, "2026-07 100.0%, 2026-08 0.0%", "the sparkline is read out")
	require.Contains(t, body, "<b>2.6&nbsp;points</b>Gap in points", "a gap in points, not in percent")

	status, body = get(t, app, "/?lang=kk")
	require.Equal(t, 200, status)
	require.Contains(t, body, "Мақсаттар")
	require.Contains(t, body, "<b>2,6&nbsp;п.т.</b>")

	status, body = get(t, app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=ru")
	require.Equal(t, 200, status)
	require.Contains(t, body, "город Алматы")
	require.Contains(t, body, "210\u00a0000\u00a0₸")
	require.Contains(t, body, "<b>2,6&nbsp;п.п.</b>Разрыв в п.п.")
	require.Contains(t, body, `id="trend-data"`)
	require.Contains(t, body, `"thresholds":[50,50,`, "the schedule is drawn month by month")
	require.Contains(t, body, `"projected":[null,null,null,null,null,null,null,null,null,null,null,null,0]`, "December is projected")
	require.Contains(t, body, "Прогноз: оставшиеся месяцы следуют тренду последних 12 месяцев.")
	require.Contains(t, body, "<dd>Все регионы</dd>", "the filter behind the figures is shown")
	require.Contains(t, body, "отечественные производители занимают не более 7% рынка", "the basis in the page's language")
	// Who pulls the share down: the reseller's buyer, with the 2 100 000 that had to go to producers for 50 %.
	require.Regexp(t, `Кто снижает долю[\s\S]*9[0-9]{11}[\s\S]*data-sort="210000000">2\x{00a0}100\x{00a0}000\x{00a0}₸`, body)
	require.Regexp(t, `Крупнейшие договоры не с производителями[\s\S]*SU-2026-002[\s\S]*ТОО «Мега Трейд»`, body)
	require.Contains(t, body, ">Государственный орган</a></td>", "buyer types are named in the page's language, and link to the explorer")
	require.Contains(t, body, "/static/vendor/chart-4.6.1.umd.min.js")
	require.Contains(t, body, `<td class="num" data-sort="378000000">`, "the region table sorts by exact tiyn")
	// The language switch keeps the page's other parameters.
	require.Contains(t, body, `href="/targets/school-uniforms-50?as_of=2026-11-25&amp;lang=kk"`)
	require.NotContains(t, body, "по сертификатам", "without certificates the certified figure is not shown")

	status, body = get(t, app, "/targets/nothing-here")
	require.Equal(t, 404, status)
	require.Contains(t, body, "<html")

	status, _ = get(t, app, "/static/vendor/chart-4.6.1.umd.min.js")
	require.Equal(t, 200, status)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	app := setup(t)
	status, body := get(t, app, "/healthz")
	require.Equal(t, 200, status)
	require.JSONEq(t, `{"status":"ok"}`, body)
	status, body = get(t, app, "/readyz")
	require.Equal(t, 200, status)
	require.JSONEq(t, `{"status":"ok"}`, body)
}

// The import history lists batches with their counts, a batch's page its bad records, and both offer the
// import template to download.
func TestImportPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	good := insertBatch(ctx, t, tx, batchRow{Format: "csv", Source: "../../docs/examples/items.csv", CreatedBy: "tester",
		Status: "committed", Read: 4, Loaded: 4})
	bad := filepath.Join(t.TempDir(), "bad.csv")
	failed := insertBatch(ctx, t, tx, batchRow{Format: "csv", Source: bad, CreatedBy: "tester", Status: "failed", Read: 1, Rejected: 1,
		Message: "ingest: too many bad records, nothing was imported: 1 bad records, --max-errors is 0",
		Errors:  [][2]string{{"bad.csv:2", `signed_on: "2016-13-01" is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)`}}})
	app := serve(t, tx, time.Now)

	status, body := get(t, app, "/imports?lang=ru")
	require.Equal(t, 200, status)
	require.Contains(t, body, `href="/imports/template.xlsx"`)
	require.Contains(t, body, `href="/imports/template.csv"`)
	require.Contains(t, body, `<td class="file">bad.csv</td>`)
	require.NotContains(t, body, bad, "no server path")
	require.Contains(t, body, "не выполнен", "the failed batch, in Russian")
	require.Contains(t, body, "сохранён")
	require.Less(t, strings.Index(body, "bad.csv"), strings.Index(body, "items.csv"), "newest first")
	require.NotContains(t, body, "Раньше", "one page only")

	status, body = get(t, app, "/imports/"+strconv.FormatInt(failed, 10))
	require.Equal(t, 200, status)
	require.Contains(t, body, "bad.csv:2")
	require.Contains(t, body, "signed_on")
	status, body = get(t, app, "/imports/"+strconv.FormatInt(good, 10))
	require.Equal(t, 200, status)
	require.Contains(t, body, "No bad records")
	require.Contains(t, body, "tester")

	for url, want := range map[string]int{"/imports/999999": 404, "/imports/abc": 400, "/imports?before=x": 400, "/imports/1?after=-2": 400} {
		status, body := get(t, app, url)
		require.Equal(t, want, status, url)
		require.Contains(t, body, "<html", "%s is answered with a page", url)
	}

	resp, err := app.Test(httptest.NewRequest("GET", "/imports/template.csv", nil))
	require.NoError(t, err)
	csvBody, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Disposition"), `attachment; filename="ules-template.csv"`)
	var want bytes.Buffer
	require.NoError(t, sheet.WriteTemplate(&want, "csv", false))
	require.Equal(t, want.String(), string(csvBody))

	resp, err = app.Test(httptest.NewRequest("GET", "/imports/template.xlsx", nil))
	require.NoError(t, err)
	xlsxBody, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", resp.Header.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(xlsxBody, []byte("PK")), "a workbook is a zip file")
}

// The history pages by 25 batches and a batch's bad records by 200, each page linking to the next.
func TestImportPagesPaginate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	// 26 failed imports of a file of 230 bad rows (lines 2 to 231).
	var errs [][2]string
	for line := 2; line <= 231; line++ {
		errs = append(errs, [2]string{fmt.Sprintf("bad.csv:%d", line), `signed_on: "2016-13-01" is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)`})
	}
	var ids []int64 // oldest first
	for range 26 {
		ids = append(ids, insertBatch(ctx, t, tx, batchRow{Format: "csv", Source: "/tmp/x/bad.csv", Status: "failed", Read: 230,
			Rejected: 230, Errors: errs}))
	}
	last := ids[len(ids)-1]
	app := serve(t, tx, time.Now)

	status, body := get(t, app, "/imports?lang=kk")
	require.Equal(t, 200, status)
	require.Equal(t, 25, strings.Count(body, `<td class="file">bad.csv</td>`), "25 batches a page")
	older := fmt.Sprintf(`href="/imports?lang=kk&amp;before=%d"`, ids[1]) // the 25th newest
	require.Contains(t, body, older)
	status, body = get(t, app, fmt.Sprintf("/imports?lang=kk&before=%d", ids[1]))
	require.Equal(t, 200, status)
	require.Equal(t, 1, strings.Count(body, `<td class="file">bad.csv</td>`), "the 26th batch on the second page")
	require.NotContains(t, body, "Ескілері", "no older page")
	// The API pages alike, and its last page names no next one: it had, whenever a page came out full.
	got := getJSON(t, app, "/api/v1/imports?limit=13")
	require.Len(t, got["imports"], 13)
	nextBefore := int64(got["next_before"].(float64))
	got = getJSON(t, app, fmt.Sprintf("/api/v1/imports?limit=13&before=%d", nextBefore))
	require.Len(t, got["imports"], 13)
	require.Nil(t, got["next_before"], "26 imports are two pages of 13")

	page := fmt.Sprintf("/imports/%d", last)
	status, body = get(t, app, page)
	require.Equal(t, 200, status)
	require.Equal(t, 200, strings.Count(body, "<tr><td><code>"), "200 bad records a page")
	require.Contains(t, body, "bad.csv:2<")
	require.NotContains(t, body, "bad.csv:202<")
	require.Regexp(t, `href="/imports/\d+\?after=\d+"`, body)
	next := regexp.MustCompile(`href="(/imports/\d+\?after=\d+)"`).FindStringSubmatch(body)[1]
	status, body = get(t, app, next)
	require.Equal(t, 200, status)
	require.Equal(t, 30, strings.Count(body, "<tr><td><code>"), "the other 30")
	require.Contains(t, body, "bad.csv:202<")
	require.Contains(t, body, "bad.csv:231<")
}
