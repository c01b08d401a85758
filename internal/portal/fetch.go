package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LimitParam is the query parameter for the number of records per page of a REST list. Scripts
// published by users of the API pass limit=500, which the portal accepts (its default is 50).
const LimitParam = "limit"

// DefaultPageSize is the records per REST page asked for when FetchOptions.PageSize is 0.
const DefaultPageSize = 500

// StateFile is the name, inside the output folder, of the file that records a fetch's progress.
const StateFile = ".fetch-state.json"

// DefaultSyncWindow is how far back the first sync of a folder reaches.
const DefaultSyncWindow = 30 * 24 * time.Hour

// SyncOverlap is how far before the previous successful sync's start the next sync's window begins,
// so that records indexed late, or changed while that sync ran, are not missed.
const SyncOverlap = time.Hour

// Almaty is the time of the portal's timestamps, which carry no zone: Kazakhstan keeps UTC+5 all year.
var Almaty = time.FixedZone("Asia/Almaty", 5*60*60)

// AlmatyDate is the date, YYYY-MM-DD, that t falls on in Almaty.
func AlmatyDate(t time.Time) string { return t.In(Almaty).Format(time.DateOnly) }

// maxPages keeps page file names at six digits, so that name order is page order for the importer.
const maxPages = 999_999

// Endpoint is one list that a fetch walks: a REST list, or a GraphQL list whose records, and the
// records nested in them, are written as the REST lists would give them.
type Endpoint struct {
	Name string // the folder under the output directory, slash-separated; also its name in --endpoints
	Path string // the API path of a REST list's first page; GraphQLPath for a GraphQL list
	// Aliases are other names --endpoints accepts: the nested folder a GraphQL list writes, and the
	// REST paths it replaces.
	Aliases []string
	// NotSynced leaves the endpoint out of a sync unless asked for: the importer does not read it, and
	// a REST list cannot be filtered by date, so each sync would download it whole.
	NotSynced bool
	list      *graphQLList
}

// Endpoints are the lists a fetch walks by default. Contracts with their units, and plan points with
// their places, come from GraphQL, which pages through them with their nested records and filters
// contracts by the date they last changed. The REST lists have no date filter: they are fetched whole.
// The REST paths are those that public scripts using the API request.
//
// Lists that refer to others come before the lists they refer to (contracts before subjects): a record
// created while the fetch runs is then more likely to find the records it refers to in the folder
// than the other way round.
var Endpoints = []Endpoint{
	{Name: "contract", Path: GraphQLPath, list: contractList,
		Aliases: []string{"contract-units", "contract/all", "contract/{id}/units", "Contract"}},
	{Name: "plans", Path: GraphQLPath, list: planList,
		Aliases: []string{"plans-kato", "plans/all", "plans/kato", "Plans"}},
	{Name: "subject", Path: "/v3/subject/all"},
	{Name: "lots", Path: "/v3/lots", NotSynced: true},
	{Name: "announcements", Path: "/v3/trd-buy/all", NotSynced: true},
	{Name: "refs/ref_contract_status", Path: "/v3/refs/ref_contract_status"},
	{Name: "refs/ref_trade_methods", Path: "/v3/refs/ref_trade_methods"},
	{Name: "refs/ref_units", Path: "/v3/refs/ref_units"},
}

// SyncEndpoints are the lists a sync walks by default: all but those marked NotSynced.
func SyncEndpoints() []Endpoint {
	var eps []Endpoint
	for _, ep := range Endpoints {
		if !ep.NotSynced {
			eps = append(eps, ep)
		}
	}
	return eps
}

// GraphQL reports whether the endpoint is walked through GraphQL.
func (ep Endpoint) GraphQL() bool { return ep.list != nil }

// NestedName is the folder of the records nested in a GraphQL list's records, or "".
func (ep Endpoint) NestedName() string {
	if ep.list == nil {
		return ""
	}
	return ep.list.nestedDir
}

