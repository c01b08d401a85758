package portal

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const (
	subjectPage1 = "v3/subject/all/page-000001.json"
	subjectPage2 = "v3/subject/all/page-000002.json"
	subjectNext  = "/v3/subject/all?page=next&limit=3&search_after=340217" // subjectPage1's next_page
)

// between is a wait drawn from the backoff schedule: base ±50%.
func between(base time.Duration) [2]time.Duration { return [2]time.Duration{base / 2, base * 3 / 2} }

func exactly(d time.Duration) [2]time.Duration { return [2]time.Duration{d, d} }

func TestRetriesRecoverTheSamePage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		faults    []fault
		wantWaits [][2]time.Duration // each wait within [min, max]
	}{
		{name: "429 honours Retry-After", faults: []fault{status(429, "Retry-After", "1")},
			wantWaits: [][2]time.Duration{exactly(time.Second)}},
		{name: "429 without Retry-After backs off", faults: []fault{status(429)},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "503 honours Retry-After", faults: []fault{status(503, "Retry-After", "7")},
			wantWaits: [][2]time.Duration{exactly(7 * time.Second)}},
		{name: "Retry-After is capped", faults: []fault{status(429, "Retry-After", "86400")},
			wantWaits: [][2]time.Duration{exactly(MaxRetryAfter)}},
		{name: "500", faults: []fault{status(500)},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "403, which the portal sends now and then", faults: []fault{status(403), status(403)},
			wantWaits: [][2]time.Duration{between(time.Second), between(2 * time.Second)}},
		{name: "502 then 504", faults: []fault{status(502), status(504)},
			wantWaits: [][2]time.Duration{between(time.Second), between(2 * time.Second)}},
		{name: "truncated JSON", faults: []fault{truncated},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "connection cut mid-page", faults: []fault{cut},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "connection closed without an answer", faults: []fault{hangUp},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "a page without items", faults: []fault{body(`{"total": 8, "next_page": ""}`)},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "items that are not an array", faults: []fault{body(`{"items": {"id": 1}, "next_page": ""}`)},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "an HTML error page with status 200", faults: []fault{body(`<html><body>Service Unavailable</body></html>`)},
			wantWaits: [][2]time.Duration{between(time.Second)}},
		{name: "Retry-After does not advance the backoff",
			faults: []fault{status(429, "Retry-After", "1"), status(500), truncated, status(429, "Retry-After", "2"), status(500)},
			wantWaits: [][2]time.Duration{exactly(time.Second), between(time.Second), between(2 * time.Second),
				exactly(2 * time.Second), between(4 * time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(subjectPage2, false, tt.faults...)
			eps := endpoints(t, "subject")

			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
			require.NoError(t, err)

			require.Equal(t, recorded(t, eps...), readTree(t, b.dir), "the pages land unchanged")
			want := b.replay.expectHits(1, eps...)
			want[subjectPage2] = 1 + len(tt.faults)
			require.Equal(t, want, b.replay.hitCounts())
			requireWaits(t, tt.wantWaits, b.sleeper.Waits())
			require.Equal(t, int64(b.replay.totalHits()), b.limiter.n.Load(), "every request, retries included, passes the limiter")
			require.Contains(t, b.logs.String(), "portal: retrying")
		})
	}
}

func TestRefusalsFailAtOnce(t *testing.T) {
	t.Parallel()
	badFilter := func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.WriteHeader(400)
		w.Write([]byte("unknown parameter\n\tlimit")) //nolint:errcheck
	}
	tests := []struct {
		name   string
		fault  fault
		status int
		want   []string
	}{
		{"401", status(401), 401, []string{"401 Unauthorized", "check the token"}},
		{"404 while the token is accepted", status(404), 404, []string{"404 Not Found", "token was accepted on " + ProbePath, "check --base-url"}},
		{"400 with the portal's message", badFilter, 400,
			[]string{"400 Bad Request", `"unknown parameter limit"`, "the " + LimitParam + " parameter or a GraphQL filter may be wrong"}},
		{"422", status(422), 422, []string{"422", LimitParam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(subjectPage2, true, tt.fault)
			eps := endpoints(t, "subject")

			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: eps})
			require.Error(t, err)
			require.ErrorContains(t, err, "portal: subject page 2 (GET "+subjectNext+")")
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
			var se *StatusError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.status, se.Status)
			require.Equal(t, 1, b.replay.hitCounts()[subjectPage2], "no retry")
			require.Empty(t, b.sleeper.Waits())
			require.Equal(t, map[string]string{"subject/page-000001.json": recorded(t, eps...)["subject/page-000001.json"]},
				readTree(t, b.dir), "the page before the refusal is kept")
		})
	}
}

