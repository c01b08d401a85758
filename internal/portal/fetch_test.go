package portal

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFetchWritesEveryEndpoint(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	var progress []Progress
	results, err := b.client.Fetch(context.Background(), FetchOptions{
		Dir: b.dir, Since: "2026-01-01", PageSize: 3, Progress: func(p Progress) { progress = append(progress, p) },
	})
	require.NoError(t, err)

	units := endpoints(t, "contract-units")[0]
	want := recorded(t, endpointsWhere(func(ep Endpoint) bool { return !ep.PerContract })...)
	maps.Copy(want, gathered(t, units, 3))
	require.Equal(t, want, readTree(t, b.dir))
	for _, d := range []string{"subject", "contract", "contract-units", "plans", "plans-kato", "lots", "announcements",
		"refs/ref_contract_status", "refs/ref_trade_methods", "refs/ref_units"} {
		require.FileExists(t, filepath.Join(b.dir, filepath.FromSlash(d), "page-000001.json"))
	}
	require.Equal(t, b.replay.expectHits(1, Endpoints...), b.replay.hitCounts())
	require.Equal(t, []string{"last_update_date_from=2026-01-01&limit=3"}, b.replay.queries["/v3/contract/all"])
	require.Equal(t, []string{"last_update_date_from=2026-01-01&limit=3"}, b.replay.queries["/v3/trd-buy/all"])
	require.Equal(t, []string{""}, b.replay.queries["/v3/contract/5004/units"], "units follow their contracts, unfiltered")
	require.Equal(t, []string{"limit=3"}, b.replay.queries["/v3/refs/ref_units"], "reference lists are fetched whole")

	wantResults := []EndpointResult{
		{Endpoint: "contract", Pages: 3, Items: 8, Fetched: 3},
		{Endpoint: "contract-units", Pages: 3, Items: 9, Fetched: 9},
		{Endpoint: "plans-kato", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "plans", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "subject", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "lots", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "announcements", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "refs/ref_contract_status", Pages: 1, Items: 4, Fetched: 1},
		{Endpoint: "refs/ref_trade_methods", Pages: 1, Items: 3, Fetched: 1},
		{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Fetched: 2},
	}
	require.Equal(t, wantResults, results)
	i := slices.IndexFunc(progress, func(p Progress) bool { return p.Endpoint == "contract" })
	require.Equal(t, Progress{Endpoint: "contract", Pages: 0}, progress[i], "an endpoint reports when it starts")
	require.Equal(t, Progress{Endpoint: "contract", Pages: 1, Items: 3}, progress[i+1])
	i = slices.IndexFunc(progress, func(p Progress) bool { return p.Endpoint == "contract-units" })
	require.Equal(t, Progress{Endpoint: "contract-units", Contracts: 8}, progress[i])
	require.Contains(t, progress, Progress{Endpoint: "contract-units", Pages: 1, Items: 3, Contract: 2, Contracts: 8},
		"the first page is written when the third contract's unit comes")
	require.Contains(t, progress, Progress{Endpoint: "contract-units", Pages: 3, Items: 9, Done: true, Contract: 8, Contracts: 8})
	require.Equal(t, Progress{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Done: true}, progress[len(progress)-1])

	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Len(t, st.Endpoints, len(Endpoints))
	c := st.Endpoints["contract"]
	require.True(t, c.Done)
	require.Equal(t, 3, c.Pages)
	require.Equal(t, "/v3/contract/all?last_update_date_from=2026-01-01&limit=3", c.First)
	require.Equal(t, b.client.BaseURL(), c.BaseURL)
	u := st.Endpoints["contract-units"]
	require.True(t, u.Done)
	require.Equal(t, "/v3/contract/{id}/units", u.First)
	require.Equal(t, 8, u.Units.Count)
	require.Equal(t, unitsCursor{contract: 8}, unitsCursor{u.Units.Contract, u.Units.Request, u.Units.Skip})
}

