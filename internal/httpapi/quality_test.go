package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
)

func TestQualityPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	signed := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	// Published 84 %, while no certificate stands behind it: 0 % by certificates.
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "LC-84", SignedOn: signed, Total: 1_000_00,
		LocalContentPublished: testfactory.Ptr[int32](8400)},
		testfactory.ItemOpts{Category: "footwear", Value: 1_000_00, Tier: tier.DomesticProducer})
	// Published 3 %, certified none: within 5 points, not reported.
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "LC-3", SignedOn: signed, Total: 1_000_00,
		LocalContentPublished: testfactory.Ptr[int32](300)},
		testfactory.ItemOpts{Category: "footwear", Value: 1_000_00})
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: signed},
		testfactory.ItemOpts{Value: 7_000_00, Name: "Насос центробежный"})
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: signed, Status: "330", Total: 5_000_00},
		testfactory.ItemOpts{Category: "footwear", Value: 5_000_00})
	// OCDS's coarse method counts, but no target scoped to the portal's methods sees it; the portal's open
	// tender (2) is known, and a contract no figure counts is not listed whatever its method.
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "OCDS-1", SignedOn: signed, Method: "open", Total: 2_500_00},
		testfactory.ItemOpts{Category: "footwear", Value: 2_500_00})
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: signed, Method: "2", Total: 9_000_00},
		testfactory.ItemOpts{Category: "footwear", Value: 9_000_00})
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: signed, Method: "limited", Status: "330", Total: 4_000_00},
		testfactory.ItemOpts{Category: "footwear", Value: 4_000_00})
	app := serve(t, tx, today)

	status, body := get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Regexp(t, `a method the portal does not have[\s\S]*<a href="/explore\?method=open&amp;group_by=buyer&amp;from=2026-01-01&amp;to=2026-12-31&amp;lang=en">open</a></td><td class="num">1</td><td class="num">2,500\x{00a0}₸`, body)
	require.Contains(t, body, "<td>(not stated)</td>", "the test's other contracts name no method")
	require.NotContains(t, body, ">limited<", "a contract that does not count is not listed")
	unknown := getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31")["unknown_methods"].([]any)
	methods := map[string]any{}
	for _, u := range unknown {
		methods[u.(map[string]any)["method"].(string)] = u
	}
	require.Equal(t, map[string]any{"method": "open", "contracts": 1.0, "total": "2500.00"}, methods["open"])
	require.Contains(t, methods, "")
	require.NotContains(t, methods, "2", "the portal's code is known")
	require.NotContains(t, methods, "limited")
	got := getJSON(t, app, "/api/v1/explore?method=open&from=2026-01-01&to=2026-12-31&group_by=buyer")
	require.Equal(t, "2500.00", got["total"].(map[string]any)["total"], "the page's link finds them in the explorer")
	require.Regexp(t, `differs from the certificates <span class="muted">\(1\)</span>[\s\S]*LC-84[\s\S]*84.0%[\s\S]*0.0%`, body)
	require.NotContains(t, body, "LC-3")
	require.Regexp(t, `no category rule matched <span class="muted">\(1\)</span>[\s\S]*Насос центробежный`, body)
	require.Regexp(t, `its status does not count</td><td>330 Not concluded</td><td class="num">2</td><td class="num">9,000\x{00a0}₸`, body)

	got = getJSON(t, app, "/api/v1/explore?category=none&from=2026-01-01&to=2026-12-31&group_by=category")
	require.Equal(t, "7000.00", got["total"].(map[string]any)["total"], "the explorer filters on items no rule matched")
	status, body = get(t, app, "/api/v1/items.csv?category=none&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status)
	require.Contains(t, body, "Насос центробежный")
	require.Equal(t, 2, strings.Count(body, "\n"))

	status, body = get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31&points=1")
	require.Equal(t, 200, status)
	require.Contains(t, body, "LC-3", "a lower threshold reports the smaller difference")

	for _, bad := range []string{"/quality?points=200", "/quality?batch=x", "/quality?from=2026-02-31"} {
		status, _ = get(t, app, bad)
		require.Equal(t, 400, status, bad)
	}

	// The same lists as JSON, with the page's parameters; the page links to them.
	status, body = get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status)
	require.Contains(t, body, `href="/api/v1/quality?from=2026-01-01&amp;points=5.0&amp;to=2026-12-31"`)
	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&points=5.0")
	require.Equal(t, 5.0, got["points"])
	require.Equal(t, 1.0, got["mismatch_count"])
	mismatch := got["mismatches"].([]any)[0].(map[string]any)
	require.Equal(t, "LC-84", mismatch["source_id"])
	require.Equal(t, 84.0, mismatch["local_content_published"])
	require.Equal(t, 0.0, mismatch["local_content_certified"])
	require.Equal(t, "1000.00", mismatch["total"])
	require.Equal(t, 1.0, got["unclassified_count"])
	require.Equal(t, []any{map[string]any{"enstru_code": got["unclassified"].([]any)[0].(map[string]any)["enstru_code"],
		"name": "Насос центробежный", "items": 1.0, "value": "7000.00"}}, got["unclassified"])
	notCounted := got["not_counted"].([]any)
	require.Len(t, notCounted, 1)
	require.Equal(t, "status", notCounted[0].(map[string]any)["reason"])
	require.Equal(t, "330", notCounted[0].(map[string]any)["status"])
	require.Equal(t, "Not concluded", notCounted[0].(map[string]any)["status_name"])
	require.Equal(t, "9000.00", notCounted[0].(map[string]any)["total"])
	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&points=1&limit=1")
	require.Equal(t, 2.0, got["mismatch_count"], "the count is of all, the list up to limit")
	require.Len(t, got["mismatches"], 1)
	status, _ = get(t, app, "/quality?batch=999999&lang=en")
	require.Equal(t, 404, status, "an import that does not exist")
	status, body = get(t, app, "/api/v1/quality?batch=999999")
	require.Equal(t, 404, status)
	require.JSONEq(t, `{"error":"not found"}`, body)
	for bad, param := range map[string]string{"/api/v1/quality?points=200": "points", "/api/v1/quality?batch=x": "batch",
		"/api/v1/quality?from=2026-02-31": "from", "/api/v1/quality?limit=501": "limit"} {
		status, body = get(t, app, bad)
		require.Equal(t, 400, status, bad)
		require.Contains(t, body, `"param":"`+param+`"`, bad)
	}
}

