package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
)

// registerProducer puts the example's domestic producer on the register for category (1 000 a year, in
// Almaty), with the 300 pieces each of its two items carry, a certificate of origin (90%), and a
// registered producer that never supplied anything and states no capacity. It returns the producer's BIN.
func registerProducer(t *testing.T, b bundle, category string) string {
	t.Helper()
	ctx := context.Background()
	var bin string
	require.NoError(t, b.tx.QueryRow(ctx, `SELECT identifier FROM suppliers WHERE name_ru = 'ТОО «Алатау Легпром»'`).Scan(&bin))
	_, err := b.tx.Exec(ctx, `INSERT INTO producer_register (bin, category_id, valid_from, capacity, capacity_unit, region, source)
		SELECT v.bin, (SELECT id FROM categories WHERE slug = $3), DATE '2020-01-01', v.cap, 'шт/год', v.region, 'МИО'
		FROM (VALUES ($1, 1000::numeric, '75'), ($2, NULL, NULL)) v (bin, cap, region)`, bin, "110000000099", category)
	require.NoError(t, err)
	_, err = b.tx.Exec(ctx, `UPDATE contract_items SET quantity = 300, unit = '796'
		WHERE contract_id IN (SELECT id FROM contracts WHERE supplier_id = (SELECT id FROM suppliers WHERE identifier = $1))`, bin)
	require.NoError(t, err)
	_, err = b.tx.Exec(ctx, `INSERT INTO origin_certificates (number, bin, enstru_prefix, local_content_bp, issued, expires)
		VALUES ('KZ 7500 2026 0000001', $1, '1413', 9000, DATE '2026-01-01', DATE '2026-12-31')`, bin)
	require.NoError(t, err)
	return bin
}

// contractsByID lists the example's contracts of 2026 by source id, as /api/v1/contracts gives them.
func contractsByID(t *testing.T, b bundle) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, k := range getJSON(t, b.app, "/api/v1/contracts?from=2026-01-01&to=2026-12-31")["contracts"].([]any) {
		out[k.(map[string]any)["source_id"].(string)] = k.(map[string]any)
	}
	return out
}

// requireError checks that u is answered with status and a JSON error naming param ("" for none).
func requireError(t *testing.T, b bundle, u string, status int, param string) {
	t.Helper()
	got, body := get(t, b.app, u)
	require.Equal(t, status, got, "%s: %s", u, body)
	if param == "" {
		require.JSONEq(t, `{"error":"not found"}`, body, u)
		return
	}
	require.Contains(t, body, `"param":"`+param+`"`, u)
}

