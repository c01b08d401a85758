package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	units5001  = "v3/contract/5001/units/page-000001.json" // two units, and a next_page
	units5001b = "v3/contract/5001/units/page-000002.json" // no units
	units5004  = "v3/contract/5004/units/page-000001.json"
)

// onlyUnits keeps the contract-units files of a tree.
func onlyUnits(tree map[string]string) map[string]string {
	maps.DeleteFunc(tree, func(path, _ string) bool { return !strings.HasPrefix(path, "contract-units/") })
	return tree
}

func TestWithContractID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		unit    string
		want    string
		named   string
		wantErr string
	}{
		{name: "absent: added first, every other byte kept",
			unit: `{"id": 6007, "item_price": 12500.005, "total_sum_wnds": 1250000.50, "ks_proc": 8e1}`,
			want: `{"contract_id":5001,"id": 6007, "item_price": 12500.005, "total_sum_wnds": 1250000.50, "ks_proc": 8e1}`},
		{name: "absent from a unit on many lines", unit: "{\n  \"id\": 6001,\n  \"quantity\": 120\n}",
			want: "{\"contract_id\":5001,\n  \"id\": 6001,\n  \"quantity\": 120\n}"},
		{name: "absent from an empty unit", unit: `{ }`, want: `{"contract_id":5001 }`},
		{name: "null is replaced in place", unit: `{"id": 6001, "contract_id" : null , "quantity": 120}`,
			want: `{"id": 6001, "contract_id" : 5001 , "quantity": 120}`},
		{name: "an empty string is replaced", unit: `{"contract_id": "", "id": 6001}`, want: `{"contract_id": 5001, "id": 6001}`},
		{name: "a contract id is kept", unit: `{"id": 6004, "contract_id": 5003}`, want: `{"id": 6004, "contract_id": 5003}`, named: `5003`},
		{name: "a contract id as a string is kept", unit: `{"contract_id": "5001", "id": 6001}`,
			want: `{"contract_id": "5001", "id": 6001}`, named: `"5001"`},
		{name: "a nested contract_id is not the unit's", unit: `{"id": 6001, "spec": {"contract_id": 7}}`,
			want: `{"contract_id":5001,"id": 6001, "spec": {"contract_id": 7}}`},
		{name: "an array", unit: `[{"id": 6001}]`, want: `[{"id": 6001}]`, wantErr: "not a JSON object"},
		{name: "a number", unit: `6001`, want: `6001`, wantErr: "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, named, err := withContractID(json.RawMessage(tt.unit), 5001)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
				require.True(t, json.Valid(got), string(got))
			}
			require.Equal(t, tt.want, string(got))
			require.Equal(t, tt.named, string(named))
		})
	}
}

func TestUnitsAreGatheredIntoPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pageSize int
		pages    int
	}{
		{pageSize: 0, pages: 1}, // DefaultUnitsPageSize
		{pageSize: 1, pages: 9},
		{pageSize: 2, pages: 5},
		{pageSize: 4, pages: 3},
		{pageSize: 9, pages: 1},
		{pageSize: 10, pages: 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page size %d", tt.pageSize), func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			eps := endpoints(t, "contract,contract-units")
			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: tt.pageSize})
			require.NoError(t, err)

			want := recorded(t, eps[0])
			maps.Copy(want, gathered(t, eps[1], tt.pageSize))
			tree := readTree(t, b.dir)
			require.Equal(t, want, tree, "each contract's units in contract order, with their contract_id")
			require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: tt.pages, Items: 9, Fetched: 9}, results[1])
			require.Equal(t, b.replay.expectHits(1, eps...), b.replay.hitCounts())
			if tt.pageSize == 4 {
				require.Equal(t, "{\"items\": [\n", tree["contract-units/page-000003.json"][:12])
				require.True(t, strings.HasPrefix(tree["contract-units/page-000003.json"][12:], `{"contract_id":5008,"id": 6009, `))
				require.True(t, strings.HasSuffix(tree["contract-units/page-000003.json"], "\"system_id\": 3}\n]}\n"))
			}
		})
	}
}

func TestUnitsRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		key       string
		faults    []fault
		wantWaits [][2]time.Duration
	}{
		{name: "429 honours Retry-After", key: units5004, faults: []fault{status(429, "Retry-After", "3")},
			wantWaits: [][2]time.Duration{exactly(3 * time.Second)}},
		{name: "500", key: units5004, faults: []fault{status(500)}, wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "truncated body", key: units5004, faults: []fault{truncated}, wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "connection cut", key: units5001, faults: []fault{cut}, wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "429, 500 and a truncated body on a contract's next page", key: units5001b,
			faults:    []fault{status(429, "Retry-After", "1"), status(500), truncated},
			wantWaits: [][2]time.Duration{exactly(time.Second), between(time.Second), between(2 * time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(tt.key, false, tt.faults...)
			eps := endpoints(t, "contract,contract-units")

			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: 2})
			require.NoError(t, err)

			want := recorded(t, eps[0])
			maps.Copy(want, gathered(t, eps[1], 2))
			require.Equal(t, want, readTree(t, b.dir))
			require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: 5, Items: 9, Fetched: 9}, results[1])
			hits := b.replay.expectHits(1, eps...)
			hits[tt.key] += len(tt.faults)
			require.Equal(t, hits, b.replay.hitCounts())
			requireWaits(t, tt.wantWaits, b.sleeper.Waits())
			require.Contains(t, b.logs.String(), "portal: retrying")
		})
	}
}

// A units request that fails for good stops the fetch with the pages written so far saved; the next run
// continues from them.
func TestUnitsFailureStopsAndResumes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    fault
		attempts int
		want     string
	}{
		{"500 until giving up", status(500), 3, "gave up after 3 attempts: 500 Internal Server Error"},
		{"truncated until giving up", truncated, 3, "gave up after 3 attempts: invalid page"},
		{"401 at once", status(401), 1, "401 Unauthorized"},
		{"403 until giving up", status(403), 3, "gave up after 3 attempts: 403 Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, 3)
			b.replay.inject(units5004, true, tt.fault)
			eps := endpoints(t, "contract,contract-units")
			opts := FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: 2}

			results, err := b.client.Fetch(context.Background(), opts)
			require.ErrorContains(t, err, "portal: contract-units page 2 (GET /v3/contract/5004/units)")
			require.ErrorContains(t, err, tt.want)
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.attempts, fe.Attempts)
			require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: 1, Items: 2, Fetched: 4}, results[1])
			require.Equal(t, map[string]string{"contract-units/page-000001.json": gathered(t, eps[1], 2)["contract-units/page-000001.json"]},
				onlyUnits(readTree(t, b.dir)))

			b.replay.inject(units5004, false)
			results, err = b.client.Fetch(context.Background(), opts)
			require.NoError(t, err)
			require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: 5, Items: 9, Fetched: 7, Resumed: true}, results[1])
			require.Equal(t, gathered(t, eps[1], 2), onlyUnits(readTree(t, b.dir)))
		})
	}
}

func TestUnitsOfARemovedContractAreSkipped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string // answers 404
		leftOut []int  // units not written
		fetched int
		removed int64
	}{
		{name: "a contract's only page", key: units5004, leftOut: []int{6005}, fetched: 8, removed: 5004},
		{name: "the first contract", key: units5001, leftOut: []int{6001, 6002}, fetched: 7, removed: 5001},
		{name: "a contract's next page", key: units5001b, fetched: 8, removed: 5001}, // the units before it stay
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(tt.key, true, status(404))
			eps := endpoints(t, "contract,contract-units")

			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
			require.NoError(t, err)
			want := EndpointResult{Endpoint: "contract-units", Pages: 1, Items: int64(9 - len(tt.leftOut)), Fetched: tt.fetched, RemovedContracts: 1}
			require.Equal(t, want, results[1])
			require.Equal(t, gathered(t, eps[1], 0, tt.leftOut...), onlyUnits(readTree(t, b.dir)))
			require.Equal(t, 1, b.replay.hitCounts()[tt.key], "a 404 is not retried")
			require.Contains(t, b.logs.String(), fmt.Sprintf("contract_id=%d", tt.removed))
			require.Contains(t, b.logs.String(), "removed_contracts=1")
			st, err := loadState(b.dir)
			require.NoError(t, err)
			require.Equal(t, []int64{tt.removed}, st.Endpoints["contract-units"].Units.Removed)

			results, err = b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
			require.NoError(t, err)
			want.Fetched, want.Skipped = 0, true
			require.Equal(t, want, results[1], "a complete fetch still reports the removed contracts")
		})
	}
}

// When every contract from the first answers 404, the units path or the server is wrong, not the contracts.
func TestUnitsStopWhenTheFirstContractsAreAllMissing(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	var items []string
	for id := 1; id <= 12; id++ { // the replay server has no units for these
		items = append(items, fmt.Sprintf(`{"id": %d}`, id))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(b.dir, "contract"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(b.dir, "contract", pageName(1)), []byte("["+strings.Join(items, ",")+"]"), 0o644))

	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract-units")})
	require.ErrorContains(t, err, "portal: contract-units: the first 10 contracts all answered 404 (GET /v3/contract/10/units): check --base-url")
	require.Equal(t, 2*maxLeadingRemoved, b.replay.totalHits(), "each 404, and a check of the token after it")
}

