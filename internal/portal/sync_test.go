package portal

import (
	"context"
	"encoding/json"
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

// almaty is a wall-clock time in Almaty.
func almaty(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, Almaty)
}

// contractWindows returns the lastUpdateDate window of each contract walk, in order. A walk of one
// page asks for its first page twice, with the same window: the walk, and the head read again.
func contractWindows(t *testing.T, rp *replay) [][]string {
	t.Helper()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var firsts [][]string
	for _, vars := range rp.queries["Contract"] {
		var v struct {
			After  int64               `json:"after"`
			Filter map[string][]string `json:"filter"`
		}
		require.NoError(t, json.Unmarshal([]byte(vars), &v))
		if v.After == 0 {
			firsts = append(firsts, v.Filter["lastUpdateDate"])
		}
	}
	require.Zero(t, len(firsts)%2)
	var walks [][]string
	for i := 0; i < len(firsts); i += 2 {
		require.Equal(t, firsts[i], firsts[i+1])
		walks = append(walks, firsts[i])
	}
	return walks
}

func TestSyncStartsWhereTheLastSuccessfulSyncStarted(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: almaty(2026, 2, 15, 13, 0)}
	im := &imports{}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now}, Import: im.Import}

	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, "2026-01-16", res.Since, "the first sync reaches 30 days back")
	require.Equal(t, "2026-02-16", res.Until, "to the next day")
	require.Equal(t, clk.now.UTC(), res.StartedAt)
	require.Equal(t, "2026-02-15", res.NextSince())
	require.False(t, res.Resumed)
	require.Len(t, res.Endpoints, len(SyncEndpoints()), "lots and announcements are left out")
	require.Equal(t, []string{b.dir}, im.dirs)
	require.Equal(t, recorded(t, SyncEndpoints()...), readTree(t, b.dir))

	// Two more syncs: each window starts an hour before the previous sync, on that day in Almaty. The
	// third starts on the day of the second although the second was within the hour before midnight.
	for i, at := range []time.Time{almaty(2026, 2, 16, 0, 30), almaty(2026, 2, 16, 23, 0)} {
		clk.now = at
		res, err = b.client.Sync(context.Background(), opts)
		require.NoError(t, err)
		require.Equal(t, b.replay.expectHits(i+2, SyncEndpoints()...), b.replay.hitCounts())
	}
	require.Equal(t, [][]string{{"2026-01-16", "2026-02-16"}, {"2026-02-15", "2026-02-17"}, {"2026-02-15", "2026-02-17"}},
		contractWindows(t, b.replay))
	require.Len(t, im.dirs, 3)

	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Equal(t, almaty(2026, 2, 16, 23, 0).UTC(), *st.LastSync)
	require.Nil(t, st.Sync)
}

// The portal's timestamps are Almaty time without a zone: a sync's window is of whole days in Almaty,
// and the days around midnight in Almaty, when it is still the day before in UTC, are in it.
func TestSyncWindowIsInAlmatyDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		lastSync  time.Time // zero: the first sync, reaching back an hour
		now       time.Time
		wantSince string
		wantUntil string
		want      []string // the contracts fetched
	}{
		{name: "the first sync just after midnight", now: almaty(2027, 1, 1, 0, 30),
			wantSince: "2026-12-31", wantUntil: "2027-01-02", want: []string{"2", "3", "4"}},
		{name: "after a sync at 00:20, whose hour before began on 31 December", lastSync: almaty(2027, 1, 1, 0, 20),
			now: almaty(2027, 1, 1, 10, 0), wantSince: "2026-12-31", wantUntil: "2027-01-02", want: []string{"2", "3", "4"}},
		{name: "after a sync at 04:50, still 31 December in UTC", lastSync: almaty(2027, 1, 1, 4, 50),
			now: almaty(2027, 1, 2, 4, 0), wantSince: "2027-01-01", wantUntil: "2027-01-03", want: []string{"3", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			recs := genContracts(4, 4, "2026-12-30")
			recs[0]["lastUpdateDate"] = "2027-01-01 23:59:59" // 4
			recs[1]["lastUpdateDate"] = "2027-01-01 00:10:00" // 3
			recs[2]["lastUpdateDate"] = "2026-12-31 23:30:00" // 2: 18:30 on 31 December in UTC
			recs[3]["lastUpdateDate"] = "2026-12-30 23:59:59" // 1
			b.replay.setList("Contract", recs)
			if !tt.lastSync.IsZero() {
				last := tt.lastSync.UTC()
				require.NoError(t, saveState(b.dir, &fetchState{Version: stateVersion, Endpoints: map[string]*endpointState{}, LastSync: &last}))
			}
			clk := &clock{now: tt.now}
			res, err := b.client.Sync(context.Background(), SyncOptions{
				Fetch:  FetchOptions{Dir: b.dir, Now: clk.Now, Endpoints: endpoints(t, "contract")},
				Import: (&imports{}).Import, Window: time.Hour,
			})
			require.NoError(t, err)
			require.Equal(t, tt.wantSince, res.Since)
			require.Equal(t, tt.wantUntil, res.Until)
			require.Equal(t, [][]string{{tt.wantSince, tt.wantUntil}}, contractWindows(t, b.replay))
			got := contractIDs(t, b.dir)
			require.ElementsMatch(t, tt.want, got)
		})
	}
}