// LookupEndpoints parses a comma-separated list of endpoints. Each can be given by its folder name
// ("announcements"), its REST path, with or without /v3/ and a final /all ("trd-buy"), or an alias
// ("contract-units" is walked with "contract"). "all" or an empty list means every endpoint. The
// result follows the order of Endpoints.
func LookupEndpoints(list string) ([]Endpoint, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "all" {
		return slices.Clone(Endpoints), nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.Trim(strings.TrimSpace(name), "/")
		name = strings.TrimPrefix(name, "v3/")
		i := slices.IndexFunc(Endpoints, func(ep Endpoint) bool {
			if ep.Name == name || slices.Contains(ep.Aliases, name) {
				return true
			}
			path := strings.TrimPrefix(ep.Path, "/v3/")
			return ep.list == nil && (path == name || strings.TrimSuffix(path, "/all") == name)
		})
		if i < 0 {
			names := make([]string, len(Endpoints))
			for j, ep := range Endpoints {
				names[j] = ep.Name
			}
			return nil, fmt.Errorf("portal: unknown endpoint %q (want some of %s)", name, strings.Join(names, ", "))
		}
		want[Endpoints[i].Name] = true
	}
	var eps []Endpoint
	for _, ep := range Endpoints {
		if want[ep.Name] {
			eps = append(eps, ep)
		}
	}
	return eps, nil
}

// firstRequest is the path and query of a REST list's first page.
func (ep Endpoint) firstRequest(pageSize int) string {
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	return ep.Path + "?" + LimitParam + "=" + strconv.Itoa(pageSize)
}

// FetchOptions describe one fetch.
type FetchOptions struct {
	Dir       string     // output folder; holds one sub-folder per endpoint and the state file
	Endpoints []Endpoint // default: all of Endpoints
	// Since, a date YYYY-MM-DD in Almaty, limits the GraphQL lists: contracts changed from then on
	// (filter lastUpdateDate: [Since, Until]), plan points created from then on. REST lists are
	// fetched whole. "" for everything.
	Since string
	// Until is the end of the window sent with Since. Default: the day after the fetch starts, in
	// Almaty, which covers the whole day whether the portal reads a date as its start or its end.
	Until    string
	PageSize int            // records per REST page (LimitParam; 0: DefaultPageSize); GraphQL pages hold at most GraphQLLimit
	Restart  bool           // discard earlier progress of these endpoints and fetch them again
	Progress func(Progress) // called when an endpoint starts and after each page; may be nil
	Now      func() time.Time

	run string // set by Sync, so that each sync fetches afresh even with the same since date
}

func (opts FetchOptions) report(p Progress) {
	if opts.Progress != nil {
		opts.Progress(p)
	}
}

func (opts FetchOptions) until() string {
	if opts.Until != "" {
		return opts.Until
	}
	return AlmatyDate(opts.Now().Add(24 * time.Hour))
}

// Progress reports how far an endpoint has come, counting pages written by earlier runs.
type Progress struct {
	Endpoint string
	Pages    int
	Items    int64
	Nested   int64 // GraphQL lists: the nested records written (contract units, plan places)
	Done     bool
}

// EndpointResult says what a fetch did with one endpoint.
type EndpointResult struct {
	Endpoint string
	Pages    int   // pages in the folder
	Items    int64 // records in those pages
	Nested   int64 // GraphQL lists: the nested records, in the pages of the nested folder
	Fetched  int   // requests answered in this run (a GraphQL page, a REST page)
	Resumed  bool  // this run continued an interrupted fetch
	Skipped  bool  // the endpoint was already complete; nothing was requested
}

// fetchState is the content of the state file.
type fetchState struct {
	Version   int                       `json:"version"`
	Endpoints map[string]*endpointState `json:"endpoints"`
	LastSync  *time.Time                `json:"last_sync,omitempty"` // start of the fetch of the last sync whose import succeeded
	Sync      *syncRun                  `json:"sync_in_progress,omitempty"`
}

