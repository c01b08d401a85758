package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
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

// invalidRoute is the portal's answer to a wrong or expired token, and to a path it does not serve.
func invalidRoute(w http.ResponseWriter, r *http.Request, _ []byte) {
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"status":404,"message":"Invalid Route"}`)) //nolint:errcheck
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

// replay serves the recorded pages, saved under their API path (replayDir/v3/contract/all/page-000001.json
// and so on): a list's first page at its path (whatever the query), every later page at the next_page of
// the page before. A path without recorded pages answers 404. It checks the token and injects scripted
// faults. Pages are keyed by their file's slash-separated path under replayDir.
type replay struct {
	srv   *httptest.Server
	pages map[string][]byte // key: API path without its leading slash + "/" + page file name
	byURI map[string]string // next_page → key
	first map[string]string // API path → key of its first page

	mu       sync.Mutex
	token    string             // the token accepted; others are answered as the portal does, 404 "Invalid Route"
	faults   map[string][]fault // key → faults for its next requests, in order; the last repeats with repeatLast
	repeat   map[string]bool
	hits     map[string]int
	log      []string // keys requested, in order; "" for a path without pages
	requests int
	lists    map[string][]map[string]any // GraphQL root → records, newest (highest id) first
	queries  map[string][]string         // API path → queries of first-page requests; GraphQL root → the variables of each request
	// onRequest is called before answering the n-th request (from 1). When it returns true the request
	// is never answered: the server waits until the client gives up on it.
	onRequest func(n int, key string) (drop bool)
}

func newReplay(t *testing.T) *replay {
	t.Helper()
	rp := &replay{
		token: testToken,
		pages: map[string][]byte{}, byURI: map[string]string{}, first: map[string]string{},
		faults: map[string][]fault{}, repeat: map[string]bool{}, hits: map[string]int{}, queries: map[string][]string{},
		lists: map[string][]map[string]any{},
	}
	for _, root := range []string{"Contract", "Plans"} {
		rp.lists[root] = readList(t, filepath.Join("testdata", "graphql", root+".json"))
	}
	var files []string
	err := filepath.WalkDir(replayDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	require.NoError(t, err)
	sort.Strings(files)
	for i, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		rel, err := filepath.Rel(replayDir, f)
		require.NoError(t, err)
		key := filepath.ToSlash(rel)
		rp.pages[key] = b
		apiPath := "/" + path.Dir(key)
		if path.Base(key) == pageName(1) {
			rp.first[apiPath] = key
		}
		var p struct {
			NextPage *string `json:"next_page"`
		}
		require.NoError(t, json.Unmarshal(b, &p), f)
		if p.NextPage != nil && *p.NextPage != "" {
			require.Less(t, i+1, len(files), "%s has a next_page but no next file", f)
			require.Equal(t, filepath.Dir(f), filepath.Dir(files[i+1]), "%s has a next_page but no next file", f)
			next, err := filepath.Rel(replayDir, files[i+1])
			require.NoError(t, err)
			rp.byURI[*p.NextPage] = filepath.ToSlash(next)
		}
	}
	for _, ep := range Endpoints {
		if !ep.GraphQL() {
			require.NotEmpty(t, rp.keys(ep), ep.Name)
		}
	}
	rp.srv = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.srv.Close)
	return rp
}

// owns reports whether a recorded page, or a GraphQL request's key, is one that fetching the endpoint
// requests.
func owns(ep Endpoint, key string) bool {
	if ep.GraphQL() {
		return strings.HasPrefix(key, "graphql/"+ep.list.root+"/")
	}
	ok, _ := path.Match(strings.TrimPrefix(ep.Path, "/")+"/page-*.json", key)
	return ok
}

// keys returns the keys of the recorded pages of an endpoint, sorted.
func (rp *replay) keys(ep Endpoint) []string {
	var keys []string
	for key := range rp.pages {
		if owns(ep, key) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	return keys
}

func (rp *replay) serve(w http.ResponseWriter, r *http.Request) {
	var gq *graphQLRequest
	key, ok := rp.byURI[r.URL.RequestURI()]
	if !ok {
		key, ok = rp.first[r.URL.Path]
	}
	if r.URL.Path == GraphQLPath && r.Method == http.MethodPost {
		var err error
		if gq, err = parseGraphQLRequest(r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(err.Error())) //nolint:errcheck
			return
		}
		key, ok = gq.key(), true
	}
	rp.mu.Lock()
	rp.requests++
	n, hook := rp.requests, rp.onRequest
	rp.log = append(rp.log, key)
	if ok {
		rp.hits[key]++
		if k, first := rp.first[r.URL.Path]; first && k == key {
			rp.queries[r.URL.Path] = append(rp.queries[r.URL.Path], r.URL.RawQuery)
		}
		if gq != nil {
			rp.queries[gq.root] = append(rp.queries[gq.root], string(gq.rawVars))
		}
	}
	token := rp.token
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
	if r.Header.Get("Authorization") != "Bearer "+token {
		invalidRoute(w, r, nil)
		return
	}
	if !ok {
		invalidRoute(w, r, nil)
		return
	}
	page := rp.pages[key]
	if gq != nil {
		rp.mu.Lock()
		page = gq.answer(rp.lists[gq.root])
		rp.mu.Unlock()
	}
	if f != nil {
		f(w, r, page)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(page) //nolint:errcheck
}

// insert adds records to a GraphQL list, as the portal does while a walk goes on.
func (rp *replay) insert(root string, recs ...map[string]any) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.lists[root] = append(rp.lists[root], recs...)
	sortNewestFirst(rp.lists[root])
}

// setList replaces a GraphQL list.
func (rp *replay) setList(root string, recs []map[string]any) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	sortNewestFirst(recs)
	rp.lists[root] = recs
}

// update replaces the fields of a record of a GraphQL list.
func (rp *replay) update(root string, id int64, fields map[string]any) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	for _, rec := range rp.lists[root] {
		if recID(rec) == id {
			maps.Copy(rec, fields)
		}
	}
}

// acceptToken makes the server accept token from now on, and refuse any other.
func (rp *replay) acceptToken(token string) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.token = token
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

// requestLog returns the keys requested so far, in order.
func (rp *replay) requestLog() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return slices.Clone(rp.log)
}

// expectHits returns the requests of fetching the endpoints with the default page size, each n times:
// every recorded page of a REST list, and the one page of a GraphQL list twice (the walk, then the head
// read again).
func (rp *replay) expectHits(n int, eps ...Endpoint) map[string]int {
	m := map[string]int{}
	for _, ep := range eps {
		if ep.GraphQL() {
			m["graphql/"+ep.list.root+"/after=0"] = 2 * n
			continue
		}
		for _, key := range rp.keys(ep) {
			m[key] = n
		}
	}
	return m
}

// contractIDs returns the ids of the contracts fetched into dir, in page order.
func contractIDs(t *testing.T, dir string) []string {
	t.Helper()
	var ids []string
	for _, item := range pageItems(t, readTree(t, dir), "contract") {
		var rec struct {
			ID json.Number `json:"id"`
		}
		require.NoError(t, json.Unmarshal([]byte(item), &rec))
		ids = append(ids, string(rec.ID))
	}
	return ids
}

// pageItems returns the records of a folder's pages in a tree, in page order, one line each.
func pageItems(t *testing.T, tree map[string]string, folder string) []string {
	t.Helper()
	var names []string
	for name := range tree {
		if path.Dir(name) == folder {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var items []string
	for _, name := range names {
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		require.NoError(t, json.Unmarshal([]byte(tree[name]), &page), name)
		for _, it := range page.Items {
			items = append(items, string(it))
		}
	}
	return items
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

// recorded returns what a fetch of the endpoints with the default page size writes: the recorded
// pages of each REST list, and for a GraphQL list, the pages in testdata/golden of the list and its
// nested folder.
func recorded(t *testing.T, eps ...Endpoint) map[string]string {
	t.Helper()
	want := map[string]string{}
	for _, ep := range eps {
		var files []string
		var err error
		if ep.GraphQL() {
			for _, name := range []string{ep.Name, ep.NestedName()} {
				golden, err := filepath.Glob(filepath.Join("testdata", "golden", name, "page-*.json"))
				require.NoError(t, err)
				require.NotEmpty(t, golden, name)
				for _, f := range golden {
					b, err := os.ReadFile(f)
					require.NoError(t, err)
					want[name+"/"+filepath.Base(f)] = string(b)
				}
			}
			continue
		}
		dir := filepath.Join(replayDir, filepath.FromSlash(strings.TrimPrefix(ep.Path, "/")))
		files, err = filepath.Glob(filepath.Join(dir, "page-*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files, ep.Name)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			want[ep.Name+"/"+filepath.Base(f)] = string(b)
		}
	}
	return want
}

// requireWaits requires each backoff wait to lie within its [min, max].
func requireWaits(t *testing.T, want [][2]time.Duration, waits []time.Duration) {
	t.Helper()
	require.Len(t, waits, len(want))
	for i, w := range want {
		require.GreaterOrEqual(t, waits[i], w[0], "wait %d", i)
		require.LessOrEqual(t, waits[i], w[1], "wait %d", i)
	}
}
