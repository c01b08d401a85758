package portal

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// TestSyncImportsIntoTheDatabase fetches from the replay server, with faults, and imports the folder
// with the real importer: what the portal serves is what the database holds.
func TestSyncImportsIntoTheDatabase(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	ctx := context.Background()
	b := setup(t, DefaultMaxAttempts)
	b.replay.inject("graphql/Contract/after=0", false, status(429, "Retry-After", "1"), truncated)
	importer := ingest.NewImporter(pool, "KZ", slog.New(slog.DiscardHandler))
	var results []ingest.Result
	clk := &clock{now: almaty(2026, 2, 15, 13, 0)} // the window reaches back to 16 January: every contract
	opts := SyncOptions{
		Fetch: FetchOptions{Dir: b.dir, Now: clk.Now},
		Import: func(ctx context.Context, dir string) error {
			res, err := importer.Import(ctx, ingest.Options{Format: "portal", Path: dir, CreatedBy: "test"})
			results = append(results, res)
			return err
		},
	}

	_, err := b.client.Sync(ctx, opts)
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Equal(t, "committed", results[0].Status)
	require.Zero(t, results[0].Rejected, "%v", results[0].Errors)
	require.Equal(t, int64(6+6+6+8+9), results[0].Read, "subjects, plans, plan KATOs, contracts, units")

	count := func(table string) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
		return n
	}
	require.Equal(t, 8, count("contracts"))
	require.Equal(t, 9, count("contract_items"))
	var total int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT total FROM contracts WHERE source = 'portal' AND source_id = '5006'").Scan(&total))
	require.Equal(t, int64(125000050), total, "1 250 000.50 tenge in tiyn")

	// The next sync fetches the same records again: the import changes nothing.
	clk.now = clk.now.Add(24 * time.Hour)
	_, err = b.client.Sync(ctx, opts)
	require.NoError(t, err)
	require.Len(t, results, 2)
	require.Equal(t, "committed", results[1].Status)
	require.Zero(t, results[1].Loaded)
	require.Equal(t, 8, count("contracts"))
}