// The quality lists are paged: 120 mismatching contracts, 50 a page on the page and any limit in the API,
// the largest difference first; links keep the rest of the query; a page past the end still counts all.
func TestQualityListsPaged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	signed := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	for i := range 120 { // LC-001 the smallest total, so the largest difference comes last
		v := int64(i+1) * 1_000_00
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: fmt.Sprintf("LC-%03d", i+1), SignedOn: signed, Total: v,
			LocalContentPublished: testfactory.Ptr[int32](8400)},
			testfactory.ItemOpts{Category: "footwear", Value: v})
	}
	app := serve(t, tx, today)

	status, body := get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Contains(t, body, "LC-120")
	require.Contains(t, body, "LC-071")
	require.NotContains(t, body, "LC-070")
	require.Contains(t, body, "1–50 / 120")
	require.Contains(t, body, `href="/quality?from=2026-01-01&amp;lang=en&amp;mismatches_page=2&amp;to=2026-12-31" rel="next"`)
	require.NotContains(t, body, `rel="prev"`)

	status, body = get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31&mismatches_page=3")
	require.Equal(t, 200, status, body)
	require.Contains(t, body, "101–120 / 120")
	require.Contains(t, body, "LC-001")
	require.NotContains(t, body, "LC-021")
	require.Contains(t, body, `mismatches_page=2&amp;to=2026-12-31" rel="prev"`)
	require.NotContains(t, body, `rel="next"`)
	require.Contains(t, body, `href="/api/v1/quality?from=2026-01-01&amp;mismatches_page=3&amp;points=5.0&amp;to=2026-12-31"`)

	got := getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&limit=7&mismatches_page=2")
	require.Equal(t, 2.0, got["mismatches_page"])
	require.Equal(t, 120.0, got["mismatch_count"])
	var ids []string
	for _, m := range got["mismatches"].([]any) {
		ids = append(ids, m.(map[string]any)["source_id"].(string))
	}
	require.Equal(t, []string{"LC-113", "LC-112", "LC-111", "LC-110", "LC-109", "LC-108", "LC-107"}, ids)

	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&mismatches_page=9")
	require.Empty(t, got["mismatches"])
	require.Equal(t, 120.0, got["mismatch_count"], "past the last page the count is still of all")
	status, body = get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31&mismatches_page=9")
	require.Equal(t, 200, status)
	require.Contains(t, body, "0 / 120")
	require.Contains(t, body, `mismatches_page=3&amp;to=2026-12-31" rel="prev"`, "back to the last page")

	// The unclassified items, three kinds, two a page: the second page holds the smallest.
	for i, name := range []string{"Насос", "Кабель", "Труба"} {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: signed},
			testfactory.ItemOpts{Value: int64(3-i) * 1_000_00, Name: name})
	}
	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&limit=2&unclassified_page=2")
	require.Equal(t, 3.0, got["unclassified_count"])
	require.Len(t, got["unclassified"], 1)
	require.Equal(t, "Труба", got["unclassified"].([]any)[0].(map[string]any)["name"])
	status, body = get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status)
	require.Contains(t, body, "1–3 / 3", "fifty a page on the page")

	for _, bad := range []string{"mismatches_page=0", "mismatches_page=x", "unclassified_page=-1", "unclassified_page=1000001"} {
		for _, path := range []string{"/quality?", "/api/v1/quality?"} {
			status, body = get(t, app, path+bad)
			require.Equal(t, 400, status, path+bad)
			if strings.HasPrefix(path, "/api") {
				require.Contains(t, body, `"param":"`+strings.Split(bad, "=")[0]+`"`, bad)
			}
		}
	}
}

