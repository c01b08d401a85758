package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testToken is what the replay server expects. It is distinctive, so that a leak is easy to find.
const testToken = "tok-3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e"

// replayDir holds pages recorded in the OWS v3 shape, one folder per endpoint, as Fetch writes them.
var replayDir = filepath.Join("testdata", "replay")

// fault answers a request in place of the recorded page.
type fault func(w http.ResponseWriter, r *http.Request, page []byte)

func status(code int, header ...string) fault {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"message":"` + http.StatusText(code) + `"}`)) //nolint:errcheck
	}
}

// echoAuth fails with code and sends back the request's Authorization header, as a careless server might.
func echoAuth(code int) fault {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.WriteHeader(code)
		w.Write([]byte(`{"error":"bad credentials","got":"` + r.Header.Get("Authorization") + `"}`)) //nolint:errcheck
	}
}

// truncated sends a complete response whose JSON stops half-way.
func truncated(w http.ResponseWriter, r *http.Request, page []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(page[:len(page)/2]) //nolint:errcheck
}

// cut promises the whole page and closes the connection half-way.
func cut(w http.ResponseWriter, r *http.Request, page []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	w.Write(page[:len(page)/2]) //nolint:errcheck
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter, r *http.Request, _ []byte) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func body(s string) fault {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) { w.Write([]byte(s)) } //nolint:errcheck
}

// replay serves the recorded pages: an endpoint's first page at its path (whatever the query), every
// later page at the next_page of the page before. It checks the token and injects scripted faults.
type replay struct {
	srv   *httptest.Server
	pages map[string][]byte // key: endpoint folder + "/" + page file name
	byURI map[string]string // next_page → key
	first map[string]string // endpoint path → key of its first page

	mu       sync.Mutex
	faults   map[string][]fault // key → faults for its next requests, in order; the last repeats with repeatLast
	repeat   map[string]bool
	hits     map[string]int
	queries  map[string][]string // endpoint path → queries of first-page requests
	requests int
	// onRequest is called before answering the n-th request (from 1). When it returns true the request
	// is never answered: the server waits until the client gives up on it.
	onRequest func(n int, key string) (drop bool)
}

func newReplay(t *testing.T) *replay {
	t.Helper()
	rp := &replay{
		pages: map[string][]byte{}, byURI: map[string]string{}, first: map[string]string{},
		faults: map[string][]fault{}, repeat: map[string]bool{}, hits: map[string]int{}, queries: map[string][]string{},
	}
	for _, ep := range Endpoints {
		files, err := filepath.Glob(filepath.Join(replayDir, filepath.FromSlash(ep.Name), "page-*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files, ep.Name)
		sort.Strings(files)
		for i, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			key := ep.Name + "/" + filepath.Base(f)
			rp.pages[key] = b
			if i == 0 {
				rp.first[ep.Path] = key
			}
			var p struct {
				NextPage *string `json:"next_page"`
			}
			require.NoError(t, json.Unmarshal(b, &p), f)
			if p.NextPage != nil && *p.NextPage != "" {
				require.Less(t, i+1, len(files), "%s has a next_page but no next file", f)
				rp.byURI[*p.NextPage] = ep.Name + "/" + filepath.Base(files[i+1])
			}
		}
	}
	rp.srv = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *replay) serve(w http.ResponseWriter, r *http.Request) {
	key, ok := rp.byURI[r.URL.RequestURI()]
	if !ok {
		key, ok = rp.first[r.URL.Path]
	}
	rp.mu.Lock()
	rp.requests++
	n, hook := rp.requests, rp.onRequest
	if ok {
		rp.hits[key]++
		if k, first := rp.first[r.URL.Path]; first && k == key {
			rp.queries[r.URL.Path] = append(rp.queries[r.URL.Path], r.URL.RawQuery)
		}
	}
	var f fault
	if fs := rp.faults[key]; ok && len(fs) > 0 {
		f = fs[0]
		if len(fs) > 1 || !rp.repeat[key] {
			rp.faults[key] = fs[1:]
		}
	}
	rp.mu.Unlock()
	if hook != nil && hook(n, key) {
		<-r.Context().Done()
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Unauthorized"}`)) //nolint:errcheck
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if f != nil {
		f(w, r, rp.pages[key])
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(rp.pages[key]) //nolint:errcheck
}

// inject scripts faults for the next requests of a page; with repeatLast the last fault never ends.
func (rp *replay) inject(key string, repeatLast bool, faults ...fault) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.faults[key] = faults
	rp.repeat[key] = repeatLast
}

func (rp *replay) hitCounts() map[string]int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	m := make(map[string]int, len(rp.hits))
	for k, v := range rp.hits {
		m[k] = v
	}
	return m
}

func (rp *replay) totalHits() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.requests
}

// expectHits returns every recorded page of the endpoints with n hits.
func (rp *replay) expectHits(n int, eps ...Endpoint) map[string]int {
	m := map[string]int{}
	for key := range rp.pages {
		for _, ep := range eps {
			if strings.HasPrefix(key, ep.Name+"/") {
				m[key] = n
			}
		}
	}
	return m
}

// sleeper records the waits it is asked for and returns at once.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// countingLimiter counts the requests it lets through.
type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

// lockedBuffer collects log output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testBundle is a replay server and a client of it whose waits, requests and logs are recorded.
type testBundle struct {
	replay  *replay
	client  *Client
	sleeper *sleeper
	limiter *countingLimiter
	logs    *lockedBuffer
	dir     string
}

func setup(t *testing.T, maxAttempts int) *testBundle {
	t.Helper()
	b := &testBundle{replay: newReplay(t), sleeper: &sleeper{}, limiter: &countingLimiter{}, logs: &lockedBuffer{}, dir: t.TempDir()}
	var err error
	b.client, err = NewClient(ClientOptions{
		BaseURL: b.replay.srv.URL, Token: testToken, Limiter: b.limiter, Sleep: b.sleeper.Sleep, MaxAttempts: maxAttempts,
		// Without keep-alives, net/http never silently retries a request whose reused connection was
		// closed, so every attempt is the client's own and can be counted.
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
		Log:        slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)
	return b
}

func endpoints(t *testing.T, list string) []Endpoint {
	t.Helper()
	eps, err := LookupEndpoints(list)
	require.NoError(t, err)
	return eps
}

// readTree returns the files under dir by slash-separated relative path, without the state file.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if rel == StateFile {
			return nil
		}
		b, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	require.NoError(t, err)
	return files
}

// recorded returns the recorded pages of the endpoints, as readTree would find them after a fetch.
func recorded(t *testing.T, eps ...Endpoint) map[string]string {
	t.Helper()
	all := readTree(t, replayDir)
	want := map[string]string{}
	for path, content := range all {
		for _, ep := range eps {
			if strings.HasPrefix(path, ep.Name+"/") {
				want[path] = content
			}
		}
	}
	return want
}