// The portal answers a wrong or expired token with 404 "Invalid Route", as it answers a path it does not
// serve. A 404 is told apart by requesting ProbePath once.
func TestRejectedTokenIsToldApartFromAMissingPage(t *testing.T) {
	t.Parallel()
	probeKey := "v3/refs/ref_contract_status/page-000001.json"
	tests := []struct {
		name      string
		endpoints string
		prepare   func(b *testBundle)
		rejected  bool
		want      []string
		hits      map[string]int // of these pages
	}{
		{name: "a page that is missing", endpoints: "subject",
			prepare:  func(b *testBundle) { b.replay.inject(subjectPage2, true, invalidRoute) },
			want:     []string{"404 Not Found", `"{\"status\":404,\"message\":\"Invalid Route\"}"`, "check --base-url"},
			hits:     map[string]int{subjectPage2: 1, probeKey: 1},
			rejected: false},
		{name: "a token that expires after the first page", endpoints: "subject",
			prepare: func(b *testBundle) {
				b.replay.onRequest = func(n int, key string) bool {
					if n == 1 {
						b.replay.acceptToken("renewed-" + testToken)
					}
					return false
				}
			},
			want:     []string{"portal: subject page 2", "404 Not Found", "the portal rejected the token", "renew it (" + TokenHelpURL + ")", "run the same command again"},
			hits:     map[string]int{subjectPage2: 1, probeKey: 1},
			rejected: true},
		{name: "a wrong token", endpoints: "subject",
			prepare:  func(b *testBundle) { b.replay.acceptToken("another-" + testToken) },
			want:     []string{"portal: subject page 1", "the portal rejected the token"},
			hits:     map[string]int{subjectPage1: 1, probeKey: 1},
			rejected: true},
		{name: "a wrong token on the probe path itself", endpoints: "refs/ref_contract_status",
			prepare:  func(b *testBundle) { b.replay.acceptToken("another-" + testToken) },
			want:     []string{"the portal rejected the token"},
			hits:     map[string]int{probeKey: 1},
			rejected: true},
		{name: "a probe that fails otherwise proves nothing", endpoints: "subject",
			prepare: func(b *testBundle) {
				b.replay.inject(subjectPage2, true, invalidRoute)
				b.replay.inject(probeKey, true, status(503))
			},
			want:     []string{"404 Not Found", "check --base-url"},
			hits:     map[string]int{subjectPage2: 1, probeKey: 1},
			rejected: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			tt.prepare(b)
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, tt.endpoints)})
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
			require.Equal(t, tt.rejected, IsTokenRejected(err))
			require.Empty(t, b.sleeper.Waits(), "a 404 is not retried")
			hits := b.replay.hitCounts()
			for key, n := range tt.hits {
				require.Equal(t, n, hits[key], key)
			}
		})
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		maxAttempts int
		fault       fault
		want        string
	}{
		{"one attempt", 1, status(500), "portal: subject page 2 (GET " + subjectNext + "): 500 Internal Server Error"},
		{"three attempts of 500", 3, status(500), "portal: subject page 2 (GET " + subjectNext + "): gave up after 3 attempts: 500 Internal Server Error"},
		{"six attempts of 429", 6, status(429, "Retry-After", "1"), "gave up after 6 attempts: 429 Too Many Requests"},
		{"six truncated pages", 6, truncated, "gave up after 6 attempts: invalid page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.maxAttempts)
			b.replay.inject(subjectPage2, true, tt.fault)

			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "subject")})
			require.ErrorContains(t, err, tt.want)
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, FetchError{Endpoint: "subject", Page: 2, Method: "GET", Request: subjectNext,
				Attempts: tt.maxAttempts, Err: fe.Err}, *fe)
			require.Equal(t, tt.maxAttempts, b.replay.hitCounts()[subjectPage2])
			require.Len(t, b.sleeper.Waits(), tt.maxAttempts-1)
		})
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		token  string // the client's token; the server expects testToken
		faults []fault
		repeat bool
	}{
		{name: "wrong token", token: "wrong-" + testToken},
		{name: "401 echoing the header", token: testToken, faults: []fault{echoAuth(401)}, repeat: true},
		{name: "500s echoing the header until giving up", token: testToken, faults: []fault{echoAuth(500)}, repeat: true},
		{name: "a 500 echoing the header, then success", token: testToken, faults: []fault{echoAuth(500)}},
		{name: "an echo longer than the snippet", token: testToken, faults: []fault{func(w http.ResponseWriter, r *http.Request, _ []byte) {
			w.WriteHeader(403)
			w.Write([]byte(strings.Repeat(" ", 4096-20) + r.Header.Get("Authorization"))) //nolint:errcheck
		}}, repeat: true},
		{name: "success", token: testToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, 3)
			c, err := NewClient(ClientOptions{BaseURL: b.replay.srv.URL, Token: tt.token, Limiter: b.limiter, Sleep: b.sleeper.Sleep,
				MaxAttempts: 3, Log: b.client.log})
			require.NoError(t, err)
			b.replay.inject(subjectPage2, tt.repeat, tt.faults...)

			results, err := c.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "contract,subject,refs/ref_units")})
			var text []string
			if err != nil {
				text = append(text, err.Error())
				for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
					text = append(text, e.Error())
				}
			}
			text = append(text, b.logs.String())
			for _, r := range results {
				text = append(text, r.Endpoint)
			}
			files, err := filepath.Glob(filepath.Join(b.dir, "*", "*"))
			require.NoError(t, err)
			files = append(files, filepath.Join(b.dir, StateFile))
			for _, f := range files {
				if content, err := os.ReadFile(f); err == nil {
					text = append(text, string(content))
				}
			}
			secret := strings.TrimPrefix(tt.token, "wrong-")
			for _, s := range text {
				require.NotContains(t, s, secret[:12], "a piece of the token leaked")
			}
			require.Greater(t, b.replay.totalHits(), 0)
		})
	}
}

func TestReadToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    string
		wantErr string
	}{
		{"trims whitespace and the newline", "  " + testToken + "\r\n", testToken, ""},
		{"empty", " \n", "", "the API token is empty"},
		{"two words", "Bearer " + testToken, "", "spaces or control characters"},
		{"two lines", testToken + "\n" + testToken, "", "spaces or control characters"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, "token"+string(rune('a'+i)))
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			got, err := ReadToken(path)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				require.ErrorContains(t, err, path)
				require.NotContains(t, err.Error(), testToken)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	_, err := ReadToken(filepath.Join(dir, "absent"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestNextPageOnAnotherHostIsRefused(t *testing.T) {
	t.Parallel()
	var other atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	t.Cleanup(elsewhere.Close)
	tests := []struct {
		name, next, want string
	}{
		{"another host", elsewhere.URL + "/v3/subject/all?page=next", "points away from"},
		{"protocol-relative", "//" + strings.TrimPrefix(elsewhere.URL, "http://") + "/v3/subject/all", "points away from"},
		{"not a path", "v3/subject/all?page=next", "is not a path starting with /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, DefaultMaxAttempts)
			b.replay.inject(subjectPage1, false, body(`{"items": [], "next_page": "`+tt.next+`"}`))
			_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir, Endpoints: endpoints(t, "subject")})
			require.ErrorContains(t, err, "portal: subject page 2")
			require.ErrorContains(t, err, tt.want)
		})
	}
	t.Cleanup(func() { require.Zero(t, other.Load(), "the other host was never asked") })
}