// A token that expires in the middle of the walk stops it: the contracts after it are not taken for
// removed ones, and the same fetch with a renewed token resumes and completes the units.
func TestUnitsStopWhenTheTokenIsRejectedMidWalk(t *testing.T) {
	t.Parallel()
	const renewed = "renewed-" + testToken
	b := setup(t, DefaultMaxAttempts)
	b.replay.onRequest = func(n int, key string) bool {
		if n == 3+3 { // the contract pages, the units of 5001 (two pages) and 5002: 5003's are refused
			b.replay.acceptToken(renewed)
		}
		return false
	}
	eps := endpoints(t, "contract,contract-units")
	opts := FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: 2}

	results, err := b.client.Fetch(context.Background(), opts)
	require.True(t, IsTokenRejected(err), "%v", err)
	require.ErrorContains(t, err, "portal: contract-units page 2 (GET /v3/contract/5003/units): 404 Not Found")
	require.ErrorContains(t, err, "renew it")
	require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: 1, Items: 2, Fetched: 3}, results[1], "no contract counted as removed")
	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Empty(t, st.Endpoints["contract-units"].Units.Removed)
	require.Equal(t, 1, st.Endpoints["contract-units"].Units.Contract, "the walk stands at 5002's unit, not yet written")

	b.replay.onRequest = nil
	c, err := NewClient(ClientOptions{BaseURL: b.replay.srv.URL, Token: renewed, Limiter: b.limiter, Sleep: b.sleeper.Sleep})
	require.NoError(t, err)
	results, err = c.Fetch(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, EndpointResult{Endpoint: "contract-units", Pages: 5, Items: 9, Fetched: 7, Resumed: true}, results[1])
	require.Equal(t, gathered(t, eps[1], 2), onlyUnits(readTree(t, b.dir)))
}

func TestUnitsResumeAfterCancel(t *testing.T) {
	t.Parallel()
	const contractRequests = 3
	// The position saved with the last page written: the unit after it.
	wantPosition := map[[2]int]unitsCursor{
		{1, 2}: {contract: 0, request: "/v3/contract/5001/units", skip: 1}, // inside 5001's first page
		{2, 4}: {contract: 1, request: "/v3/contract/5002/units"},
		{4, 9}: {contract: 3, request: "/v3/contract/5004/units"},
		{4, 1}: {}, // nothing written yet
	}
	for _, pageSize := range []int{1, 2, 4} {
		for cancelAt := 1; cancelAt <= 9; cancelAt++ { // each of the 9 units requests
			t.Run(fmt.Sprintf("page size %d, cancel at units request %d", pageSize, cancelAt), func(t *testing.T) {
				t.Parallel()
				eps := endpoints(t, "contract,contract-units")
				ref := setup(t, DefaultMaxAttempts)
				_, err := ref.client.Fetch(context.Background(), FetchOptions{Dir: ref.dir, Endpoints: eps, PageSize: pageSize})
				require.NoError(t, err)

				b := setup(t, DefaultMaxAttempts)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				b.replay.onRequest = func(n int, key string) bool {
					if n == contractRequests+cancelAt {
						cancel()
						return true
					}
					return false
				}
				opts := FetchOptions{Dir: b.dir, Endpoints: eps, PageSize: pageSize}
				_, err = b.client.Fetch(ctx, opts)
				require.ErrorIs(t, err, context.Canceled)
				firstLog := b.replay.requestLog()
				st, err := loadState(b.dir)
				require.NoError(t, err)
				es := st.Endpoints["contract-units"]
				at := unitsCursor{contract: es.Units.Contract, request: es.Units.Request, skip: es.Units.Skip}
				if want, ok := wantPosition[[2]int{pageSize, cancelAt}]; ok {
					require.Equal(t, want, at)
				}

				b.replay.onRequest = nil
				results, err := b.client.Fetch(context.Background(), opts)
				require.NoError(t, err)

				require.Equal(t, readTree(t, ref.dir), readTree(t, b.dir), "no unit is written twice or lost")
				require.Equal(t, es.Pages > 0, results[1].Resumed)
				// Requested again: the page of the first unit not yet written, and every page after it.
				again := at.request
				if again == "" {
					again = fmt.Sprintf("/v3/contract/%d/units", 5001+at.contract)
				}
				key, ok := b.replay.byURI[again]
				if !ok {
					key = b.replay.first[again]
				}
				from := slices.Index(firstLog, key)
				require.GreaterOrEqual(t, from, contractRequests, key)
				want := b.replay.expectHits(1, eps...)
				for _, key := range firstLog[from:] {
					want[key]++
				}
				require.Equal(t, want, b.replay.hitCounts())
			})
		}
	}
}