// TestTargetAnswers: who could supply, who pulls the share down and the largest contracts to non-producers
// are the target page's tables as JSON, figure for figure.
func TestTargetAnswers(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	producer := registerProducer(t, b, "school-uniforms")
	const target = "/api/v1/targets/school-uniforms-50/"

	got := getJSON(t, b.app, target+"producers?as_of=2026-11-25&lang=ru")
	require.Equal(t, "2026-01-01", got["from"])
	require.Equal(t, "2026-11-25", got["to"])
	producers := got["producers"].([]any)
	require.Len(t, producers, 2)
	// 1 000 a year, 600 won: 400 spare, 60% load; the other states no capacity: nulls.
	require.Equal(t, map[string]any{"bin": producer, "supplier_id": producer, "name": "ТОО «Алатау Легпром»",
		"region": map[string]any{"code": "75", "name": "город Алматы"}, "capacity": "1000", "capacity_unit": "шт/год",
		"won_value": "3780000.00", "won_quantity": "600", "units_compared": true, "won_elsewhere": []any{},
		"won_items": 2.0, "spare": "400", "load": 60.0}, producers[0])
	idle := producers[1].(map[string]any)
	require.Equal(t, "110000000099", idle["bin"])
	for _, k := range []string{"supplier_id", "region", "capacity", "spare", "load"} {
		require.Nil(t, idle[k], k)
	}
	// The same as the store gives for the target's scope and period.
	scope := share.Scope{Filter: share.Filter{Category: "school-uniforms"}, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	caps, err := store.New().RegisterListCapacity(context.Background(), b.tx, scope, 20)
	require.NoError(t, err)
	require.Len(t, caps, 2)
	require.Equal(t, money.FormatMajor(caps[0].WonValue), producers[0].(map[string]any)["won_value"])
	require.Equal(t, caps[0].Spare(), producers[0].(map[string]any)["spare"])

	got = getJSON(t, b.app, target+"pulling-down?as_of=2026-11-25")
	require.Equal(t, 50.0, got["threshold"])
	buyers := got["buyers"].([]any)
	require.Len(t, buyers, 1, "only the reseller's buyer bought from others than producers")
	buyer := buyers[0].(map[string]any)
	reseller := contractsByID(t, b)["SU-2026-002"]
	require.Equal(t, reseller["buyer_bin"], buyer["bin"])
	require.Equal(t, "4200000.00", buyer["non_domestic"])
	require.Equal(t, 0.0, buyer["share"])
	require.Equal(t, "2100000.00", buyer["to_move"], "half of 4 200 000 had to go to producers for 50%")
	require.Equal(t, "4200000.00", buyer["figures"].(map[string]any)["total"])

	got = getJSON(t, b.app, target+"largest-contracts?as_of=2026-11-25")
	largest := got["contracts"].([]any)
	require.Len(t, largest, 1)
	require.Equal(t, "SU-2026-002", largest[0].(map[string]any)["source_id"])
	require.Equal(t, "4200000.00", largest[0].(map[string]any)["non_domestic_value"])
	require.Equal(t, reseller["id"], largest[0].(map[string]any)["id"])

	// The page shows the same figures, and links to them.
	status, page := get(t, b.app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=en")
	require.Equal(t, 200, status)
	require.Regexp(t, `ТОО «Алатау Легпром»[\s\S]*<td class="num" data-sort="1000">1,000 pcs/year</td>\s*`+
		`<td class="num" data-sort="378000000">3,780,000\x{00a0}₸ · 600</td>\s*<td class="num" data-sort="400">400</td>\s*`+
		`<td class="num" data-sort="6000">60.0%</td>`, page)
	require.Regexp(t, fmt.Sprintf(`%s</span></td><td class="num" data-sort="420000000">4,200,000\x{00a0}₸[\s\S]*2,100,000\x{00a0}₸`, buyer["bin"]), page)
	for _, api := range []string{"producers", "pulling-down", "largest-contracts"} {
		require.Contains(t, page, `href="`+target+api+`?as_of=2026-11-25"`)
	}
	// Quantities in the reader's language; the columns sort by the numbers, not their text.
	_, page = get(t, b.app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=ru")
	require.Contains(t, page, `<td class="num" data-sort="1000">1`+"\u00a0"+`000 шт/год</td>`)
	_, page = get(t, b.app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=kk")
	require.Contains(t, page, `<td class="num" data-sort="1000">1`+"\u00a0"+`000 дана/жыл</td>`, "the register's unit in the reader's language")

	// Won in another unit than the capacity's: beside it, out of the spare capacity.
	_, err = b.tx.Exec(context.Background(), `UPDATE contract_items SET unit = '839' WHERE (contract_id, source_id) =
		(SELECT contract_id, min(source_id) FROM contract_items WHERE unit = '796' GROUP BY contract_id LIMIT 1)`)
	require.NoError(t, err)
	app := serve(t, b.tx, today)
	got = getJSON(t, app, target+"producers?as_of=2026-11-25")
	first := got["producers"].([]any)[0].(map[string]any)
	require.Equal(t, "300", first["won_quantity"])
	require.Equal(t, []any{map[string]any{"quantity": "300", "unit": "839"}}, first["won_elsewhere"])
	require.Equal(t, "700", first["spare"])
	_, page = get(t, app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=ru")
	require.Regexp(t, `3\x{00a0}780\x{00a0}000\x{00a0}₸ · 300<br><span class="muted" title="[^"]+">\+ 300 компл.</span></td>`, page)
	_, err = b.tx.Exec(context.Background(), `UPDATE producer_register SET capacity_unit = 'погонных ярдов' WHERE capacity IS NOT NULL`)
	require.NoError(t, err)
	_, page = get(t, serve(t, b.tx, today), "/targets/school-uniforms-50?as_of=2026-11-25&lang=en")
	require.Regexp(t, `3,780,000\x{00a0}₸ · 600 <span class="muted" title="[^"]+">units not compared</span></td>`, page)

	for _, api := range []string{"producers", "pulling-down", "largest-contracts"} {
		requireError(t, b, "/api/v1/targets/no-such-target/"+api, 404, "")
		requireError(t, b, target+api+"?as_of=2026-02-30", 400, "as_of")
		requireError(t, b, target+api+"?limit=0", 400, "limit")
		requireError(t, b, "/api/v1/targets/Bad_Slug/"+api, 400, "slug")
	}
	// Before the period starts there is nothing yet: empty lists, not errors.
	got = getJSON(t, b.app, target+"producers?as_of=2015-06-01")
	require.Empty(t, got["producers"])
}

// TestBuyerAndSupplierAnswers: a buyer's and a supplier's pages as JSON, with the pages' period and the
// same figures; the supplier's dossier holds its tier by year, register entries and certificates.
func TestBuyerAndSupplierAnswers(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	producer := registerProducer(t, b, "school-uniforms")
	reseller := contractsByID(t, b)["SU-2026-002"]
	bin := reseller["buyer_bin"].(string)

	got := getJSON(t, b.app, "/api/v1/buyers/"+bin+"?from=2026-01-01&to=2026-12-31&lang=en")
	require.Equal(t, bin, got["bin"])
	require.Equal(t, "2026-01-01", got["from"])
	require.Equal(t, "4200000.00", got["figures"].(map[string]any)["total"])
	require.Equal(t, 0.0, got["figures"].(map[string]any)["domestic_share"])
	require.Equal(t, "school-uniforms", got["categories"].([]any)[0].(map[string]any)["key"])
	require.Equal(t, "", got["next_cursor"])
	contracts := got["contracts"].([]any)
	require.Len(t, contracts, 1)
	require.Equal(t, reseller, contracts[0], "a contract as /api/v1/contracts gives it")
	status, page := get(t, b.app, "/buyers/"+bin+"?from=2026-01-01&to=2026-12-31&lang=en")
	require.Equal(t, 200, status)
	require.Contains(t, page, "<b>4,200,000\u00a0₸</b>Purchases")
	require.Contains(t, page, `href="/api/v1/buyers/`+bin+`?from=2026-01-01&amp;to=2026-12-31"`)
	// Another period: nothing.
	got = getJSON(t, b.app, "/api/v1/buyers/"+bin+"?from=2025-01-01&to=2025-12-31")
	require.Equal(t, "0.00", got["figures"].(map[string]any)["total"])
	require.Empty(t, got["contracts"])

	got = getJSON(t, b.app, "/api/v1/suppliers/"+producer+"?from=2026-01-01&to=2026-12-31&lang=ru")
	require.Equal(t, producer, got["id"])
	require.Equal(t, producer, got["bin"])
	require.Equal(t, true, got["portal_producer"])
	require.Equal(t, []any{map[string]any{"year": 2026.0, "tier": 1.0, "rule": producerRule(), "items": 2.0,
		"value": "3780000.00"}}, got["tiers"])
	register := got["register"].([]any)
	require.Len(t, register, 1)
	require.Equal(t, map[string]any{"enstru_prefix": "", "category": "school-uniforms", "valid_from": "2020-01-01", "valid_to": nil,
		"capacity": "1000", "capacity_unit": "шт/год", "source": "МИО", "region": map[string]any{"code": "75", "name": "город Алматы"}},
		register[0])
	require.Equal(t, []any{map[string]any{"number": "KZ 7500 2026 0000001", "enstru_prefix": "1413", "local_content": 90.0,
		"issued": "2026-01-01", "expires": "2026-12-31"}}, got["certificates"])
	require.Equal(t, "3780000.00", got["figures"].(map[string]any)["domestic"])
	require.Len(t, got["contracts"], 1)
	status, page = get(t, b.app, "/suppliers/"+producer+"?from=2026-01-01&to=2026-12-31&lang=en")
	require.Equal(t, 200, status)
	require.Contains(t, page, "<b>3,780,000\u00a0₸</b>From domestic producers")
	require.Contains(t, page, `href="/api/v1/suppliers/`+producer+`?from=2026-01-01&amp;to=2026-12-31"`)
	_, page = get(t, b.app, "/suppliers/"+producer+"?from=2026-01-01&to=2026-12-31&lang=ru")
	require.Contains(t, page, "<tr><td>Школьная форма</td>", "the register's category by name, not its slug")
	require.Contains(t, page, `<th scope="col">ЕНС ТРУ</th>`)

	requireError(t, b, "/api/v1/buyers/123", 400, "bin")
	requireError(t, b, "/api/v1/buyers/999999999999", 404, "")
	requireError(t, b, "/api/v1/buyers/"+bin+"?from=2026-02-30", 400, "from")
	requireError(t, b, "/api/v1/buyers/"+bin+"?cursor=zzz", 400, "cursor")
	requireError(t, b, "/api/v1/buyers/"+bin+"?category=hats", 400, "category")
	requireError(t, b, "/api/v1/suppliers/no-such-supplier", 404, "")
	requireError(t, b, "/api/v1/suppliers/"+strings.Repeat("9", 65), 400, "id")
	requireError(t, b, "/api/v1/suppliers/"+producer+"?to=2025-01-01&from=2026-01-01", 400, "to")
}

// TestPartyContractsPaginate: a buyer with more contracts than a page holds; the JSON's cursor and the
// page's pager walk the same contracts, and the pager swaps the contracts in place with htmx.
func TestPartyContractsPaginate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	buyer := testfactory.Buyer(ctx, t, tx, nil)
	var bin string
	require.NoError(t, tx.QueryRow(ctx, `SELECT bin FROM buyers WHERE id = $1`, buyer).Scan(&bin))
	for d := range 27 {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{BuyerID: buyer, SourceID: fmt.Sprintf("P-%02d", d),
			SignedOn: time.Date(2026, 3, 1+d, 0, 0, 0, 0, time.UTC)}, testfactory.ItemOpts{Category: "footwear", Value: 1_000_00})
	}
	app := serve(t, tx, today)

	first := getJSON(t, app, "/api/v1/buyers/"+bin+"?from=2026-01-01&to=2026-12-31")
	require.Len(t, first["contracts"], 25)
	require.Equal(t, "P-26", first["contracts"].([]any)[0].(map[string]any)["source_id"])
	cursor := first["next_cursor"].(string)
	require.NotEmpty(t, cursor)
	second := getJSON(t, app, "/api/v1/buyers/"+bin+"?from=2026-01-01&to=2026-12-31&cursor="+cursor)
	require.Len(t, second["contracts"], 2)
	require.Equal(t, "P-00", second["contracts"].([]any)[1].(map[string]any)["source_id"])
	require.Equal(t, "", second["next_cursor"])

	_, page := get(t, app, "/buyers/"+bin+"?from=2026-01-01&to=2026-12-31&lang=en")
	next := regexp.MustCompile(`<a href="([^"]+)" hx-get="([^"]+)" rel="next">`).FindStringSubmatch(page)
	require.NotNil(t, next, "the pager's link swaps the contracts in place")
	require.Equal(t, next[1], next[2])
	require.Contains(t, page, `id="party-contracts" hx-target="#party-contracts" hx-select="#party-contracts"`)
	link, err := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
	require.NoError(t, err)
	require.Equal(t, cursor, link.Query().Get("cursor"), "the page's next page is the JSON's")
	_, page = get(t, app, link.String())
	require.Contains(t, page, "P-00")
	require.NotContains(t, page, "P-26")
	require.Regexp(t, `<a href="[^"]+" hx-get="[^"]+">« First page</a>`, page)
}

// TestContractAnswer: the contract's page as JSON, its items with category, tier, rule and local content.
func TestContractAnswer(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	registerProducer(t, b, "school-uniforms")
	k := contractsByID(t, b)["SU-2026-001"]
	got := getJSON(t, b.app, fmt.Sprintf("/api/v1/contracts/%v?lang=ru", k["id"]))
	for _, f := range []string{"id", "source_id", "signed_on", "total", "buyer_bin", "supplier_id", "supplier_name", "local_content_published"} {
		require.Equal(t, k[f], got[f], f)
	}
	require.Equal(t, true, got["counted"])
	require.Nil(t, got["not_counted"])
	require.Equal(t, "KZT", got["contract_currency"])
	require.Equal(t, "Не указан (считается заключённым)", got["status_name"])
	require.Equal(t, "Not stated (taken as concluded)", getJSON(t, b.app, fmt.Sprintf("/api/v1/contracts/%v?lang=en", k["id"]))["status_name"], "in the language asked")
	items := got["items"].([]any)
	require.Len(t, items, 2)
	var values []string
	for _, it := range items {
		it := it.(map[string]any)
		require.Equal(t, "school-uniforms", it["category"])
		require.Equal(t, 1.0, it["tier"])
		require.Equal(t, producerRule(), it["rule"])
		require.Equal(t, 84.0, it["local_content_published"])
		require.Equal(t, "300", it["quantity"])
		values = append(values, it["value"].(string))
	}
	require.ElementsMatch(t, []string{"1800000.00", "1980000.00"}, values)

	c, err := store.New().ContractGet(context.Background(), b.tx, int64(k["id"].(float64)))
	require.NoError(t, err)
	require.Equal(t, percentOf(c.LocalContentCertified()), got["local_content_certified"], "as the store works it out")
	// A unit given as its code reads by its name in the reader's language; a code the classifier table
	// does not hold reads apart from the quantity.
	_, err = b.tx.Exec(context.Background(), `UPDATE contract_items SET unit = CASE WHEN value = 180000000 THEN '839' ELSE '5111' END
		WHERE contract_id = $1`, int64(k["id"].(float64)))
	require.NoError(t, err)
	_, err = b.tx.Exec(context.Background(), "UPDATE contracts SET method = '2' WHERE id = $1", int64(k["id"].(float64)))
	require.NoError(t, err)
	status, page := get(t, b.app, fmt.Sprintf("/contracts/%v?lang=en", k["id"]))
	require.Equal(t, 200, status)
	require.Contains(t, page, fmt.Sprintf(`href="/api/v1/contracts/%v"`, k["id"]))
	require.Contains(t, page, "Not stated (taken as concluded)")
	require.Contains(t, page, `<td class="num">300 sets</td>`)
	require.Contains(t, page, `<td class="num">300 <span class="muted">(unit code 5111)</span></td>`)
	require.Contains(t, page, "<dd>a spreadsheet (CSV or XLSX) · <a", "the source by name")
	_, kk := get(t, b.app, fmt.Sprintf("/contracts/%v?lang=kk", k["id"]))
	require.Contains(t, kk, `<td class="num">300 жиынтық</td>`)
	// Names, not codes, in the reader's language: the category and the item's region.
	require.Contains(t, page, "<td>School uniforms</td>")
	require.NotContains(t, page, "<td>school-uniforms</td>")
	require.Contains(t, page, `Open competition <span class="muted">(2)</span>`, "the portal's method by name, its code beside it")
	require.Contains(t, kk, `Ашық конкурс <span class="muted">(2)</span>`)

	requireError(t, b, "/api/v1/contracts/abc", 400, "id")
	requireError(t, b, "/api/v1/contracts/999999999", 404, "")
}

func percentOf(bp int64) float64 { return float64(bp) / 100 }

// producerRule is the rule the factories give a domestic producer's items.
func producerRule() string {
	for _, r := range tier.Rules {
		if r.Tier() == tier.DomesticProducer {
			return string(r)
		}
	}
	return ""
}
