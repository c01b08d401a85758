package ingest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/tier"
)

// The rollup answers exactly what the items answer, after every kind of import and after the writes that
// change what counts without an import: every grouping and filter (by buyer and supplier from its
// contracts), periods on and off month boundaries, and contracts whose items fall in several cells counted
// once.
func TestRollupEqualsTheItems(t *testing.T) {
	t.Parallel()
	e := setup(t)
	dir := t.TempDir()
	_, err := demo.Generate(e.ctx, dir, demo.Options{Seed: 5, Items: 1500})
	require.NoError(t, err)

	steps := []struct {
		name string
		do   func(t *testing.T)
	}{
		{"csv, a contract's items in two regions", func(t *testing.T) { e.mustImport(t, "csv", "testdata/items.csv") }},
		{"portal", func(t *testing.T) { e.mustImport(t, "portal", "testdata/portal-small") }},
		{"portal again, replacing versions", func(t *testing.T) { e.mustImport(t, "portal", "testdata/portal-update") }},
		{"portal, a deleted contract in force beside a live one", func(t *testing.T) {
			deleted, deletedUnit := portalContract(7001, 190, 5000, `, "deleted": 1`)
			live, liveUnit := portalContract(7002, 190, 7000, "")
			_, err := e.importPortal(t, writeTree(t, portalTree([]string{deleted, live}, []string{deletedUnit, liveUnit})), 0)
			require.NoError(t, err)
		}},
		{"register", func(t *testing.T) { e.mustImport(t, ingest.FormatRegister, "testdata/ref-register.csv") }},
		{"certificates", func(t *testing.T) { e.mustImport(t, ingest.FormatCertificates, "testdata/ref-certificates.csv") }},
		{"demo export", func(t *testing.T) { e.mustImport(t, "portal", dir) }},
		{"certificates behind a contract that publishes its local content", func(t *testing.T) {
			e.exec(t, `UPDATE contract_items SET local_content_certified_value = value WHERE contract_id = (
				SELECT c.id FROM contracts c JOIN contract_statuses s ON s.code = c.status
				WHERE c.local_content_published_bp IS NOT NULL AND NOT c.deleted AND s.counts = 'value' ORDER BY c.id LIMIT 1)`)
		}},
		{"a buyer changes type", func(t *testing.T) {
			e.exec(t, `UPDATE buyers SET buyer_type = 'defence' WHERE id = (SELECT buyer_id FROM contracts ORDER BY id LIMIT 1)`)
		}},
		{"a status stops counting", func(t *testing.T) {
			e.exec(t, `UPDATE contract_statuses SET counts = 'none' WHERE code = (
				SELECT status FROM contracts c JOIN contract_statuses s ON s.code = c.status WHERE s.counts <> 'none' LIMIT 1)`)
		}},
		{"an item is deleted and another moves category", func(t *testing.T) {
			e.exec(t, `DELETE FROM contract_items WHERE (contract_id, source_id) = (SELECT contract_id, source_id FROM contract_items ORDER BY 1, 2 LIMIT 1)`)
			e.exec(t, `UPDATE contract_items SET category_id = NULL WHERE (contract_id, source_id) = (
				SELECT contract_id, source_id FROM contract_items WHERE category_id IS NOT NULL ORDER BY 1 DESC, 2 LIMIT 1)`)
		}},
	}
	for _, step := range steps {
		step.do(t)
		var dirty int
		require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(*) FROM share_rollup_dirty").Scan(&dirty))
		if dirty > 0 { // a write outside an import: what the next import would do
			_, err := e.pool.Exec(e.ctx, "SELECT share_rollup_refresh()")
			require.NoError(t, err)
		}
		requireRollupEqualsItems(t, e.ctx, e, step.name)
	}
	var spans int
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(DISTINCT contract_id) FROM share_rollup_spans").Scan(&spans))
	require.Positive(t, spans, "some contract has items in several cells")
	all := [2]time.Time{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	require.Positive(t, requireMismatchesFromTheRollup(t, e.ctx, e, "all", all), "some contract publishes local content and has certified items")
}

// requireMismatchesFromTheRollup checks the data-quality list of contracts whose local content differs from
// the certificates, read from the rollup's contracts, against the same list read from the items, as while
// the rollup is not whole. With no smallest difference it lists every counted contract that publishes its
// local content; it returns those with certified local content.
func requireMismatchesFromTheRollup(t *testing.T, ctx context.Context, e env, what string, period [2]time.Time) int {
	t.Helper()
	s := store.New()
	f := store.QualityFilter{From: period[0], To: period[1], Limit: 100_000}
	got, err := s.QualityGet(ctx, e.pool, f)
	require.NoError(t, err, what)
	tx, err := e.pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck
	_, err = tx.Exec(ctx, "INSERT INTO share_rollup_dirty VALUES ('infinity')")
	require.NoError(t, err)
	want, err := s.QualityGet(ctx, tx, f)
	require.NoError(t, err, what)
	require.Equal(t, want.MismatchCount, got.MismatchCount, "%s: local content mismatches", what)
	require.Equal(t, want.Mismatches, got.Mismatches, "%s: local content mismatches", what)
	certified := 0
	for _, m := range got.Mismatches {
		if m.CertifiedValue > 0 {
			certified++
		}
	}
	return certified
}

func (e env) exec(t *testing.T, sql string) {
	t.Helper()
	tag, err := e.pool.Exec(e.ctx, sql)
	require.NoError(t, err)
	require.Positive(t, tag.RowsAffected(), sql)
}

// requireRollupEqualsItems checks the rollup against the items over every grouping it serves, under each
// filter and period shape, with the data as it stands.
func requireRollupEqualsItems(t *testing.T, ctx context.Context, e env, step string) {
	t.Helper()
	var dirty, cells int
	require.NoError(t, e.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM share_rollup_dirty), (SELECT count(*) FROM share_rollup)").Scan(&dirty, &cells))
	require.Zero(t, dirty, "%s: the rollup is whole, so the reads below use it", step)
	require.Positive(t, cells, step)

	var category, region, buyerType, method, buyer, supplier string
	var first, last time.Time
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT
		coalesce((SELECT c.slug FROM counted_items i JOIN categories c ON c.id = i.category_id GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1), ''),
		coalesce((SELECT region FROM counted_items WHERE region IS NOT NULL GROUP BY region ORDER BY count(*) DESC LIMIT 1), ''),
		coalesce((SELECT b.buyer_type FROM counted_items i JOIN buyers b ON b.id = i.buyer_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1), ''),
		coalesce((SELECT method FROM counted_items GROUP BY method ORDER BY count(*) DESC LIMIT 1), ''),
		coalesce((SELECT b.bin FROM counted_items i JOIN buyers b ON b.id = i.buyer_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1), ''),
		coalesce((SELECT s.identifier FROM counted_items i JOIN suppliers s ON s.id = i.supplier_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1), ''),
		(SELECT min(signed_on) FROM counted_items), (SELECT max(signed_on) FROM counted_items)`).
		Scan(&category, &region, &buyerType, &method, &buyer, &supplier, &first, &last))

	mid := first.Add(last.Sub(first) / 2)
	periods := [][2]time.Time{
		{first.AddDate(-1, 0, 0), last.AddDate(1, 0, 0)}, // every month whole
		calendarYear(mid), // a calendar year
		{first.AddDate(0, 0, 1), last.AddDate(0, 0, -1)}, // both ends inside a month with items beyond them
		{mid.AddDate(0, 0, -3), mid.AddDate(0, 0, 3)},    // within one or two months
		{first, first}, // one day
	}
	filters := map[string]func(*share.Scope){
		"none":         func(*share.Scope) {},
		"category":     func(s *share.Scope) { s.Category = category },
		"unclassified": func(s *share.Scope) { s.Unclassified = true },
		"region":       func(s *share.Scope) { s.Regions = []string{region} },
		"buyer type":   func(s *share.Scope) { s.BuyerTypes = []string{buyerType} },
		"method":       func(s *share.Scope) { s.Methods = []string{method} },
		"domestic":     func(s *share.Scope) { s.Tiers = []tier.SupplierTier{tier.DomesticProducer} },
		"not domestic": func(s *share.Scope) { s.Tiers = []tier.SupplierTier{tier.ResidentSupplier, tier.NonResident} },
		"buyer":        func(s *share.Scope) { s.Buyer = buyer },
		"supplier":     func(s *share.Scope) { s.Supplier = supplier },
	}
	rollup, items := store.New(), store.NewItemsOnly()
	for _, p := range periods {
		if category == "" {
			break
		}
		scope := share.Scope{Filter: share.Filter{Category: category}, From: p[0], To: p[1]}
		want, err := items.ContractListLargestNonDomestic(ctx, e.pool, scope, 5)
		require.NoError(t, err)
		got, err := rollup.ContractListLargestNonDomestic(ctx, e.pool, scope, 5)
		require.NoError(t, err)
		require.Equal(t, want, got, "%s: the largest contracts to non-producers, %s to %s", step, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly))
	}
	for _, p := range periods {
		for name, filter := range filters {
			for _, groupBy := range []string{"", "category", "region", "buyer", "buyer_type", "supplier", "method", "tier", "month", "year"} {
				scope := share.Scope{From: p[0], To: p[1]}
				filter(&scope)
				what := fmt.Sprintf("%s: %s to %s, filter %s, group by %q", step, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), name, groupBy)
				wantAll, wantGroups, err := items.SharesGet(ctx, e.pool, scope, groupBy)
				require.NoError(t, err, what)
				gotAll, gotGroups, err := rollup.SharesGet(ctx, e.pool, scope, groupBy)
				require.NoError(t, err, what)
				require.Equal(t, wantAll, gotAll, what)
				require.Equal(t, byKey(wantGroups), byKey(gotGroups), what)
			}
			// The download lists exactly the items the figures count.
			scope := share.Scope{From: p[0], To: p[1]}
			filter(&scope)
			what := fmt.Sprintf("%s: %s to %s, filter %s, download", step, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), name)
			want, _, err := items.SharesGet(ctx, e.pool, scope, "")
			require.NoError(t, err, what)
			rows, err := rollup.CountedItemRows(ctx, e.pool, scope, "ru")
			require.NoError(t, err, what)
			var got share.Figures
			for rows.Next() {
				got.Items++
				got.Total += rows.Item().Value
			}
			require.NoError(t, rows.Err(), what)
			rows.Close()
			require.Equal(t, [2]int64{want.Items, want.Total}, [2]int64{got.Items, got.Total}, what)
		}
	}
	for _, p := range periods {
		requireMismatchesFromTheRollup(t, ctx, e, fmt.Sprintf("%s: %s to %s", step, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly)), p)
	}
	// The groupings by buyer and supplier count a contract's rows as one only where they are marked.
	var unmarked int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT contract_id FROM share_rollup_contracts
		GROUP BY contract_id HAVING count(*) > 1 AND NOT bool_and(shared)) c`).Scan(&unmarked))
	require.Zero(t, unmarked, "%s: contracts with several rows not marked shared", step)
	// The download finds a period's items by their contracts' signing date, which the import keeps theirs.
	var apart int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM contract_items i JOIN contracts c ON c.id = i.contract_id
		WHERE i.signed_on <> c.signed_on`).Scan(&apart))
	require.Zero(t, apart, "%s: items signed on another day than their contract", step)
}

func byKey(groups []share.Group) map[string]share.Figures {
	out := map[string]share.Figures{}
	for _, g := range groups {
		out[g.Key] = g.Figures
	}
	return out
}

func calendarYear(d time.Time) [2]time.Time {
	from, to := share.CalendarYear(d)
	return [2]time.Time{from, to}
}

// TestRollupCellsByCategoryAfterAnInitialLoad requires an initial load to store the rollup's cells in the
// order a target reads them, by category (none last) and month, so that a category's cells share pages.
func TestRollupCellsByCategoryAfterAnInitialLoad(t *testing.T) {
	t.Parallel()
	e := setup(t)
	dir := t.TempDir()
	_, err := demo.Generate(e.ctx, dir, demo.Options{Seed: 7, Items: 1500})
	require.NoError(t, err)
	e.mustImport(t, "portal", dir)

	rows, err := e.pool.Query(e.ctx, `SELECT category_id, month FROM share_rollup ORDER BY ctid`)
	require.NoError(t, err)
	type cell struct {
		category *int32
		month    time.Time
	}
	cells, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cell, error) {
		var c cell
		return c, r.Scan(&c.category, &c.month)
	})
	require.NoError(t, err)
	require.Greater(t, len(cells), 100)
	categories := map[int32]bool{}
	for i, c := range cells {
		if c.category != nil {
			categories[*c.category] = true
		}
		if i == 0 {
			continue
		}
		prev := cells[i-1]
		switch {
		case prev.category == nil:
			require.Nil(t, c.category, "cell %d: a category after the cells without one", i)
			require.False(t, c.month.Before(prev.month), "cell %d: months in order", i)
		case c.category == nil:
		case *c.category == *prev.category:
			require.False(t, c.month.Before(prev.month), "cell %d: months in order within category %d", i, *c.category)
		default:
			require.Greater(t, *c.category, *prev.category, "cell %d: categories in order", i)
		}
	}
	require.Greater(t, len(categories), 3, "the demo has cells of several categories")
}
