package ingest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// tableIndex is one index of contracts or contract_items as the catalog holds it.
type tableIndex struct {
	definition string
	oid        uint32
}

func contractIndexes(t *testing.T, ctx context.Context, pool *pgxpool.Pool) map[string]tableIndex {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indexrelid::oid
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid IN ('contracts'::regclass, 'contract_items'::regclass)`)
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

// An import into an empty database builds the secondary indexes after loading, as the schema defines them;
// a failed one leaves them as they were, and a later import keeps them up as it writes.
func TestInitialLoadBuildsIndexesAfter(t *testing.T) {
	t.Parallel()
	e := setup(t)
	migrated := contractIndexes(t, e.ctx, e.pool)
	secondary := []string{"contracts_batch_idx", "contracts_buyer_idx", "contracts_signed_idx", "contracts_supplier_idx", "contract_items_category_idx"}
	for _, name := range secondary {
		require.Contains(t, migrated, name)
	}

	bad := goodTree()
	bad["contract-units/page-000001.json"] = page(`{"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": "many"}`)
	_, err := e.importPortal(t, writeTree(t, bad), 0)
	require.Error(t, err)
	require.Equal(t, migrated, contractIndexes(t, e.ctx, e.pool), "a failed import leaves the indexes as they were")

	_, err = e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)
	built := contractIndexes(t, e.ctx, e.pool)
	require.Len(t, built, len(migrated))
	for name, ix := range migrated {
		require.Equal(t, ix.definition, built[name].definition, name)
		if slices.Contains(secondary, name) {
			require.NotEqual(t, ix.oid, built[name].oid, "%s was built after the load", name)
		} else {
			require.Equal(t, ix.oid, built[name].oid, "%s, unique, stays", name)
		}
	}

	_, err = e.importPortal(t, portalUpdate, 0)
	require.NoError(t, err)
	require.Equal(t, built, contractIndexes(t, e.ctx, e.pool), "contracts are stored: the indexes are kept up")
}