func TestNextPageKeepsTheBasePath(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Query().Get("page") == "next" {
			w.Write([]byte(`{"items": [{"id": 2}], "next_page": ""}`)) //nolint:errcheck
			return
		}
		w.Write([]byte(`{"items": [{"id": 1}], "next_page": "/v3/refs/ref_units?page=next&search_after=1"}`)) //nolint:errcheck
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientOptions{BaseURL: srv.URL + "/mirror/", Token: testToken, Limiter: &countingLimiter{}})
	require.NoError(t, err)
	_, err = c.Fetch(context.Background(), FetchOptions{Dir: t.TempDir(), Endpoints: endpoints(t, "refs/ref_units")})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"/mirror/v3/refs/ref_units?limit=500", "/mirror/v3/refs/ref_units?page=next&search_after=1"}, paths)
}

func TestLimiterGuardsEveryRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, DefaultMaxAttempts)
	b.replay.inject(subjectPage2, false, status(500), truncated)
	_, err := b.client.Fetch(context.Background(), FetchOptions{Dir: b.dir})
	require.NoError(t, err)
	// Every REST page, each GraphQL list's one page and its head read again, and the two faults.
	require.Equal(t, len(b.replay.pages)+2*2+2, b.replay.totalHits())
	require.Equal(t, int64(b.replay.totalHits()), b.limiter.n.Load())

	// A limiter that refuses (its context is done) stops the fetch before any request.
	b2 := setup(t, DefaultMaxAttempts)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = b2.client.Fetch(ctx, FetchOptions{Dir: b2.dir})
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, b2.replay.totalHits())

	// Without a limiter, the client paces at DefaultRate with no bursts.
	c, err := NewClient(ClientOptions{Token: testToken})
	require.NoError(t, err)
	lim, ok := c.limiter.(*rate.Limiter)
	require.True(t, ok)
	require.Equal(t, rate.Limit(DefaultRate), lim.Limit())
	require.Equal(t, 1, lim.Burst())
	require.Equal(t, DefaultBaseURL, c.BaseURL())
}

func TestNewClientChecksOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    ClientOptions
		wantErr string
	}{
		{"no token", ClientOptions{}, "token is empty"},
		{"relative base URL", ClientOptions{Token: "t", BaseURL: "ows.goszakup.gov.kz"}, "want http(s)://host"},
		{"base URL with a query", ClientOptions{Token: "t", BaseURL: "https://ows.goszakup.gov.kz/?x=1"}, "without a query"},
		{"ftp", ClientOptions{Token: "t", BaseURL: "ftp://ows.goszakup.gov.kz"}, "want http(s)://host"},
		{"negative attempts", ClientOptions{Token: "t", MaxAttempts: -1}, "want at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewClient(tt.opts)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestParsePage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		items   int
		next    string
		wantErr string
	}{
		{"a page", `{"total": 2, "items": [{"id": 1}, {"id": 2}], "next_page": "/v3/contract/all?page=next"}`, 2, "/v3/contract/all?page=next", ""},
		{"the last page, empty next_page", `{"items": [{"id": 1}], "next_page": ""}`, 1, "", ""},
		{"the last page, null next_page", `{"items": [], "next_page": null}`, 0, "", ""},
		{"no next_page", `{"items": []}`, 0, "", ""},
		{"null items", `{"items": null, "next_page": ""}`, 0, "", ""},
		{"no items", `{"next_page": ""}`, 0, "", `no "items"`},
		{"items not an array", `{"items": "x"}`, 0, "", `"items" is not an array`},
		{"next_page a number", `{"items": [], "next_page": 2}`, 0, "", `"next_page" is not a string`},
		{"truncated", `{"items": [{"id": 1}, {"id"`, 0, "", "truncated?"},
		{"a bare array", `[{"id": 1}]`, 0, "", "invalid page"},
		{"empty", ``, 0, "", "invalid page (0 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := parsePage([]byte(tt.body))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, Page{Body: []byte(tt.body), Items: tt.items, NextPage: tt.next}, p)
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"Mon, 02 Mar 2026 10:00:45 GMT", 45 * time.Second},
		{"Mon, 02 Mar 2026 09:00:00 GMT", 0},
		{"3600", MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, retryAfter(tt.header, now))
		})
	}
}
