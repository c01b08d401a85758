package portal

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the replay server's GraphQL lists")

// The GraphQL lists of the replay server, fetched whole, are the pages in testdata/golden. Run with
// -update to rewrite them, and read the difference.
func TestListsMatchTheGoldenPages(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	eps := endpointsWhere(func(ep Endpoint) bool { return ep.GraphQL() })
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
	require.NoError(t, err)
	tree := readTree(t, b.dir)
	if *update {
		for name, content := range tree {
			path := filepath.Join("testdata", "golden", filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		}
	}
	require.Equal(t, recorded(t, eps...), tree)
}

// The request budget: contracts come 200 a page with their units nested, and the walk reads the head
// again once at its end, so 1,000 contracts take 6 requests, units included (the per-contract REST
// walk took 1,002).
func TestRequestsPer1000Contracts(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1000, 5000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			recs := genContracts(n, 30_000_000, "2026-03-09")
			units := 0
			for _, r := range recs {
				units += len(r["ContractUnits"].([]any))
			}
			b.replay.setList("Contract", recs)
			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract"),
				Since: "2026-03-01", Until: "2026-03-11"})
			require.NoError(t, err)
			require.Equal(t, int64(n), results[0].Items)
			require.Equal(t, int64(units), results[0].Nested)
			tree := readTree(t, b.dir)
			require.Len(t, pageItems(t, tree, "contract"), n)
			require.Len(t, pageItems(t, tree, "contract-units"), units)

			requests := b.replay.totalHits()
			perThousand := float64(requests) * 1000 / float64(n)
			t.Logf("%d contracts, %d units: %d requests, %.1f per 1,000 contracts", n, units, requests, perThousand)
			require.LessOrEqual(t, perThousand, 6.0)
			require.Equal(t, int64(requests), b.limiter.n.Load())
		})
	}
}

// Lists are newest first, so contracts created during a walk land before its cursor. The walk reads
// the head again at its end and writes them, each once.
func TestHeadIsReadAgainForRecordsCreatedMidWalk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		created int // contracts created while the second page is asked for
		again   []string
	}{
		{name: "none", created: 0, again: []string{"graphql/Contract/after=0"}},
		{name: "two", created: 2, again: []string{"graphql/Contract/after=0"}},
		// More than a page: the head is read until the walk's first contract (5008) comes.
		{name: "five", created: 5, again: []string{"graphql/Contract/after=0", "graphql/Contract/after=5011"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			created := genContracts(tt.created, 5008+int64(tt.created), "2026-02-20")
			b.replay.onRequest = func(n int, key string) bool {
				if key == "graphql/Contract/after=5006" {
					b.replay.insert("Contract", created...)
				}
				return false
			}
			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract"), PageSize: 3})
			require.NoError(t, err)

			var want []string
			for _, r := range created {
				want = append(want, string(r["id"].(json.Number)))
			}
			for id := 5008; id >= 5001; id-- {
				want = append(want, strconv.Itoa(id))
			}
			got := contractIDs(t, b.dir)
			require.ElementsMatch(t, want, got, "every contract once")
			require.Equal(t, int64(8+tt.created), results[0].Items)
			log := b.replay.requestLog()
			require.Equal(t, tt.again, log[3:], "after the walk's three pages")
		})
	}
}

// A token that expires in the middle of a walk stops it with a message to renew it; the same fetch with
// the new token resumes after the last page written and completes it.
func TestWalkStopsWhenTheTokenIsRejectedAndResumes(t *testing.T) {
	t.Parallel()
	const renewed = "renewed-" + testToken
	ref := setup(t, DefaultMaxAttempts)
	eps := endpoints(t, "contract")
	opts := FetchOptions{Endpoints: eps, PageSize: 3}
	opts.Dir = ref.dir
	_, err := ref.client.Fetch(context.Background(), opts)
	require.NoError(t, err)

	b := setup(t, DefaultMaxAttempts)
	b.replay.onRequest = func(n int, key string) bool {
		if n == 1 {
			b.replay.acceptToken(renewed) // after the first page
		}
		return false
	}
	opts.Dir = b.dir
	results, err := b.client.Fetch(context.Background(), opts)
	require.True(t, IsTokenRejected(err), "%v", err)
	require.ErrorContains(t, err, "portal: contract page 2 (POST /v3/graphql Contract after 5006): 404 Not Found")
	require.ErrorContains(t, err, "renew it")
	require.ErrorContains(t, err, "run the same command again")
	require.Equal(t, EndpointResult{Endpoint: "contract", Pages: 1, Items: 3, Nested: 3, Fetched: 1}, results[0])
	st, err := loadState(b.dir)
	require.NoError(t, err)
	require.Equal(t, int64(5006), st.Endpoints["contract"].After)
	require.Empty(t, b.sleeper.Waits(), "a rejected token is not retried")

	b.replay.onRequest = nil
	c, err := NewClient(ClientOptions{BaseURL: b.replay.srv.URL, Token: renewed, Limiter: b.limiter, Sleep: b.sleeper.Sleep})
	require.NoError(t, err)
	results, err = c.Fetch(context.Background(), opts)
	require.NoError(t, err)
	require.Equal(t, EndpointResult{Endpoint: "contract", Pages: 3, Items: 8, Nested: 9, Fetched: 3, Resumed: true}, results[0])
	require.Equal(t, readTree(t, ref.dir), readTree(t, b.dir))
	require.Equal(t, 2, b.replay.hitCounts()["graphql/Contract/after=5006"], "the refused page, and again")
}

// Plan points take no date filter: a since walk goes newest first and stops after a page whose points
// were all created before the since date.
func TestPlanWalkStopsAtTheSinceDate(t *testing.T) {
	t.Parallel()
	points := make([]map[string]any, 0, 10)
	for i := range 10 {
		id := int64(100 - i)
		day := fmt.Sprintf("2026-03-%02d", 10-i) // 100 on 10 March, ..., 91 on 1 March
		points = append(points, map[string]any{"id": json.Number(strconv.FormatInt(id, 10)), "dateCreate": day + " 09:00:00",
			"refEnstruCode": "141311.100.000001", "PlansKato": []any{map[string]any{"refKatoCode": "751110000"}}})
	}
	tests := []struct {
		since    string
		requests []string
		items    int
	}{
		// 100-98, 97-95 (95 on the 6th), 94-92 (all before the 6th): stop, and read the head again.
		{"2026-03-06", []string{"after=0", "after=98", "after=95", "after=0"}, 9},
		{"2026-03-09", []string{"after=0", "after=98", "after=0"}, 6},
		{"", []string{"after=0", "after=98", "after=95", "after=92", "after=0"}, 10},
	}
	for _, tt := range tests {
		t.Run("since "+tt.since, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.setList("Plans", slices.Clone(points))
			results, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "plans"), PageSize: 3, Since: tt.since})
			require.NoError(t, err)
			var got []string
			for _, key := range b.replay.requestLog() {
				got = append(got, strings.TrimPrefix(key, "graphql/Plans/"))
			}
			require.Equal(t, tt.requests, got)
			require.Equal(t, int64(tt.items), results[0].Items)
			require.Equal(t, int64(tt.items), results[0].Nested)
		})
	}
}