func TestResumeAfterCancel(t *testing.T) {
	t.Parallel()
	all := len(newReplay(t).pages) + 1 // every page once, and the 503 below
	// 1-4: contract (the 503 is request 2), 5-13: contract-units, 14-15: plans-kato, 16-17: plans, ...
	for _, cancelAt := range []int{1, 2, 3, 4, 5, 6, 9, 13, 14, 15, 17, 20, all} {
		t.Run("cancel at request "+strconv.Itoa(cancelAt), func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(contractPage2, false, status(503, "Retry-After", "1")) // resuming also survives faults
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var interrupted string
			b.replay.onRequest = func(n int, key string) bool {
				if n == cancelAt {
					interrupted = key
					cancel() // the client gives up on this request before it is answered
					return true
				}
				return false
			}
			first, err := b.client.Fetch(ctx, FetchOptions{Dir: b.dir, Since: "2026-01-01"})
			require.ErrorIs(t, err, context.Canceled)
			require.NotEmpty(t, interrupted)
			firstLog := b.replay.requestLog()

			b.replay.onRequest = nil
			second, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Since: "2026-01-01"})
			require.NoError(t, err)

			require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir), "the same files as an uninterrupted fetch")
			want := b.replay.expectHits(1, Endpoints...)
			const faultRequest = 2 // contract's page 1, then its page 2
			if cancelAt != faultRequest {
				want[contractPage2]++ // the 503, unless it answered the request that was cancelled
			}
			want[interrupted]++ // the request cancelled mid-way is made again
			units := endpoints(t, "contract-units")[0]
			if owns(units, interrupted) {
				// With the default page size, the units make one page, written at the end: a walk cut
				// short is made again from its first contract.
				for _, key := range firstLog[:cancelAt-1] {
					if owns(units, key) {
						want[key]++
					}
				}
			}
			require.Equal(t, want, b.replay.hitCounts(), "nothing else is requested again")

			// The endpoints completed by the first run are skipped by the second; the interrupted one resumes.
			last := first[len(first)-1]
			for i, r := range second {
				switch {
				case i < len(first)-1:
					require.True(t, r.Skipped, r.Endpoint)
				case r.Endpoint == last.Endpoint:
					require.Equal(t, last.Pages > 0, r.Resumed, r.Endpoint)
					if r.Endpoint != units.Name {
						require.Equal(t, r.Pages-last.Pages, r.Fetched, r.Endpoint)
					}
				default:
					require.False(t, r.Skipped || r.Resumed, r.Endpoint)
				}
			}
		})
	}
}

func TestRerunOfACompleteFetchRequestsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir})
	require.NoError(t, err)
	hits := b.replay.totalHits()

	results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir})
	require.NoError(t, err)
	require.Equal(t, hits, b.replay.totalHits())
	for _, r := range results {
		require.True(t, r.Skipped, r.Endpoint)
		require.Zero(t, r.Fetched)
	}
	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))
}

func TestStartingOver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		second    FetchOptions
		refetched []Endpoint // fetched again by the second run; the others are skipped
	}{
		{name: "restart", second: FetchOptions{Since: "2026-01-01", Restart: true}, refetched: Endpoints},
		// Units follow the contracts, which are fetched again.
		{name: "another since date", second: FetchOptions{Since: "2026-02-01"},
			refetched: endpointsWhere(func(ep Endpoint) bool { return ep.Filtered || ep.PerContract })},
		{name: "another page size", second: FetchOptions{Since: "2026-01-01", PageSize: 200}, refetched: Endpoints},
		{name: "same parameters", second: FetchOptions{Since: "2026-01-01"}},
		{name: "restart of one endpoint", second: FetchOptions{Since: "2026-01-01", Restart: true, Endpoints: endpointsWhere(func(ep Endpoint) bool { return ep.Name == "contract" })},
			refetched: endpointsWhere(func(ep Endpoint) bool { return ep.Name == "contract" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Since: "2026-01-01"})
			require.NoError(t, err)
			// Pages left over from a longer fetch go when an endpoint starts over; other files stay.
			stale := filepath.Join(b.dir, "contract", "page-000099.json")
			require.NoError(t, os.WriteFile(stale, []byte(`{"items": []}`), 0o644))
			notes := filepath.Join(b.dir, "contract", "README.txt")
			require.NoError(t, os.WriteFile(notes, []byte("saved by hand"), 0o644))

			opts := tt.second
			opts.Dir = b.dir
			_, err = b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)

			want := b.replay.expectHits(1, Endpoints...)
			for k, v := range b.replay.expectHits(2, tt.refetched...) {
				want[k] = v
			}
			require.Equal(t, want, b.replay.hitCounts())
			tree := recorded(t, Endpoints...)
			tree["contract/README.txt"] = "saved by hand"
			if want["v3/contract/all/page-000001.json"] == 1 {
				tree["contract/page-000099.json"] = `{"items": []}`
			}
			require.Equal(t, tree, readTree(t, b.dir))
		})
	}
}

func endpointsWhere(keep func(Endpoint) bool) []Endpoint {
	var eps []Endpoint
	for _, ep := range Endpoints {
		if keep(ep) {
			eps = append(eps, ep)
		}
	}
	return eps
}

