package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
)

// The progress cache serves only while it listens, and forgets what it kept when the database says the
// figures, the targets or the register changed: a refresh, a mark, a target's or the register's write, a
// buyer's or supplier's rename, or any notification on the channel.
func TestProgressCacheForgetsOnNotification(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	c := &progressCache{}
	k := progressKey{slug: "school-uniforms-50", asOf: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	kept := share.Progress{AsOf: time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC)}

	_, gen, ok := c.get(k)
	require.False(t, ok)
	c.put(k, kept, gen)
	_, _, ok = c.get(k)
	require.False(t, ok, "before it listens, nothing is kept")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.listen(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	keep := func() bool {
		_, gen, _ := c.get(k)
		c.put(k, kept, gen)
		p, _, ok := c.get(k)
		return ok && p.(share.Progress).AsOf.Equal(kept.AsOf)
	}
	require.Eventually(t, keep, 10*time.Second, 5*time.Millisecond, "the listener connects")

	for _, write := range []string{
		"SELECT pg_notify('ules_figures', '')",
		"SELECT share_rollup_refresh()",
		"SELECT share_rollup_mark(ARRAY['2025-06-01'::date])",
		"UPDATE targets SET name_en = name_en || ' ' WHERE slug = 'school-uniforms-50'",
		"DELETE FROM producer_register WHERE bin = '000000000000'",              // who could supply is the register's
		"UPDATE buyers SET name_ru = name_ru || ' ' WHERE bin = '000000000000'", // a kept page shows names
		"UPDATE suppliers SET name_kk = name_kk || ' ' WHERE identifier = '000000000000'",
	} {
		require.True(t, keep(), write)
		_, err := pool.Exec(ctx, write)
		require.NoError(t, err, write)
		require.Eventually(t, func() bool { _, _, ok := c.get(k); return !ok }, 10*time.Second, 5*time.Millisecond,
			"%s: the kept progress is forgotten", write)
	}

	// An answer measured while a notification came in is not kept.
	_, gen, _ = c.get(k)
	c.reset(true)
	c.put(k, kept, gen)
	_, _, ok = c.get(k)
	require.False(t, ok)
}

// After each notification the server measures every target's progress as of today itself, and then each
// target's page, so that the first reader of the overview or of a target page after an import finds them
// kept; a progress computed before the notification is not what it keeps.
func TestOverviewMeasuredAfterEachChange(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	testfactory.Purchase(context.Background(), t, pool, testfactory.ContractOpts{SignedOn: time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)},
		testfactory.ItemOpts{Category: "school-uniforms", Value: 1_000_00, Tier: tier.DomesticProducer})
	_, err := pool.Exec(context.Background(), "SELECT share_rollup_refresh()")
	require.NoError(t, err)
	c := &progressCache{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err = newApp(pool, pool.Ping, log, func() time.Time { return today.Add(15 * time.Hour) }, c)
	require.NoError(t, err)
	var slugs []string
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT array_agg(slug ORDER BY slug) FROM targets").Scan(&slugs))
	require.NotEmpty(t, slugs)
	keptAll := func() bool {
		for _, slug := range slugs {
			p, _, ok := c.get(progressKey{slug: slug, asOf: today})
			if !ok || p.(share.Progress).AsOf.Year() == 1999 {
				return false
			}
			if p := p.(share.Progress); p.To.Before(p.From) {
				continue // not started: its page has no tables
			}
			if _, _, ok := c.get(progressKey{kind: "target page", slug: slug, asOf: today}); !ok {
				return false
			}
		}
		return true
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.listen(ctx, pool, log)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	require.Eventually(t, keptAll, 10*time.Second, 5*time.Millisecond, "measured once it listens, before any reader")

	// Stand-ins that only a fresh measurement replaces.
	stale := share.Progress{AsOf: time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC)}
	for _, slug := range slugs {
		k := progressKey{slug: slug, asOf: today}
		_, gen, _ := c.get(k)
		c.put(k, stale, gen)
	}
	require.False(t, keptAll())
	_, err = pool.Exec(ctx, "SELECT pg_notify('ules_figures', '')")
	require.NoError(t, err)
	require.Eventually(t, keptAll, 10*time.Second, 5*time.Millisecond, "measured again after the notification")

	// A kept page is the one a reader would have measured.
	pages := 0
	for _, slug := range slugs {
		p, _, _ := c.get(progressKey{slug: slug, asOf: today})
		if p := p.(share.Progress); p.To.Before(p.From) {
			continue
		}
		kept, _, _ := c.get(progressKey{kind: "target page", slug: slug, asOf: today})
		fresh, err := (&Server{db: pool, store: store.New()}).targetBreakdowns(ctx, p.(share.Progress))
		require.NoError(t, err)
		require.Equal(t, fresh, kept, slug)
		require.NotEmpty(t, fresh.regions, slug)
		pages++
	}
	require.NotZero(t, pages, "a target under way")
}

// The warmer's wait for quiet ends at the next reset, so that a new change's overview is measured at once.
func TestNextResetClosedAtReset(t *testing.T) {
	c := &progressCache{}
	next := c.nextReset()
	require.Equal(t, next, c.nextReset(), "the same until a reset")
	select {
	case <-next:
		t.Fatal("closed before a reset")
	default:
	}
	c.reset(true)
	_, open := <-next
	require.False(t, open, "closed at the reset")
	require.NotEqual(t, next, c.nextReset(), "a new one for the next")
}

// Readers of an answer being measured wait for that measurement rather than repeat it; after a
// notification (a new generation) the answer is measured again, and a failed shared measurement leaves
// each waiter to measure on its own.
func TestKeptSharesAMeasurement(t *testing.T) {
	t.Parallel()
	c := &progressCache{}
	c.reset(true) // as when it listens
	k := progressKey{slug: "footwear-30", asOf: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	var calls atomic.Int32
	release := make(chan struct{})
	slow := func() (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, err := kept(c, k, slow)
			require.NoError(t, err)
			got[i] = v
		})
	}
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // the others join the measurement under way
	close(release)
	wg.Wait()
	require.Equal(t, int32(1), calls.Load(), "one measurement for every reader")
	require.Equal(t, []int{42, 42, 42, 42, 42, 42, 42, 42}, got)

	v, err := kept(c, k, func() (int, error) { return 0, errors.New("kept, not measured") })
	require.NoError(t, err)
	require.Equal(t, 42, v)

	c.reset(true) // a notification
	v, err = kept(c, k, func() (int, error) { return 7, nil })
	require.NoError(t, err)
	require.Equal(t, 7, v, "measured again in the new generation")

	c.reset(true)
	failing, started := make(chan struct{}), make(chan struct{})
	var second atomic.Int32
	var once sync.Once
	wg.Go(func() { // a reader whose request ends while it measures: measuring again fails as well
		_, err := kept(c, k, func() (int, error) { once.Do(func() { close(started) }); <-failing; return 0, context.Canceled })
		require.ErrorIs(t, err, context.Canceled, "its own failure")
	})
	<-started
	wg.Go(func() {
		v, err := kept(c, k, func() (int, error) { second.Add(1); return 9, nil })
		require.NoError(t, err, "another reader's failure is not this one's")
		require.Equal(t, 9, v)
	})
	time.Sleep(20 * time.Millisecond)
	close(failing)
	wg.Wait()
	require.Equal(t, int32(1), second.Load())
}
