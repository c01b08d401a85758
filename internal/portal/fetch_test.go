package portal

import (
	"context"
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
		Dir: b.dir, Progress: func(p Progress) { progress = append(progress, p) },
	})
	require.NoError(t, err)

	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))
	for _, d := range []string{"subject", "contract", "contract-units", "plans", "plans-kato", "lots", "announcements",
		"refs/ref_contract_status", "refs/ref_trade_methods", "refs/ref_units"} {
		require.FileExists(t, filepath.Join(b.dir, filepath.FromSlash(d), "page-000001.json"))
	}
	require.Equal(t, b.replay.expectHits(1, Endpoints...), b.replay.hitCounts())
	require.Equal(t, []string{"limit=500"}, b.replay.queries["/v3/trd-buy/all"], "REST lists in pages of 500")
	require.Equal(t, []string{`{"limit":200}`, `{"limit":200}`}, b.replay.queries["Contract"],
		"without a since date, no filter: the walk, and the head read again")

	wantResults := []EndpointResult{
		{Endpoint: "contract", Pages: 1, Items: 8, Nested: 9, Fetched: 2},
		{Endpoint: "plans", Pages: 1, Items: 6, Nested: 6, Fetched: 2},
		{Endpoint: "subject", Pages: 2, Items: 6, Fetched: 2},
		{Endpoint: "lots", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "announcements", Pages: 2, Items: 5, Fetched: 2},
		{Endpoint: "refs/ref_contract_status", Pages: 1, Items: 4, Fetched: 1},
		{Endpoint: "refs/ref_trade_methods", Pages: 1, Items: 3, Fetched: 1},
		{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Fetched: 2},
	}
	require.Equal(t, wantResults, results)
	i := slices.IndexFunc(progress, func(p Progress) bool { return p.Endpoint == "contract" })
	require.Equal(t, Progress{Endpoint: "contract"}, progress[i], "an endpoint reports when it starts")
	require.Equal(t, Progress{Endpoint: "contract", Pages: 1, Items: 8, Nested: 9}, progress[i+1])
	require.Equal(t, Progress{Endpoint: "contract", Pages: 1, Items: 8, Nested: 9, Done: true}, progress[i+2])
	require.Equal(t, Progress{Endpoint: "refs/ref_units", Pages: 2, Items: 4, Done: true}, progress[len(progress)-1])

	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Len(t, st.Endpoints, len(Endpoints))
	c := st.Endpoints["contract"]
	require.True(t, c.Done)
	require.Equal(t, "POST /v3/graphql Contract limit=200", c.First)
	require.Equal(t, int64(5008), c.Head)
	require.Empty(t, c.Window)
	require.Equal(t, "/v3/subject/all?limit=500", st.Endpoints["subject"].First)
	require.Equal(t, b.client.BaseURL(), c.BaseURL)
}

// Small pages make the GraphQL walks page through their lists; the records are the same, in the same
// order.
func TestFetchWithSmallPages(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, PageSize: 3, Since: "2026-01-01", Until: "2026-03-11"})
	require.NoError(t, err)
	tree, want := readTree(t, b.dir), recorded(t, Endpoints...)
	for _, folder := range []string{"contract", "contract-units", "plans", "plans-kato"} {
		require.Equal(t, pageItems(t, want, folder), pageItems(t, tree, folder), folder)
	}
	require.Equal(t, EndpointResult{Endpoint: "contract", Pages: 3, Items: 8, Nested: 9, Fetched: 4}, results[0])
	require.Equal(t, EndpointResult{Endpoint: "plans", Pages: 2, Items: 6, Nested: 6, Fetched: 3}, results[1])
	require.Equal(t, []string{
		`{"filter":{"lastUpdateDate":["2026-01-01","2026-03-11"]},"limit":3}`,
		`{"after":5006,"filter":{"lastUpdateDate":["2026-01-01","2026-03-11"]},"limit":3}`,
		`{"after":5003,"filter":{"lastUpdateDate":["2026-01-01","2026-03-11"]},"limit":3}`,
		`{"filter":{"lastUpdateDate":["2026-01-01","2026-03-11"]},"limit":3}`,
	}, b.replay.queries["Contract"])
	require.Equal(t, []string{`{"limit":3}`, `{"after":7004,"limit":3}`, `{"limit":3}`}, b.replay.queries["Plans"],
		"plan points take no date filter")
	require.Equal(t, []string{"limit=3"}, b.replay.queries["/v3/refs/ref_units"])
}

// Each endpoint's requests, in order, when fetched with pages of 3. After each list's walk, a GraphQL
// list reads its head again.
var smallPageRequests = []string{
	"graphql/Contract/after=0", "graphql/Contract/after=5006", "graphql/Contract/after=5003", "graphql/Contract/after=0",
	"graphql/Plans/after=0", "graphql/Plans/after=7004", "graphql/Plans/after=0",
	subjectPage1, subjectPage2,
}

