package ingest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

// An incremental fetch carries only what changed: a stored unit may arrive without its plan point and keeps
// its product, while a new unit without one is still refused.
func TestUnitUpdateWithoutPlanPoint(t *testing.T) {
	t.Parallel()
	e := setupImported(t, "testdata/portal-small")
	ctx, pool, im := e.ctx, e.pool, e.im
	page := `{"items": [
	  {"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "item_price": 3500.00, "quantity": 200, "total_sum": 625000.00, "total_sum_wnds": 700000.00, "ks_proc": 84, "deleted": 0},
	  {"id": 2999, "contract_id": 1001, "pln_point_id": 3999, "item_price": 1.00, "quantity": 1, "total_sum": 1.00, "total_sum_wnds": 1.12, "ks_proc": 0, "deleted": 0}
	], "next_page": ""}`
	dir := unitsPage(t, page)

	res, err := im.Import(ctx, ingest.Options{Format: "portal", Path: dir, MaxErrors: 1})
	require.NoError(t, err)
	require.Equal(t, []ingest.RecordError{{
		Location: "contract-units/page-000001.json:$.items[1]",
		Reason:   "pln_point_id 3999 is not in plans/, or is marked deleted there",
	}}, res.Errors)
	require.Equal(t, int64(1), res.Loaded)

	var value int64
	var name, kato, category string
	require.NoError(t, pool.QueryRow(ctx, `SELECT i.value, t.name, i.kato, c.slug FROM contract_items i
		JOIN item_texts t ON t.id = i.text_id JOIN contracts k ON k.id = i.contract_id JOIN categories c ON c.id = i.category_id
		WHERE k.source_id = '1001' AND i.source_id = '2001'`).Scan(&value, &name, &kato, &category))
	require.Equal(t, int64(70000000), value)
	require.Equal(t, "Школьная форма для девочек", name)
	require.Equal(t, "751110000", kato)
	require.Equal(t, "school-uniforms", category)
}

// Of two copies of a unit in one import, the one read later wins, whatever the text order of their
// locations ($.items[10] comes after $.items[9]).
func TestLaterCopyOfARecordWins(t *testing.T) {
	t.Parallel()
	e := setupImported(t, "testdata/portal-small")
	ctx, pool, im := e.ctx, e.pool, e.im
	unit := func(value string) string {
		return `{"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": ` + value + `}`
	}
	page := `{"items": [` + unit("1.00")
	for i := 1; i < 10; i++ {
		page += "," + unit("2.00")
	}
	page += "," + unit("3.00") + `], "next_page": ""}`
	dir := unitsPage(t, page)
	_, err := im.Import(ctx, ingest.Options{Format: "portal", Path: dir})
	require.NoError(t, err)
	var value int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT i.value FROM contract_items i JOIN contracts k ON k.id = i.contract_id
		WHERE k.source_id = '1001' AND i.source_id = '2001'`).Scan(&value))
	require.Equal(t, int64(300), value, "$.items[10] is the last copy")
}

// unitsPage writes page as the one page of contract units of a new export folder, and returns the folder.
func unitsPage(t *testing.T, page string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "contract-units"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "contract-units", "page-000001.json"), []byte(page), 0o644))
	return dir
}