// A contract changed while a sync walks the list, after the walk passed it, is fetched by the next
// sync: its window overlaps the previous one, by SyncOverlap before that sync began. Here the change is
// stamped a minute before the first sync began, just before midnight, and shows in the list only while
// the walk goes on (the portal indexes changes with a delay).
func TestNextSyncFetchesWhatChangedDuringTheLast(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: almaty(2026, 2, 16, 0, 0)}
	changed := false
	b.replay.onRequest = func(n int, key string) bool {
		if key == "graphql/Contract/after=5006" && !changed {
			changed = true
			// 5008 is on the page just read.
			b.replay.update("Contract", 5008, map[string]any{"lastUpdateDate": "2026-02-15 23:59:00", "contractSumWnds": json.Number("215700.0")})
		}
		return false
	}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now, PageSize: 3, Endpoints: endpoints(t, "contract")}, Import: (&imports{}).Import}
	_, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.Contains(t, pageItems(t, readTree(t, b.dir), "contract")[0], `"contract_sum_wnds": 215600.0`, "the walk had read 5008 before it changed")

	b.replay.onRequest = nil
	clk.now = almaty(2026, 2, 16, 9, 0)
	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, "2026-02-15", res.Since, "the day of an hour before the previous sync")
	items := pageItems(t, readTree(t, b.dir), "contract")
	require.Len(t, items, 1, "only what changed from the 15th on")
	require.Contains(t, items[0], `"id": 5008`)
	require.Contains(t, items[0], `"contract_sum_wnds": 215700.0`)
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
	require.Equal(t, &syncRun{StartedAt: clk.now, Since: "2026-03-03", Until: "2026-03-11"}, st.Sync)
	hits := b.replay.totalHits()

	clk.now, im.fail = clk.now.Add(26*time.Hour), nil
	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.True(t, res.Resumed)
	require.Equal(t, "2026-03-03", res.Since, "a resumed sync keeps its window")
	require.Equal(t, "2026-03-11", res.Until)
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
	require.Equal(t, b.replay.expectHits(3, SyncEndpoints()...), b.replay.hitCounts())
}

func TestSyncResumesAnInterruptedFetch(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	clk := &clock{now: almaty(2026, 2, 15, 13, 0)}
	im := &imports{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interrupted string
	b.replay.onRequest = func(n int, key string) bool {
		if n == 6 { // subject's second page, after contract's and plans' page and head
			interrupted = key
			cancel()
			return true
		}
		return false
	}
	opts := SyncOptions{Fetch: FetchOptions{Dir: b.dir, Now: clk.Now}, Import: im.Import}
	_, err := b.client.Sync(ctx, opts)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, subjectPage2, interrupted)
	require.Empty(t, im.dirs)

	b.replay.onRequest = nil
	clk.now = clk.now.Add(48 * time.Hour)
	res, err := b.client.Sync(context.Background(), opts)
	require.NoError(t, err)
	require.True(t, res.Resumed)
	require.Equal(t, "2026-01-16", res.Since)
	want := b.replay.expectHits(1, SyncEndpoints()...)
	want[interrupted]++
	require.Equal(t, want, b.replay.hitCounts())
	require.Equal(t, recorded(t, SyncEndpoints()...), readTree(t, b.dir))
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
