package ingest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// A batch left 'running' by a process that died is marked failed by the next import, while a batch whose
// import is still in progress (its lock held) is left alone.
func TestInterruptedBatchIsMarkedFailed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewDB(t)
	var dead, alive int64
	// Started a moment ago: whether its owner lives decides, not its age.
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO import_batches (format, source_name)
		VALUES ('portal', 'killed') RETURNING id`).Scan(&dead))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO import_batches (format, source_name)
		VALUES ('portal', 'still running') RETURNING id`).Scan(&alive))

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx) //nolint:errcheck
	_, err = holder.Exec(ctx, "SELECT pg_advisory_xact_lock(1431061843, $1::integer)", alive)
	require.NoError(t, err)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err = ingest.NewImporter(pool, "KZ", log).Import(ctx, ingest.Options{Format: "csv", Path: "testdata/items.csv"})
	require.NoError(t, err)

	status := func(id int64) (string, string) {
		var s, m string
		require.NoError(t, pool.QueryRow(ctx, "SELECT status, message FROM import_batches WHERE id = $1", id).Scan(&s, &m))
		return s, m
	}
	s, m := status(dead)
	require.Equal(t, "failed", s)
	require.Contains(t, m, "interrupted")
	s, _ = status(alive)
	require.Equal(t, "running", s)
}

// Cancelling the context mid-import (Ctrl-C) rolls everything back and records the batch as failed: while
// plan points are read, and later, once contracts and some of their units were loaded directly.
func TestCancelledImportLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 3, Items: 3000})
	require.NoError(t, err)
	for _, after := range []int64{1000, 8000} { // of about 10,100 records
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			pool, _ := pgtest.NewDB(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			res, err := ingest.NewImporter(pool, "KZ", log).Import(ctx, ingest.Options{
				Format: "portal", Path: dir,
				Progress: func(p ingest.Progress) {
					if p.Records >= after {
						cancel()
					}
				},
			})
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, "failed", res.Status)
			var contracts, items int
			var status string
			require.NoError(t, pool.QueryRow(context.Background(),
				"SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_items), (SELECT status FROM import_batches WHERE id = $1)",
				res.BatchID).Scan(&contracts, &items, &status))
			require.Zero(t, contracts)
			require.Zero(t, items)
			require.Equal(t, "failed", status)
		})
	}
}

// A batch's times are the import's real times, not its transaction's start.
func TestBatchRecordsRealTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	began := time.Now()
	res, err := ingest.NewImporter(pool, "KZ", log).Import(ctx, ingest.Options{Format: "csv", Path: "testdata/items.csv"})
	require.NoError(t, err)
	took := time.Since(began)
	var ns int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT (extract(epoch FROM finished_at - started_at) * 1e9)::bigint
		FROM import_batches WHERE id = $1`, res.BatchID).Scan(&ns))
	spent := time.Duration(ns)
	require.Greater(t, spent, took/2, "the batch records the import's duration (%s), not its transaction's start", took)
	require.LessOrEqual(t, spent, took)
}