func TestUnitsAlone(t *testing.T) {
	t.Parallel()
	write := func(name, content string) func(t *testing.T, b *testBundle) {
		return func(t *testing.T, b *testBundle) {
			require.NoError(t, os.MkdirAll(filepath.Join(b.dir, "contract"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(b.dir, "contract", name), []byte(content), 0o644))
		}
	}
	tests := []struct {
		name    string
		prepare []func(t *testing.T, b *testBundle)
		wantErr string
	}{
		{name: "contract fetched before", prepare: []func(*testing.T, *testBundle){func(t *testing.T, b *testBundle) {
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract")})
			require.NoError(t, err)
		}}},
		{name: "contract pages saved elsewhere", prepare: []func(*testing.T, *testBundle){func(t *testing.T, b *testBundle) {
			for path, content := range recorded(t, endpoints(t, "contract")...) {
				write(filepath.Base(path), content)(t, b)
			}
		}}},
		// Bare arrays, ids as strings, an id twice and one missing: each contract is walked once.
		{name: "contract pages in other shapes", prepare: []func(*testing.T, *testBundle){
			write("page-000001.json", `[{"id": 5001}, {"id": "5002"}, {"id": 5003}]`),
			write("page-000002.json", `{"items": [{"id": 5004}, {"id": 5001}, {"id": 5005}, {"id": 5006}]}`),
			write("page-000003.json", `[{"id": 5007}, {"id": null}, {"number": "x"}, {"id": 5008}]`),
		}},
		{name: "no contract folder", wantErr: "portal: contract-units is read per contract, and " +
			filepath.Join("DIR", "contract") + " holds no contract pages: fetch contract first (--endpoints contract,contract-units)"},
		{name: "a contract folder without pages", prepare: []func(*testing.T, *testBundle){write("README.txt", "saved by hand")},
			wantErr: "holds no contract pages: fetch contract first"},
		{name: "an interrupted contract fetch", prepare: []func(*testing.T, *testBundle){func(t *testing.T, b *testBundle) {
			b.replay.inject(contractPage2, false, status(401))
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract")})
			require.Error(t, err)
		}}, wantErr: "the contract fetch in " + filepath.Join("DIR", "contract") + " is not complete: fetch contract first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			for _, prepare := range tt.prepare {
				prepare(t, b)
			}
			before := b.replay.hitCounts()
			eps := endpoints(t, "contract-units")

			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, strings.ReplaceAll(tt.wantErr, "DIR", b.dir))
				require.Equal(t, before, b.replay.hitCounts(), "nothing is requested")
				return
			}
			require.NoError(t, err)
			require.Equal(t, []EndpointResult{{Endpoint: "contract-units", Pages: 1, Items: 9, Fetched: 9}}, results)
			require.Equal(t, gathered(t, eps[0], 0), onlyUnits(readTree(t, b.dir)))
			want := maps.Clone(before)
			maps.Copy(want, b.replay.expectHits(1, eps...))
			require.Equal(t, want, b.replay.hitCounts(), "each contract's units once, no contract page")
		})
	}
}

// Units follow the contract pages they were read for: when the contracts are fetched again, so are they.
func TestUnitsStartOverWhenTheContractsAreFetchedAgain(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	units := endpoints(t, "contract-units")
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir})
	require.NoError(t, err)
	_, err = b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract"), Restart: true})
	require.NoError(t, err)

	results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: units})
	require.NoError(t, err)
	require.Equal(t, []EndpointResult{{Endpoint: "contract-units", Pages: 1, Items: 9, Fetched: 9}}, results)
	require.Contains(t, b.logs.String(), "reason=\"the contracts changed\"")
	require.Equal(t, recorded(t, Endpoints...), readTree(t, b.dir))
	want := b.replay.expectHits(1, Endpoints...)
	maps.Copy(want, b.replay.expectHits(2, endpoints(t, "contract,contract-units")...))
	require.Equal(t, want, b.replay.hitCounts())
}

func TestUnitsOfNoContracts(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	require.NoError(t, os.MkdirAll(filepath.Join(b.dir, "contract"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(b.dir, "contract", pageName(1)), []byte(`{"items": [], "next_page": ""}`), 0o644))
	eps := endpoints(t, "contract-units")

	results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.Equal(t, []EndpointResult{{Endpoint: "contract-units"}}, results)
	require.Empty(t, onlyUnits(readTree(t, b.dir)))
	require.DirExists(t, filepath.Join(b.dir, "contract-units"))
	require.Zero(t, b.replay.totalHits())

	results, err = b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	require.Equal(t, []EndpointResult{{Endpoint: "contract-units", Skipped: true}}, results)
}