// A crash after a page is renamed into place but before the state file records it leaves the state
// one page behind, and possibly a temporary file. The next run fetches that page again, overwriting it.
func TestResumeAfterCrashBetweenPageAndState(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	eps := endpoints(t, "contract,subject")
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)

	st, err := loadState(b.dir)
	require.NoError(t, err)
	var page1 struct {
		NextPage string `json:"next_page"`
	}
	require.NoError(t, json.Unmarshal([]byte(recorded(t, eps...)["contract/page-000001.json"]), &page1))
	c := st.Endpoints["contract"]
	c.Pages, c.Items, c.NextPage, c.Done, c.DoneAt = 1, 3, page1.NextPage, false, nil
	require.NoError(t, saveState(b.dir, st))
	temp := filepath.Join(b.dir, "contract", ".page-000003.json.tmp-123456")
	require.NoError(t, os.WriteFile(temp, []byte(`{"items": [`), 0o644))

	results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.Equal(t, EndpointResult{Endpoint: "contract", Pages: 3, Items: 8, Fetched: 2, Resumed: true}, results[0])
	require.NoFileExists(t, temp)
	require.Equal(t, recorded(t, eps...), readTree(t, b.dir))
	want := b.replay.expectHits(1, eps...)
	want["v3/contract/all/page-000002.json"], want["v3/contract/all/page-000003.json"] = 2, 2
	require.Equal(t, want, b.replay.hitCounts())
}

func TestMissingPageFileStartsTheEndpointOver(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	eps := endpoints(t, "contract,subject")
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(b.dir, "contract", "page-000002.json")))

	_, err = b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.Equal(t, recorded(t, eps...), readTree(t, b.dir))
	want := b.replay.expectHits(1, eps...)
	for k, v := range b.replay.expectHits(2, eps[0]) {
		want[k] = v
	}
	require.Equal(t, want, b.replay.hitCounts())
	require.Contains(t, b.logs.String(), "page-000002.json is missing")
}

func TestFetchRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      FetchOptions
		endpoints string // default: contract
		state     string // content of the state file, when set
		fault     fault  // on contract's first page
		wantErr   string
	}{
		{name: "no folder", opts: FetchOptions{}, wantErr: "no output folder"},
		{name: "bad date", opts: FetchOptions{Since: "01.02.2026"}, wantErr: `since "01.02.2026" is not a date YYYY-MM-DD`},
		{name: "negative page size", opts: FetchOptions{PageSize: -1}, wantErr: "page size -1 is negative"},
		{name: "damaged state", state: `{"version": 1, "endpoints": {`, wantErr: "is damaged"},
		{name: "future state", state: `{"version": 2}`, wantErr: "has version 2"},
		{name: "a next_page that loops", fault: body(`{"items": [], "next_page": "/v3/contract/all"}`),
			wantErr: `contract page 1: next_page "/v3/contract/all" is the page itself`},
		{name: "units before contracts", opts: FetchOptions{Endpoints: []Endpoint{Endpoints[1], Endpoints[0]}},
			wantErr: "contract-units is read per contract: list it after contract"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			opts := tt.opts
			if tt.name != "no folder" {
				opts.Dir = b.dir
			}
			if tt.state != "" {
				require.NoError(t, os.WriteFile(filepath.Join(b.dir, StateFile), []byte(tt.state), 0o644))
			}
			if tt.fault != nil {
				b.replay.inject("v3/contract/all/page-000001.json", true, tt.fault)
			}
			if opts.Endpoints == nil {
				opts.Endpoints = endpoints(t, "contract")
			}
			_, err := b.client.Fetch(context.Background(), opts)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestLookupEndpoints(t *testing.T) {
	t.Parallel()
	names := func(eps []Endpoint) []string {
		var s []string
		for _, ep := range eps {
			s = append(s, ep.Name)
		}
		return s
	}
	tests := []struct {
		list    string
		want    []string
		wantErr string
	}{
		{"", names(Endpoints), ""},
		{"all", names(Endpoints), ""},
		{"contract", []string{"contract"}, ""},
		{"subject, contract", []string{"contract", "subject"}, ""},
		{"trd-buy,lots", []string{"lots", "announcements"}, ""},
		{"/v3/trd-buy/all,announcements", []string{"announcements"}, ""},
		{"v3/plans/kato, plans/all", []string{"plans-kato", "plans"}, ""},
		{"contract-units", []string{"contract-units"}, ""},
		{"contract/all,contract/{id}/units", []string{"contract", "contract-units"}, ""},
		{"refs/ref_units,v3/refs/ref_trade_methods", []string{"refs/ref_trade_methods", "refs/ref_units"}, ""},
		{"contracts", nil, `unknown endpoint "contracts"`},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			t.Parallel()
			eps, err := LookupEndpoints(tt.list)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, names(eps))
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "page-000001.json")
	require.NoError(t, writeFileAtomic(path, []byte(`{"items": [1]}`)))
	require.NoError(t, writeFileAtomic(path, []byte(`{"items": [2]}`)))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, `{"items": [2]}`, string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	err = writeFileAtomic(filepath.Join(dir, "absent", "page-000001.json"), []byte("{}"))
	require.Error(t, err)
}
