package demo_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// The CSV and portal renderings of one dataset load to the same figures, and both match the generator's own.
func TestCSVSinkMatchesPortal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := demo.Options{Seed: 7, Items: 3000}
	dir := t.TempDir()
	stats, err := demo.Generate(ctx, filepath.Join(dir, "portal"), opts)
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(dir, "items.csv"))
	require.NoError(t, err)
	sink, err := demo.CSVSink(f)
	require.NoError(t, err)
	csvStats, err := demo.Run(ctx, sink, opts)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, stats.Volumes, csvStats.Volumes)

	want := map[string]int64{}
	for k, v := range stats.Volumes {
		want[k.Category] += v.Total
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, load := range []struct{ format, path string }{{"portal", filepath.Join(dir, "portal")}, {"csv", filepath.Join(dir, "items.csv")}} {
		pool, _ := pgtest.NewDB(t)
		res, err := ingest.NewImporter(pool, "KZ", log).Import(ctx, ingest.Options{Format: load.format, Path: load.path})
		require.NoError(t, err, load.format)
		require.Zero(t, res.Rejected)
		rows, err := pool.Query(ctx, `SELECT c.slug, sum(i.value)::bigint FROM counted_items i
			JOIN categories c ON c.id = i.category_id GROUP BY c.slug`)
		require.NoError(t, err)
		got := map[string]int64{}
		for rows.Next() {
			var slug string
			var total int64
			require.NoError(t, rows.Scan(&slug, &total))
			got[slug] = total
		}
		require.NoError(t, rows.Err())
		require.Equal(t, want, got, load.format)
	}
}