func TestResumeAfterCancel(t *testing.T) {
	t.Parallel()
	eps := endpoints(t, "contract,plans,subject")
	const fault = "graphql/Contract/after=5006"
	ref := setup(t, DefaultMaxAttempts)
	_, err := ref.client.Fetch(context.Background(), FetchOptions{Dir: ref.dir, Endpoints: eps, PageSize: 3})
	require.NoError(t, err)
	require.Equal(t, smallPageRequests, ref.replay.requestLog())
	all := len(smallPageRequests) + 1 // and the 503 below
	for cancelAt := 1; cancelAt <= all; cancelAt++ {
		t.Run("cancel at request "+strconv.Itoa(cancelAt), func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(fault, false, status(503, "Retry-After", "1")) // resuming also survives faults
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
			opts := FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: 3}
			first, err := b.client.Fetch(ctx, opts)
			require.ErrorIs(t, err, context.Canceled)
			require.NotEmpty(t, interrupted)

			b.replay.onRequest = nil
			second, err := b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)

			require.Equal(t, readTree(t, ref.dir), readTree(t, b.dir), "the same files as an uninterrupted fetch")
			want := ref.replay.hitCounts()
			const faultRequest = 2
			if cancelAt != faultRequest {
				want[fault]++ // the 503, unless it answered the request that was cancelled
			}
			want[interrupted]++ // the request cancelled mid-way is made again
			require.Equal(t, want, b.replay.hitCounts(), "nothing else is requested again")

			// The endpoints completed by the first run are skipped by the second; the interrupted one resumes.
			last := first[len(first)-1]
			for i, r := range second {
				switch {
				case i < len(first)-1:
					require.True(t, r.Skipped, r.Endpoint)
				case r.Endpoint == last.Endpoint:
					require.Equal(t, last.Fetched > 0, r.Resumed, r.Endpoint)
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
	graphQL := endpointsWhere(func(ep Endpoint) bool { return ep.GraphQL() })
	tests := []struct {
		name      string
		second    FetchOptions
		refetched []Endpoint // fetched again by the second run; the others are skipped
	}{
		{name: "restart", second: FetchOptions{Since: "2026-01-01", Restart: true}, refetched: Endpoints},
		// REST lists are fetched whole, whatever the since date.
		{name: "another since date", second: FetchOptions{Since: "2026-01-02"}, refetched: graphQL},
		{name: "another page size", second: FetchOptions{Since: "2026-01-01", PageSize: 100}, refetched: Endpoints},
		{name: "same parameters", second: FetchOptions{Since: "2026-01-01"}},
		// The window's end is kept by an interrupted walk, and does not identify it.
		{name: "another until date", second: FetchOptions{Since: "2026-01-01", Until: "2026-12-31"}},
		{name: "restart of one endpoint", second: FetchOptions{Since: "2026-01-01", Restart: true, Endpoints: endpoints(t, "contract")},
			refetched: endpoints(t, "contract")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Since: "2026-01-01"})
			require.NoError(t, err)
			// Pages left over from a longer fetch go when an endpoint starts over; other files stay.
			for _, folder := range []string{"contract", "contract-units"} {
				stale := filepath.Join(b.dir, folder, "page-000099.json")
				require.NoError(t, os.WriteFile(stale, []byte(`{"items": []}`), 0o644))
			}
			notes := filepath.Join(b.dir, "contract", "README.txt")
			require.NoError(t, os.WriteFile(notes, []byte("saved by hand"), 0o644))

			opts := tt.second
			opts.Dir = b.dir
			_, err = b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)

			want := b.replay.expectHits(1, Endpoints...)
			maps.Copy(want, b.replay.expectHits(2, tt.refetched...))
			require.Equal(t, want, b.replay.hitCounts())
			tree := recorded(t, Endpoints...)
			tree["contract/README.txt"] = "saved by hand"
			if want["graphql/Contract/after=0"] == 2 {
				tree["contract/page-000099.json"] = `{"items": []}`
				tree["contract-units/page-000099.json"] = `{"items": []}`
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
	tests := []struct {
		name     string
		rewind   func(es *endpointState)
		endpoint string
		temp     string
		result   EndpointResult
		again    []string // requested again
	}{
		{name: "REST", endpoint: "subject", temp: filepath.Join("subject", ".page-000002.json.tmp-123456"),
			rewind: func(es *endpointState) {
				es.Pages, es.Items, es.NextPage, es.Done, es.DoneAt = 1, 3, subjectNext, false, nil
			},
			result: EndpointResult{Endpoint: "subject", Pages: 2, Items: 6, Fetched: 1, Resumed: true},
			again:  []string{subjectPage2}},
		{name: "GraphQL", endpoint: "contract", temp: filepath.Join("contract-units", ".page-000002.json.tmp-123456"),
			rewind: func(es *endpointState) {
				es.Pages, es.Items, es.Nested, es.After, es.HeadPass, es.Done, es.DoneAt = 1, 3, 3, 5006, false, false, nil
			},
			result: EndpointResult{Endpoint: "contract", Pages: 3, Items: 8, Nested: 9, Fetched: 3, Resumed: true},
			again:  []string{"graphql/Contract/after=5006", "graphql/Contract/after=5003", "graphql/Contract/after=0"}},
		{name: "GraphQL reading the head again", endpoint: "contract",
			rewind: func(es *endpointState) { es.HeadPass, es.After, es.Done, es.DoneAt = true, 0, false, nil },
			result: EndpointResult{Endpoint: "contract", Pages: 3, Items: 8, Nested: 9, Fetched: 1, Resumed: true},
			again:  []string{"graphql/Contract/after=0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			eps := endpoints(t, tt.endpoint)
			opts := FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: 3}
			_, err := b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)
			complete := readTree(t, b.dir)

			st, err := loadState(b.dir)
			require.NoError(t, err)
			tt.rewind(st.Endpoints[tt.endpoint])
			require.NoError(t, saveState(b.dir, st))
			if tt.temp != "" {
				require.NoError(t, os.WriteFile(filepath.Join(b.dir, tt.temp), []byte(`{"items": [`), 0o644))
			}
			hits := b.replay.hitCounts()

			results, err := b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)
			require.Equal(t, tt.result, results[0])
			require.Equal(t, complete, readTree(t, b.dir), "temporary files are removed, pages rewritten alike")
			for _, key := range tt.again {
				hits[key]++
			}
			require.Equal(t, hits, b.replay.hitCounts())
		})
	}
}

