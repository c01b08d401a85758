package loader

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/pgtest"
)

// An initial load writes contracts in the transaction whose planner statistics, from before it, say the
// table is empty. The look-up of a chunk's contracts must still read only the ids it asks for (it once read
// every contract of the source, a chunk at a time).
func TestLookupsAfterALoadTheStatisticsMissed(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	ctx := t.Context()
	_, err := pool.Exec(ctx, "ANALYZE contracts") // as an initial load finds it: analysed when empty
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })

	const stored = 100_000
	_, err = tx.Exec(ctx, "SET LOCAL session_replication_role = replica")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO contracts (source, source_id, buyer_id, supplier_id, signed_on, total, batch_id)
		SELECT 'csv', g::text, 1, 1, '2025-01-01', 100, CASE WHEN g % 2 = 0 THEN 7 END
		FROM generate_series(1, $1::int) g`, stored)
	require.NoError(t, err)
	require.NoError(t, CreateStaging(ctx, tx, "stg_contracts"))
	_, err = tx.Exec(ctx, `INSERT INTO stg_contracts (loc, source_id, customer_bin, supplier_key, signed_on, method,
		status, currency, description, deleted) VALUES ('a.csv:2', 'staged', '', '', '2025-01-01', '', '', 'KZT', '', false)`)
	require.NoError(t, err)

	fetched := func() int64 {
		var n int64
		require.NoError(t, tx.QueryRow(ctx, `SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)
			FROM pg_stat_xact_user_tables WHERE relid = 'contracts'::regclass`).Scan(&n))
		return n
	}
	ask := []string{"staged", "none", strconv.Itoa(stored + 1)}
	for i := 1; i <= 500; i++ {
		ask = append(ask, strconv.Itoa(i*97))
	}
	before := fetched()
	seen, err := dbq.New().ContractListSeen(ctx, tx, dbq.ContractListSeenParams{BatchID: 7, Source: "csv", SourceIds: ask})
	require.NoError(t, err)
	require.LessOrEqual(t, fetched()-before, int64(len(ask)), "contracts read for %d ids", len(ask))
	got := map[string]bool{}
	for _, r := range seen {
		_, dup := got[r.SourceID]
		require.False(t, dup, r.SourceID)
		got[r.SourceID] = r.ThisBatch
	}
	want := map[string]bool{"staged": false}
	for i := 1; i <= 500; i++ {
		want[strconv.Itoa(i*97)] = i*97%2 == 0
	}
	require.Equal(t, want, got)
}
