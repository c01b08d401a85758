package loader

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
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

// explained runs a query as sqlc's code sends it, under EXPLAIN ANALYZE, and keeps the plan.
type explained struct {
	pgx.Tx
	plan []byte
}

func (e *explained) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := e.Tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&e.plan); err != nil {
		return errRow{err}
	}
	return e.Tx.QueryRow(ctx, "SELECT 0::bigint, 0::bigint")
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// rowsHandled sums every plan node's rows over its loops: what the executor handled.
func rowsHandled(t *testing.T, plan []byte) float64 {
	t.Helper()
	var nodes []struct{ Plan json.RawMessage }
	require.NoError(t, json.Unmarshal(plan, &nodes))
	var walk func(raw json.RawMessage) float64
	walk = func(raw json.RawMessage) float64 {
		var n struct {
			Rows  float64           `json:"Actual Rows"`
			Loops float64           `json:"Actual Loops"`
			Plans []json.RawMessage `json:"Plans"`
		}
		require.NoError(t, json.Unmarshal(raw, &n))
		sum := n.Rows * n.Loops
		for _, c := range n.Plans {
			sum += walk(c)
		}
		return sum
	}
	return walk(nodes[0].Plan)
}

// A sample of staged units can count their contracts as fewer than the contracts the batch created
// (2,000,000 units of 726,585 contracts were sampled as 51,686), so that the planner expects none of the
// units to be merged. The merge must still handle each unit a bounded number of times: joined to the
// staged contracts' grouping, it scanned that grouping once a unit.
func TestItemMergeWhenStagedUnitsLookFew(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	ctx := t.Context()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })

	// Sizes at which the planner, so misled, did join the grouping once a unit (15,303,003 rows handled).
	const stored, perContract, fresh = 5_000, 3, 1_000
	var supplier int64
	require.NoError(t, tx.QueryRow(ctx, `INSERT INTO suppliers (identifier, bin, name_ru, country, resident, portal_producer)
		VALUES ('100140000001', '100140000001', 'ТОО Поставщик', 'KZ', true, false) RETURNING id`).Scan(&supplier))
	_, err = tx.Exec(ctx, "SET LOCAL session_replication_role = replica")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO contracts (source, source_id, buyer_id, supplier_id, signed_on, total, batch_id)
		SELECT 'portal', 'c' || g, 1, $2, '2025-01-01', 100, 1 FROM generate_series(1, $1::int) g`, stored, supplier)
	require.NoError(t, err)
	require.NoError(t, CreateStaging(ctx, tx, append(StagingTables, WrittenContracts)...))
	_, err = tx.Exec(ctx, `INSERT INTO stg_contracts (loc, source_id, customer_bin, supplier_key, signed_on, method,
		status, currency, description, deleted)
		SELECT 'contract/' || g, 'n' || g, '', '', '2025-01-01', '', '', 'KZT', '', false FROM generate_series(1, $1::int) g`, fresh)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO stg_written_contracts (contract_id, source_id, signed_on, supplier_id, fresh)
		SELECT 100000 + g, 'n' || g, '2025-01-01', $2, true FROM generate_series(1, $1::int) g`, fresh, supplier)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO stg_units (loc, source_id, contract_source_id, plan_id, quantity, value, deleted)
		SELECT 'unit/' || g, g::text, 'c' || (g % $1 + 1), 'p' || g, 1, 100, false
		FROM generate_series(1, $1::int * $2::int) g`, stored, perContract)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO stg_plans (loc, plan_id, enstru_code, name, name_kk, description, unit)
		SELECT 'plan/' || g, 'p' || g, '141211.100.000001', 'Костюм', 'Костюм', '', 'шт'
		FROM generate_series(1, $1::int * $2::int) g`, stored, perContract)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `ALTER TABLE stg_units ALTER COLUMN contract_source_id SET (n_distinct = 50)`)
	require.NoError(t, err)
	require.NoError(t, AnalyzeStaging(ctx, tx, append(StagingTables, WrittenContracts)...))
	q := dbq.New()
	require.NoError(t, q.ItemTextMergeStaged(ctx, tx))

	e := &explained{Tx: tx}
	_, err = q.ContractItemMergeStaged(ctx, e, "portal")
	require.NoError(t, err)
	units := float64(stored * perContract)
	require.Less(t, rowsHandled(t, e.plan), 40*units, "%s", e.plan)
	var merged int
	require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM contract_items").Scan(&merged))
	require.Equal(t, stored*perContract, merged)
}
