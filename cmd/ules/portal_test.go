package main

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/portal"
)

// A token the portal refuses is answered 404 "Invalid Route" everywhere: the fetch stops with a
// message to renew it, and never prints it.
func TestPortalFetchWithARejectedToken(t *testing.T) {
	t.Parallel()
	const token = "tok-rejected-7f3a9c1e5b2d4a6f8e0c"
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"status":404,"message":"Invalid Route"}`)) //nolint:errcheck
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(token+"\n"), 0o600))

	code, stdout, stderr := runCLI(t, nil, "portal", "fetch", "--token-file", tokenFile, "--out", filepath.Join(dir, "out"),
		"--base-url", srv.URL, "--endpoints", "contract")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "portal: contract page 1 (POST /v3/graphql Contract): 404 Not Found")
	require.Contains(t, stderr, "the portal rejected the token")
	require.Contains(t, stderr, "renew it ("+portal.TokenHelpURL+")")
	require.Equal(t, 1, strings.Count(stderr, "run the same command again"), "one hint, not two")
	require.NotContains(t, stdout+stderr, token[:12])
	require.Equal(t, int64(2), requests.Load(), "the request, and the check of the token")
}

func TestPrintFetchResults(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	printFetchResults(&b, []portal.EndpointResult{
		{Endpoint: "contract", Pages: 5, Items: 1000, Nested: 2345, Fetched: 6},
		{Endpoint: "subject", Pages: 2, Items: 6, Fetched: 1, Resumed: true},
		{Endpoint: "refs/ref_units", Pages: 1, Items: 4, Skipped: true},
	})
	require.Equal(t, `contract                        5 pages     1000 records  (6 requests now, 2345 contract-units)
subject                         2 pages        6 records  (resumed, 1 request now)
refs/ref_units                   1 page        4 records  (already complete)
`, b.String())
}

// A sync leaves out the lists the importer does not read, unless --endpoints names them.
func TestSyncEndpoints(t *testing.T) {
	t.Parallel()
	names := func(eps []portal.Endpoint) string {
		var s []string
		for _, ep := range eps {
			s = append(s, ep.Name)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "contract,plans,subject,refs/ref_contract_status,refs/ref_trade_methods,refs/ref_units"},
		{[]string{"--endpoints", "all"}, "contract,plans,subject,lots,announcements,refs/ref_contract_status,refs/ref_trade_methods,refs/ref_units"},
		{[]string{"--endpoints", "contract-units,lots"}, "contract,lots"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("sync", flag.ContinueOnError)
			pf := bindPortalFlags(fs)
			require.NoError(t, fs.Parse(tt.args))
			eps, err := portal.LookupEndpoints(pf.endpoints)
			require.NoError(t, err)
			require.Equal(t, tt.want, names(pf.syncEndpoints(fs, eps)))
		})
	}
}