// endpointState is one endpoint's progress. base_url, first_request and run identify the fetch: when
// any differs from the current command, the endpoint starts over.
type endpointState struct {
	BaseURL  string `json:"base_url"`
	First    string `json:"first_request"`
	Run      string `json:"run,omitempty"`
	Pages    int    `json:"pages"` // last page written
	Items    int64  `json:"items"`
	NextPage string `json:"next_page,omitempty"` // REST: the request for page Pages+1
	// GraphQL lists: the window sent, the cursor of the next request (0: the first page), the walk's
	// newest record, and whether the walk is reading the head again (see fetchList).
	Window    []string   `json:"window,omitempty"`
	After     int64      `json:"after,omitempty"`
	Head      int64      `json:"head,omitempty"`
	HeadPass  bool       `json:"head_pass,omitempty"`
	Nested    int64      `json:"nested,omitempty"`
	Done      bool       `json:"done"`
	StartedAt time.Time  `json:"started_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

// changed says why saved progress belongs to another fetch than fresh, or returns "".
func (es *endpointState) changed(fresh *endpointState) string {
	if es.BaseURL != fresh.BaseURL || es.First != fresh.First || es.Run != fresh.Run {
		return "parameters changed"
	}
	return ""
}

func (es *endpointState) progress(name string) Progress {
	return Progress{Endpoint: name, Pages: es.Pages, Items: es.Items, Nested: es.Nested, Done: es.Done}
}

func (es *endpointState) complete(now time.Time) {
	es.Done = true
	now = now.UTC()
	es.DoneAt = &now
}

type syncRun struct {
	StartedAt time.Time `json:"started_at"`
	Since     string    `json:"since"`
	Until     string    `json:"until"`
}

// stateVersion 2: GraphQL walks (cursor, head) replaced the per-contract units walk.
const stateVersion = 2

// Fetch walks each endpoint from its first page and writes the pages to DIR/<endpoint>/page-NNNNNN.json:
// a REST list's pages as received, following next_page until it is empty, a GraphQL list's converted
// (see fetchList). Progress is saved after every page. Running the same fetch again (same base URL,
// since date and page size) continues an interrupted endpoint from its next page and skips a complete
// one. An endpoint fetched with other parameters, or with Restart, starts over, and its old pages are
// removed. Fetch stops at the first endpoint that fails.
func (c *Client) Fetch(ctx context.Context, opts FetchOptions) ([]EndpointResult, error) {
	if opts.Dir == "" {
		return nil, errors.New("portal: no output folder")
	}
	if opts.Since != "" {
		if _, err := time.Parse(time.DateOnly, opts.Since); err != nil {
			return nil, fmt.Errorf("portal: since %q is not a date YYYY-MM-DD", opts.Since)
		}
	}
	if opts.PageSize < 0 {
		return nil, fmt.Errorf("portal: page size %d is negative", opts.PageSize)
	}
	if opts.Until != "" {
		if _, err := time.Parse(time.DateOnly, opts.Until); err != nil {
			return nil, fmt.Errorf("portal: until %q is not a date YYYY-MM-DD", opts.Until)
		}
	}
	if opts.Endpoints == nil {
		opts.Endpoints = Endpoints
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	st, err := loadState(opts.Dir)
	if err != nil {
		return nil, err
	}
	var results []EndpointResult
	for _, ep := range opts.Endpoints {
		fetch := c.fetchEndpoint
		if ep.list != nil {
			fetch = c.fetchList
		}
		res, err := fetch(ctx, opts, st, ep)
		results = append(results, res)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

func (c *Client) fetchEndpoint(ctx context.Context, opts FetchOptions, st *fetchState, ep Endpoint) (EndpointResult, error) {
	res := EndpointResult{Endpoint: ep.Name}
	dir, err := endpointDir(opts.Dir, ep.Name)
	if err != nil {
		return res, err
	}
	first := ep.firstRequest(opts.PageSize)
	es, err := c.begin(opts, st, ep.Name, c.freshState(opts, first), dir)
	if err != nil {
		return res, err
	}
	res.Pages, res.Items = es.Pages, es.Items
	opts.report(es.progress(ep.Name))
	if es.Done {
		res.Skipped = true
		c.log.Info("portal: already complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items)
		return res, nil
	}
	res.Resumed = es.Pages > 0
	c.log.Info("portal: fetching", "endpoint", ep.Name, "from_page", es.Pages+1)
	for !es.Done {
		n := es.Pages + 1
		if n > maxPages {
			return res, fmt.Errorf("portal: %s has more than %d pages: ask for larger pages", ep.Name, maxPages)
		}
		p, err := c.Page(ctx, ep.Name, n, es.NextPage)
		if err != nil {
			return res, err
		}
		res.Fetched++
		if p.NextPage != "" && p.NextPage == es.NextPage {
			return res, fmt.Errorf("portal: %s page %d: next_page %q is the page itself; stopping rather than looping", ep.Name, n, p.NextPage)
		}
		if err := writeFileAtomic(filepath.Join(dir, pageName(n)), p.Body); err != nil {
			return res, err
		}
		es.Pages, es.Items, es.NextPage = n, es.Items+int64(p.Items), p.NextPage
		if p.NextPage == "" {
			es.complete(opts.Now())
		}
		if err := saveState(opts.Dir, st); err != nil {
			return res, err
		}
		res.Pages, res.Items = es.Pages, es.Items
		opts.report(es.progress(ep.Name))
	}
	c.log.Info("portal: endpoint complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items, "fetched", res.Fetched)
	return res, nil
}

// endpointDir creates an endpoint's folder, named slash-separated, and returns it.
func endpointDir(out, name string) (string, error) {
	dir := filepath.Join(out, filepath.FromSlash(name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("portal: %w", err)
	}
	return dir, nil
}

// freshState is the progress of an endpoint that starts from its first page.
func (c *Client) freshState(opts FetchOptions, first string) *endpointState {
	return &endpointState{BaseURL: c.BaseURL(), First: first, Run: opts.run, NextPage: first, StartedAt: opts.Now().UTC()}
}

// begin returns the endpoint's saved progress when it belongs to the same fetch as fresh and its pages
// are all there, in each of its folders. Otherwise it removes the pages of its folders and records
// fresh as its progress.
func (c *Client) begin(opts FetchOptions, st *fetchState, name string, fresh *endpointState, dirs ...string) (*endpointState, error) {
	es := st.Endpoints[name]
	reason := ""
	switch {
	case es == nil:
	case opts.Restart:
		reason = "restart requested"
	default:
		reason = es.changed(fresh)
		for _, dir := range dirs {
			if reason != "" {
				break
			}
			if missing := missingPage(dir, es.Pages); missing != "" {
				reason = filepath.Join(filepath.Base(dir), missing) + " is missing"
			}
		}
	}
	if es != nil && reason == "" {
		for _, dir := range dirs {
			if err := removeTemps(dir); err != nil {
				return nil, err
			}
		}
		return es, nil
	}
	if reason != "" {
		c.log.Info("portal: starting over", "endpoint", name, "reason", reason)
	}
	for _, dir := range dirs {
		if err := clearPages(dir); err != nil {
			return nil, err
		}
	}
	st.Endpoints[name] = fresh
	return fresh, saveState(opts.Dir, st)
}

func pageName(n int) string { return fmt.Sprintf("page-%06d.json", n) }

// missingPage names the first of pages 1..n that is not in dir, or returns "".
func missingPage(dir string, n int) string {
	for i := 1; i <= n; i++ {
		if _, err := os.Stat(filepath.Join(dir, pageName(i))); err != nil {
			return pageName(i)
		}
	}
	return ""
}

// clearPages removes the pages and temporary files that a fetch writes, and nothing else.
func clearPages(dir string) error { return removeMatching(dir, "page-*.json", ".page-*") }

// removeTemps removes temporary files left by an interrupted write.
func removeTemps(dir string) error { return removeMatching(dir, ".page-*") }

func removeMatching(dir string, patterns ...string) error {
	for _, pattern := range patterns {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return fmt.Errorf("portal: %w", err)
		}
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("portal: %w", err)
			}
		}
	}
	return nil
}

// writeFileAtomic writes data to a temporary file in path's folder, flushes it to disk and renames it
// into place, so that path holds either its old content or all of data, even after a crash. The
// temporary name ends in neither .json nor .json.gz, so the importer never reads it.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, name := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("portal: write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("portal: flush %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("portal: write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable. Some systems cannot flush a folder; the rename still happened, so
// this is best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // best effort, see above
		d.Close()
	}
}

func loadState(dir string) (*fetchState, error) {
	path := filepath.Join(dir, StateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &fetchState{Version: stateVersion, Endpoints: map[string]*endpointState{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	var st fetchState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("portal: %s is damaged (%v): remove it, or fetch again with --restart", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("portal: %s has version %d, this program writes %d: fetch again with --restart", path, st.Version, stateVersion)
	}
	if st.Endpoints == nil {
		st.Endpoints = map[string]*endpointState{}
	}
	return &st, nil
}

func saveState(dir string, st *fetchState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, StateFile), append(b, '\n'))
}

// SyncOptions describe one sync.
type SyncOptions struct {
	Fetch  FetchOptions  // the fetch; Since and Until are decided by Sync; Endpoints default to SyncEndpoints
	Window time.Duration // how far back the first sync of the folder reaches; default DefaultSyncWindow
	// Import loads the folder once the fetch is complete, e.g. with ingest's portal format.
	Import func(ctx context.Context, dir string) error
}

// SyncResult says what a sync did.
type SyncResult struct {
	Since     string    // the first day of the window fetched, in Almaty
	Until     string    // its last day
	StartedAt time.Time // when this sync's fetch began
	Resumed   bool      // an interrupted sync was continued
	Endpoints []EndpointResult
}

// NextSince is the first day of the window of the sync after this one, once it has succeeded.
func (r SyncResult) NextSince() string { return AlmatyDate(r.StartedAt.Add(-SyncOverlap)) }

// Sync fetches the records changed since the last successful sync, and then imports the folder.
// A sync succeeds when its import does; only then does the next sync move its start to this one's. An
// interrupted or failed sync is continued by the next call: the fetch resumes (or is skipped when it
// is complete) and the import is tried again.
//
// The window is of whole days in Almaty, the time of the portal's timestamps. It begins on the day that
// was SyncOverlap before the previous successful sync's fetch began, so it overlaps that sync: what
// changed while it ran, or was indexed late, comes again, and importing a record twice is harmless. The
// first sync of a folder reaches Window back. The window ends the day after the sync starts (see
// FetchOptions.Until). The pages of the previous sync are replaced.
func (c *Client) Sync(ctx context.Context, opts SyncOptions) (SyncResult, error) {
	if opts.Import == nil {
		return SyncResult{}, errors.New("portal: sync without an import")
	}
	fo := opts.Fetch
	if fo.Dir == "" {
		return SyncResult{}, errors.New("portal: no output folder")
	}
	if fo.Now == nil {
		fo.Now = time.Now
	}
	if fo.Endpoints == nil {
		fo.Endpoints = SyncEndpoints()
	}
	if opts.Window <= 0 {
		opts.Window = DefaultSyncWindow
	}
	if err := os.MkdirAll(fo.Dir, 0o755); err != nil {
		return SyncResult{}, fmt.Errorf("portal: %w", err)
	}
	st, err := loadState(fo.Dir)
	if err != nil {
		return SyncResult{}, err
	}
	res := SyncResult{Resumed: st.Sync != nil && !fo.Restart}
	if !res.Resumed {
		now := fo.Now().UTC()
		from := now.Add(-opts.Window)
		if st.LastSync != nil {
			from = st.LastSync.Add(-SyncOverlap)
		}
		st.Sync = &syncRun{StartedAt: now, Since: AlmatyDate(from), Until: AlmatyDate(now.Add(24 * time.Hour))}
		if err := saveState(fo.Dir, st); err != nil {
			return res, err
		}
	}
	res.Since, res.Until, res.StartedAt = st.Sync.Since, st.Sync.Until, st.Sync.StartedAt
	c.log.Info("portal: sync", "since", res.Since, "until", res.Until, "resumed", res.Resumed)
	// A new sync has a new run, which makes every endpoint start over; a resumed one keeps its run.
	fo.Since, fo.Until, fo.Restart, fo.run = res.Since, res.Until, false, res.StartedAt.Format(time.RFC3339Nano)
	res.Endpoints, err = c.Fetch(ctx, fo)
	if err != nil {
		return res, err
	}
	if err := opts.Import(ctx, fo.Dir); err != nil {
		return res, err
	}
	if st, err = loadState(fo.Dir); err != nil {
		return res, err
	}
	started := res.StartedAt
	st.LastSync, st.Sync = &started, nil
	return res, saveState(fo.Dir, st)
}
