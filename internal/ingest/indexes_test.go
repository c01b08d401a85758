package ingest_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// tableIndex is one index of contracts, contract_items or share_rollup_contracts as the catalog holds it.
type tableIndex struct {
	definition string
	oid        uint32
}

func contractIndexes(t *testing.T, ctx context.Context, pool *pgxpool.Pool) map[string]tableIndex {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indexrelid::oid
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid IN ('contracts'::regclass, 'contract_items'::regclass, 'share_rollup_contracts'::regclass)`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]tableIndex{}
	for rows.Next() {
		var name string
		var ix tableIndex
		require.NoError(t, rows.Scan(&name, &ix.definition, &ix.oid))
		out[name] = ix
	}
	require.NoError(t, rows.Err())
	return out
}

// contractTriggers is tgenabled of the triggers on contracts and contract_items, by table.trigger.
func contractTriggers(t *testing.T, ctx context.Context, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT tgrelid::regclass::text || '.' || tgname, tgenabled::text FROM pg_trigger
		WHERE NOT tgisinternal AND tgrelid IN ('contracts'::regclass, 'contract_items'::regclass)`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, enabled string
		require.NoError(t, rows.Scan(&name, &enabled))
		out[name] = enabled
	}
	require.NoError(t, rows.Err())
	return out
}

// An import into an empty database builds the secondary indexes after loading, as the schema defines them,
// and for records that carry their items the primary key of contract_items too; a failed one leaves them
// as they were, and a later import keeps them up as it writes. Every import leaves the rollup's triggers
// as migrated, the direct load's quietInserts included.
func TestInitialLoadBuildsIndexesAfter(t *testing.T) {
	t.Parallel()
	secondary := []string{"contracts_batch_idx", "contracts_buyer_idx", "contracts_root_idx", "contracts_signed_idx", "contracts_supplier_idx",
		"contract_items_category_idx", "share_rollup_contracts_month_idx"}
	csvFile := func(t *testing.T, rows string) string {
		path := filepath.Join(t.TempDir(), "items.csv")
		writeFile(t, path, readFile(t, filepath.Join("testdata", "items.csv"))+rows)
		return path
	}
	ocdsFile := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "releases.jsonl")
		writeFile(t, path, oneLine(okRelease)+"\n"+oneLine(badRelease(`"id": "1"`, `"id": "2"`))+"\n")
		return path
	}
	for _, tc := range []struct {
		name                string
		rebuilt             []string
		failed, first, next func(t *testing.T, e env) error
	}{
		{
			name:    "portal",
			rebuilt: secondary,
			failed: func(t *testing.T, e env) error {
				bad := goodTree()
				bad["contract-units/page-000001.json"] = page(`{"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": "many"}`)
				_, err := e.importPortal(t, writeTree(t, bad), 0)
				return err
			},
			first: func(t *testing.T, e env) error { _, err := e.importPortal(t, portalSmall, 0); return err },
			next:  func(t *testing.T, e env) error { _, err := e.importPortal(t, portalUpdate, 0); return err },
		},
		{
			name:    "csv",
			rebuilt: append(slices.Clone(secondary), "contract_items_pkey"),
			failed: func(t *testing.T, e env) error {
				_, err := e.importCSV(t, csvFile(t, "C-X,2016-13-45,100140000001,x,100240000003,x,KZ,no,1,141012.100.000001,x,1,шт,1,1,KZT\n"), 0)
				return err
			},
			first: func(t *testing.T, e env) error { _, err := e.importCSV(t, csvFile(t, ""), 0); return err },
			next:  func(t *testing.T, e env) error { _, err := e.importCSV(t, csvFile(t, ""), 0); return err },
		},
		{
			name:    "ocds",
			rebuilt: append(slices.Clone(secondary), "contract_items_pkey"),
			failed: func(t *testing.T, e env) error {
				path := filepath.Join(t.TempDir(), "bad.jsonl")
				writeFile(t, path, oneLine(okRelease)+"\n"+oneLine(badRelease(`"amount": 10`, `"amount": "x"`))+"\n")
				_, err := e.importOCDS(t, path, 0)
				return err
			},
			first: func(t *testing.T, e env) error { _, err := e.importOCDS(t, ocdsFile(t), 0); return err },
			next:  func(t *testing.T, e env) error { _, err := e.importOCDS(t, ocdsFile(t), 0); return err },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			migrated := contractIndexes(t, e.ctx, e.pool)
			for _, name := range tc.rebuilt {
				require.Contains(t, migrated, name)
			}

			triggers := contractTriggers(t, e.ctx, e.pool)
			require.Equal(t, "A", triggers["contract_items.share_rollup_items_insert"])
			require.Equal(t, "A", triggers["contracts.share_rollup_contracts_insert"])

			require.Error(t, tc.failed(t, e))
			require.Equal(t, migrated, contractIndexes(t, e.ctx, e.pool), "a failed import leaves the indexes as they were")
			require.Equal(t, triggers, contractTriggers(t, e.ctx, e.pool), "a failed import leaves the triggers on")

			require.NoError(t, tc.first(t, e))
			built := contractIndexes(t, e.ctx, e.pool)
			require.Len(t, built, len(migrated))
			for name, ix := range migrated {
				require.Equal(t, ix.definition, built[name].definition, name)
				if slices.Contains(tc.rebuilt, name) {
					require.NotEqual(t, ix.oid, built[name].oid, "%s was built after the load", name)
				} else {
					require.Equal(t, ix.oid, built[name].oid, "%s, unique, stays", name)
				}
			}
			var keyColumns string
			require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT pg_get_constraintdef(oid) FROM pg_constraint
				WHERE conrelid = 'contract_items'::regclass AND contype = 'p' AND conname = 'contract_items_pkey'`).Scan(&keyColumns))
			require.Equal(t, "PRIMARY KEY (contract_id, source_id)", keyColumns)

			require.Equal(t, triggers, contractTriggers(t, e.ctx, e.pool), "the direct load turns the triggers on again")

			require.NoError(t, tc.next(t, e))
			require.Equal(t, built, contractIndexes(t, e.ctx, e.pool), "contracts are stored: the indexes are kept up")
			require.Equal(t, triggers, contractTriggers(t, e.ctx, e.pool))
		})
	}
}