func TestMissingPageFileStartsTheEndpointOver(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	eps := endpoints(t, "contract,subject")
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(b.dir, "contract-units", "page-000001.json")))

	_, err = b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.Equal(t, recorded(t, eps...), readTree(t, b.dir))
	want := b.replay.expectHits(1, eps...)
	maps.Copy(want, b.replay.expectHits(2, eps[0]))
	require.Equal(t, want, b.replay.hitCounts())
	require.Contains(t, b.logs.String(), filepath.Join("contract-units", "page-000001.json")+" is missing")
}

func TestFetchRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      FetchOptions
		endpoints string // default: contract
		state     string // content of the state file, when set
		key       string // answered with fault
		fault     fault
		wantErr   string
	}{
		{name: "no folder", opts: FetchOptions{}, wantErr: "no output folder"},
		{name: "bad date", opts: FetchOptions{Since: "01.02.2026"}, wantErr: `since "01.02.2026" is not a date YYYY-MM-DD`},
		{name: "bad end", opts: FetchOptions{Since: "2026-01-01", Until: "tomorrow"}, wantErr: `until "tomorrow" is not a date YYYY-MM-DD`},
		{name: "negative page size", opts: FetchOptions{PageSize: -1}, wantErr: "page size -1 is negative"},
		{name: "damaged state", state: `{"version": 2, "endpoints": {`, wantErr: "is damaged"},
		{name: "state of another version", state: `{"version": 1}`, wantErr: "has version 1"},
		{name: "a next_page that loops", endpoints: "subject", key: subjectPage1,
			fault:   body(`{"items": [], "next_page": "/v3/subject/all?limit=500"}`),
			wantErr: `subject page 1: next_page "/v3/subject/all?limit=500" is the page itself`},
		{name: "a lastId that does not move", opts: FetchOptions{PageSize: 3}, key: "graphql/Contract/after=5006",
			fault:   body(`{"data": {"Contract": [{"id": 5005}]}, "extensions": {"pageInfo": {"hasNextPage": true, "lastId": 5006}}}`),
			wantErr: "contract page 2: the page's lastId is the cursor it was asked for"},
		{name: "a plan point without its creation date", opts: FetchOptions{PageSize: 3, Since: "2026-01-01"}, endpoints: "plans",
			key:     "graphql/Plans/after=0",
			fault:   body(`{"data": {"Plans": [{"id": 7006}]}, "extensions": {"pageInfo": {"hasNextPage": true, "lastId": 7006}}}`),
			wantErr: "Plans 7006 has no date_create, so the walk cannot tell where 2026-01-01 falls"},
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
				b.replay.inject(tt.key, true, tt.fault)
			}
			if tt.endpoints == "" {
				tt.endpoints = "contract"
			}
			opts.Endpoints = endpoints(t, tt.endpoints)
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
		// The REST paths and folders that a GraphQL walk replaces name it.
		{"contract-units", []string{"contract"}, ""},
		{"contract/all,contract/{id}/units", []string{"contract"}, ""},
		{"v3/plans/kato, plans-kato", []string{"plans"}, ""},
		{"refs/ref_units,v3/refs/ref_trade_methods", []string{"refs/ref_trade_methods", "refs/ref_units"}, ""},
		{"graphql", nil, `unknown endpoint "graphql"`},
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
	require.Equal(t, []string{"contract", "plans", "subject", "refs/ref_contract_status", "refs/ref_trade_methods", "refs/ref_units"},
		names(SyncEndpoints()), "a sync leaves out the lists the importer does not read")
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