// Counted contracts of one buyer, supplier and signing date from two sources are listed together, with
// what may count twice: their sum less the largest sum one source holds. The same source, another day, or a
// contract that does not count makes no row. An import's page lists the rows one of whose contracts it wrote.
func TestQualityContractsInTwoSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	var batch int64
	require.NoError(t, tx.QueryRow(ctx, `INSERT INTO import_batches (format, source_name, status, finished_at)
		VALUES ('csv', 'copy.csv', 'committed', now()) RETURNING id`).Scan(&batch))
	buyer := testfactory.Buyer(ctx, t, tx, nil)
	supplier := testfactory.Supplier(ctx, t, tx, nil)
	signed := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	purchase := func(source, id string, on time.Time, total int64, status string, batch *int64) {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{Source: source, SourceID: id, BuyerID: buyer, SupplierID: supplier,
			SignedOn: on, Total: total, Status: status, BatchID: batch},
			testfactory.ItemOpts{Category: "footwear", Value: total})
	}
	app := serve(t, tx, today)
	got := getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31")
	require.Equal(t, 0.0, got["two_sources_count"], "nothing stored")

	purchase("portal", "9001", signed, 3_000_00, "190", nil)
	purchase("csv", "UNI-1", signed, 2_800_00, "", &batch) // the same contract, less a discount the portal shows
	purchase("portal", "9002", signed.AddDate(0, 0, 1), 1_000_00, "190", nil)
	purchase("csv", "UNI-2", signed.AddDate(0, 0, 2), 1_000_00, "", nil) // another day
	purchase("portal", "9003", signed.AddDate(0, 0, 3), 1_000_00, "330", nil)
	purchase("csv", "UNI-3", signed.AddDate(0, 0, 3), 1_000_00, "", nil) // the portal's does not count
	purchase("csv", "UNI-4", signed.AddDate(0, 0, 4), 500_00, "", nil)
	purchase("csv", "UNI-5", signed.AddDate(0, 0, 4), 500_00, "", nil) // one source: two contracts of a day
	// Three of one day: the spreadsheet's two (700 + 300) beside the portal's 900 may count 900 twice.
	purchase("portal", "9006", signed.AddDate(0, 0, 5), 900_00, "190", nil)
	purchase("csv", "UNI-6a", signed.AddDate(0, 0, 5), 700_00, "", nil)
	purchase("csv", "UNI-6b", signed.AddDate(0, 0, 5), 300_00, "", nil)

	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31")
	require.Equal(t, 2.0, got["two_sources_count"])
	require.Equal(t, "3700.00", got["twice_total"])
	rows := got["two_sources"].([]any)
	first := rows[0].(map[string]any)
	require.Equal(t, "2026-05-04", first["signed_on"])
	require.Equal(t, "2800.00", first["twice"])
	ref := func(k any) string {
		m := k.(map[string]any)
		return fmt.Sprintf("%s %s %s", m["source"], m["source_id"], m["total"])
	}
	var refs []string
	for _, k := range first["contracts"].([]any) {
		refs = append(refs, ref(k))
	}
	require.Equal(t, []string{"csv UNI-1 2800.00", "portal 9001 3000.00"}, refs)
	second := rows[1].(map[string]any)
	require.Equal(t, "900.00", second["twice"])
	require.Len(t, second["contracts"], 3)

	status, body := get(t, app, "/quality?lang=en&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Regexp(t, `two sources may both hold <span class="muted">\(2\)</span>[\s\S]*Up to 3,700\x{00a0}₸ may be counted twice\.[\s\S]*UNI-1</a> <span class="muted">a spreadsheet \(CSV or XLSX\)</span> 2,800\x{00a0}₸</li><li><a href="/contracts/\d+\?lang=en">9001</a> <span class="muted">the procurement portal</span> 3,000\x{00a0}₸</li></ul></td><td class="num">2,800\x{00a0}₸`, body)
	status, body = get(t, app, "/quality?lang=ru&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Contains(t, body, "До 3\u00a0700\u00a0₸ может быть учтено дважды.")

	got = getJSON(t, app, fmt.Sprintf("/api/v1/quality?from=2026-01-01&to=2026-12-31&batch=%d", batch))
	require.Equal(t, 1.0, got["two_sources_count"], "the import wrote one contract of one row")
	require.Equal(t, "2800.00", got["twice_total"])
	got = getJSON(t, app, "/api/v1/quality?from=2026-05-10&to=2026-12-31")
	require.Equal(t, 0.0, got["two_sources_count"], "outside the period")
	require.Equal(t, "0.00", got["twice_total"])
	require.Empty(t, got["two_sources"])
	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&limit=1&two_sources_page=2")
	require.Equal(t, "900.00", got["two_sources"].([]any)[0].(map[string]any)["twice"])
	got = getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31&two_sources_page=3")
	require.Equal(t, 2.0, got["two_sources_count"], "past the last page the count is still of all")
	require.Equal(t, "3700.00", got["twice_total"])
	for _, bad := range []string{"two_sources_page=0", "two_sources_page=x"} {
		status, body = get(t, app, "/api/v1/quality?"+bad)
		require.Equal(t, 400, status, bad)
		require.Contains(t, body, `"param":"two_sources_page"`)
	}
}
