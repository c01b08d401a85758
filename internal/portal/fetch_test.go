package portal

import (
	"context"
	"encoding/json"
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

	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))
	for _, d := range []string{"subject", "contract", "contract-units", "plans", "plans-kato", "lots", "announcements",
		"refs/ref_contract_status", "refs/ref_trade_methods", "refs/ref_units"} {
		require.FileExists(t, filepath.Join(b.dir, filepath.FromSlash(d), "page-000001.json"))
	}
	require.Equal(t, b.replay.expectHits(1, Endpoints...), b.replay.hitCounts())
	require.Equal(t, []string{"last_update_date_from=2026-01-01&limit=3"}, b.replay.queries["/v3/contract"])
	require.Equal(t, []string{"last_update_date_from=2026-01-01&limit=3"}, b.replay.queries["/v3/trd-buy"])
	require.Equal(t, []string{"limit=3"}, b.replay.queries["/v3/refs/ref_units"], "reference lists are fetched whole")

	want := []EndpointResult{
		{Endpoint: "contract-units", Pages: 2, Items: 9, Fetched: 2},
		{Endpoint: "plans-kato", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "contract", Pages: 3, Items: 8, Fetched: 3},
		{Endpoint: "plans", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "subject", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "lots", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "announcements", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "refs/ref_contract_status", Pages: 1, Items: 4, Fetched: 1},
		{Endpoint: "refs/ref_trade_methods", Pages: 1, Items: 3, Fetched: 1},
		{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Fetched: 2},
	}
	require.Equal(t, want, results)
	i := slices.IndexFunc(progress, func(p Progress) bool { return p.Endpoint == "contract" })
	require.Equal(t, Progress{Endpoint: "contract", Pages: 0}, progress[i], "an endpoint reports when it starts")
	require.Equal(t, Progress{Endpoint: "contract", Pages: 1, Items: 3}, progress[i+1])
	require.Equal(t, Progress{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Done: true}, progress[len(progress)-1])

	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Len(t, st.Endpoints, len(Endpoints))
	c := st.Endpoints["contract"]
	require.True(t, c.Done)
	require.Equal(t, 3, c.Pages)
	require.Equal(t, "/v3/contract?last_update_date_from=2026-01-01&limit=3", c.First)
	require.Equal(t, b.client.BaseURL(), c.BaseURL)
}

func TestResumeAfterCancel(t *testing.T) {
	t.Parallel()
	all := 0
	for _, ep := range Endpoints {
		files, _ := filepath.Glob(filepath.Join(replayDir, filepath.FromSlash(ep.Name), "page-*.json"))
		all += len(files)
	}
	for _, cancelAt := range []int{1, 2, 3, 5, 6, 7, 9, 12, all} {
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

			b.replay.onRequest = nil
			second, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Since: "2026-01-01"})
			require.NoError(t, err)

			require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir), "the same files as an uninterrupted fetch")
			want := b.replay.expectHits(1, Endpoints...)
			const faultRequest = 6 // contract-units' 2 pages, plans-kato's 2, contract's page 1, then its page 2
			if cancelAt != faultRequest {
				want[contractPage2]++ // the 503, unless it answered the request that was cancelled
			}
			want[interrupted]++ // the request cancelled mid-way is made again; nothing else is
			require.Equal(t, want, b.replay.hitCounts())

			// The endpoints completed by the first run are skipped by the second; the interrupted one resumes.
			last := first[len(first)-1]
			for i, r := range second {
				switch {
				case i < len(first)-1:
					require.True(t, r.Skipped, r.Endpoint)
				case r.Endpoint == last.Endpoint:
					require.Equal(t, last.Pages > 0, r.Resumed, r.Endpoint)
					require.Equal(t, r.Pages-last.Pages, r.Fetched, r.Endpoint)
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
		{name: "another since date", second: FetchOptions{Since: "2026-02-01"},
			refetched: endpointsWhere(func(ep Endpoint) bool { return ep.Filtered })},
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
			if want["contract/page-000001.json"] == 1 {
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
	want["contract/page-000002.json"], want["contract/page-000003.json"] = 2, 2
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
		name    string
		opts    FetchOptions
		state   string // content of the state file, when set
		fault   fault  // on contract's first page
		wantErr string
	}{
		{name: "no folder", opts: FetchOptions{}, wantErr: "no output folder"},
		{name: "bad date", opts: FetchOptions{Since: "01.02.2026"}, wantErr: `since "01.02.2026" is not a date YYYY-MM-DD`},
		{name: "negative page size", opts: FetchOptions{PageSize: -1}, wantErr: "page size -1 is negative"},
		{name: "damaged state", state: `{"version": 1, "endpoints": {`, wantErr: "is damaged"},
		{name: "future state", state: `{"version": 2}`, wantErr: "has version 2"},
		{name: "a next_page that loops", fault: body(`{"items": [], "next_page": "/v3/contract"}`),
			wantErr: `contract page 1: next_page "/v3/contract" is the page itself`},
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
				b.replay.inject("contract/page-000001.json", true, tt.fault)
			}
			opts.Endpoints = endpoints(t, "contract")
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
		{"/v3/trd-buy,announcements", []string{"announcements"}, ""},
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
