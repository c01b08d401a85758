package portal

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock is a time that tests set.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// imports records the folders a sync asks to import, failing while fail is set.
type imports struct {
	dirs []string
	fail error
}

func (im *imports) Import(ctx context.Context, dir string) error {
	im.dirs = append(im.dirs, dir)
	return im.fail
}

func TestSyncStartsWhereTheLastSuccessfulSyncStarted(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)}
	im := &imports{}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now}, Import: im.Import}

	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, "2026-02-08", res.Since, "the first sync reaches 30 days back")
	require.Equal(t, clk.now, res.StartedAt)
	require.False(t, res.Resumed)
	require.Len(t, res.Endpoints, len(Endpoints))
	require.Equal(t, []string{b.dir}, im.dirs)
	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))

	// Two more syncs on one day: the second starts from the first's date, and so does the third,
	// which still fetches afresh although its since date is the same.
	for i, at := range []time.Time{time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC)} {
		clk.now = at
		res, err = b.client.Sync(context.Background(), opts)
		require.NoError(t, err)
		require.Equal(t, "2026-03-10", res.Since)
		require.Equal(t, b.replay.expectHits(i+2, Endpoints...), b.replay.hitCounts())
	}
	require.Equal(t, []string{"last_update_date_from=2026-02-08", "last_update_date_from=2026-03-10", "last_update_date_from=2026-03-10"},
		b.replay.queries["/v3/contract/all"])
	require.Equal(t, []string{"", "", ""}, b.replay.queries["/v3/refs/ref_units"])
	require.Len(t, im.dirs, 3)

	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC), *st.LastSync)
	require.Nil(t, st.Sync)
}

func TestSyncAfterAFailedImportImportsAgainWithoutFetching(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)}
	im := &imports{fail: errors.New("database is down")}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now}, Import: im.Import, Window: 7 * 24 * time.Hour}

	_, err := b.client.Sync(context.Background(), opts)
	require.ErrorContains(t, err, "database is down")
	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Nil(t, st.LastSync)
	require.Equal(t, &syncRun{StartedAt: clk.now, Since: "2026-03-03"}, st.Sync)
	hits := b.replay.totalHits()

	clk.now, im.fail = clk.now.Add(26*time.Hour), nil
	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.True(t, res.Resumed)
	require.Equal(t, "2026-03-03", res.Since, "a resumed sync keeps its since date")
	require.Equal(t, hits, b.replay.totalHits(), "the complete fetch is not repeated")
	require.Len(t, im.dirs, 2)
	st, err = loadState(b.dir)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), *st.LastSync, "the next sync starts where the fetch that was imported started")

	// --restart discards a pending sync: a new start, everything fetched again.
	im.fail = errors.New("still down")
	_, err = b.client.Sync(context.Background(), opts)
	require.Error(t, err)
	clk.now = clk.now.Add(time.Hour)
	opts.Fetch.Restart = true
	im.fail = nil
	res, err = b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.False(t, res.Resumed)
	require.Equal(t, clk.now, res.StartedAt)
	require.Equal(t, b.replay.expectHits(3, Endpoints...), b.replay.hitCounts())
}

func TestSyncResumesAnInterruptedFetch(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)}
	im := &imports{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interrupted string
	b.replay.onRequest = func(n int, key string) bool {
		if n == 14 { // plans-kato's second page, after contract's 3 pages, the 9 pages of units and plans-kato's first
			interrupted = key
			cancel()
			return true
		}
		return false
	}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now}, Import: im.Import}
	_, err := b.client.Sync(ctx, opts)
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, im.dirs)

	b.replay.onRequest = nil
	clk.now = clk.now.Add(48 * time.Hour)
	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.True(t, res.Resumed)
	require.Equal(t, "2026-02-08", res.Since)
	want := b.replay.expectHits(1, Endpoints...)
	want[interrupted]++
	require.Equal(t, want, b.replay.hitCounts())
	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))
	require.Equal(t, []string{b.dir}, im.dirs)
}

func TestSyncNeedsAnImport(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	_, err := b.client.Sync(context.Background(), SyncOptions{Fetch: FetchOptions{Dir: b.dir}})
	require.ErrorContains(t, err, "sync without an import")
	_, err = b.client.Sync(context.Background(), SyncOptions{Import: (&imports{}).Import})
	require.ErrorContains(t, err, "no output folder")
	require.Zero(t, b.replay.totalHits())
}
