package ingest_test

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// Imports run one at a time: one that finds another running says so and starts when it ends. Two run at
// once both commit, with contract ids that do not collide.
func TestImportsRunOneAtATime(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	ctx := t.Context()
	log := &logBuffer{}
	im := ingest.NewImporter(pool, "KZ", log.logger())

	// Another import holds the lock.
	holder, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer holder.Release()
	_, err = holder.Exec(ctx, "SELECT pg_advisory_lock(1431061844, 0)")
	require.NoError(t, err)
	done := make(chan error, 1)
	var loaded int64
	go func() {
		res, err := im.Import(ctx, ingest.Options{Format: "csv", Path: filepath.Join("testdata", "items.csv")})
		loaded += res.Loaded
		done <- err
	}()
	require.Eventually(t, func() bool { return strings.Contains(log.String(), "another import is running") },
		10*time.Second, 10*time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the import ran while another held the lock: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	_, err = holder.Exec(ctx, "SELECT pg_advisory_unlock(1431061844, 0)")
	require.NoError(t, err)
	require.NoError(t, <-done)

	// Two at once: different data, both loaded directly in full.
	a := generated(t, "csv", 6000)
	b := generated(t, "ocds", 6000)
	var wg sync.WaitGroup
	results := make([]ingest.Result, 2)
	errs := make([]error, 2)
	for i, step := range []importStep{{format: "csv", path: a}, {format: "ocds", path: b}} {
		wg.Go(func() {
			results[i], errs[i] = im.Import(ctx, ingest.Options{Format: step.format, Path: step.path})
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.Positive(t, results[0].Loaded)
	require.Positive(t, results[1].Loaded)
	var stored int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM contracts) + (SELECT count(*) FROM contract_items)").Scan(&stored))
	require.Equal(t, loaded+results[0].Loaded+results[1].Loaded, stored)
}
