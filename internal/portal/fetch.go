package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SinceParam is the query parameter that asks a list for the records changed on or after a date
// (YYYY-MM-DD), sent on the first request of each endpoint that is Filtered.
//
// ASSUMPTION: the endpoint paths come from public scripts that use the API, but none of them filters by
// date, and the OWS v3 REST API's filter names are not documented where we could read them. This name
// follows the field the records carry (last_update_date). If the portal rejects it, the request fails
// with 400 and a hint naming this constant. If the portal ignores it, the fetch returns everything,
// which is slower but still correct, since imports are idempotent. Whether next_page keeps the filter
// is also unknown: we follow next_page exactly as given.
const SinceParam = "last_update_date_from"

// LimitParam is the query parameter for the number of records per page. Scripts published by users of
// the API pass limit=...; the largest value the portal accepts is not documented (500 is seen in use).
const LimitParam = "limit"

// StateFile is the name, inside the output folder, of the file that records a fetch's progress.
const StateFile = ".fetch-state.json"

// DefaultSyncWindow is how far back the first sync of a folder reaches.
const DefaultSyncWindow = 30 * 24 * time.Hour

// maxPages keeps page file names at six digits, so that name order is page order for the importer.
const maxPages = 999_999

// Endpoint is one OWS v3 REST list that a fetch walks.
type Endpoint struct {
	Name     string // the folder under the output directory, slash-separated; also its name in --endpoints
	Path     string // the API path of the first page; for a PerContract list, with {id} for the contract's id
	Filtered bool   // whether the since filter applies; reference lists are always fetched whole
	// PerContract marks a list that the API serves one contract at a time: the fetch walks it for each
	// contract in the pages of the contract endpoint, and gathers what it reads into pages of its own.
	PerContract bool
}

// contractEndpoint is the folder whose pages a PerContract endpoint reads the contract ids from.
const contractEndpoint = "contract"

// Endpoints are the lists a fetch walks by default. The paths are those that public scripts using the
// API request; /v3/plans without /all lists plan summaries per customer, not plan points.
//
// Lists that refer to others come before the lists they refer to (contracts before subjects, plan KATO
// rows before plan points): a record created while the fetch runs is then more likely to find the
// records it refers to in the folder than the other way round. Contract units are read per contract, from
// the contract pages this fetch has written, so they follow contracts, and still precede the plan
// points they refer to.
var Endpoints = []Endpoint{
	{Name: contractEndpoint, Path: "/v3/contract/all", Filtered: true},
	{Name: "contract-units", Path: "/v3/contract/{id}/units", PerContract: true},
	{Name: "plans-kato", Path: "/v3/plans/kato", Filtered: true},
	{Name: "plans", Path: "/v3/plans/all", Filtered: true},
	{Name: "subject", Path: "/v3/subject/all", Filtered: true},
	{Name: "lots", Path: "/v3/lots", Filtered: true},
	{Name: "announcements", Path: "/v3/trd-buy/all", Filtered: true},
	{Name: "refs/ref_contract_status", Path: "/v3/refs/ref_contract_status"},
	{Name: "refs/ref_trade_methods", Path: "/v3/refs/ref_trade_methods"},
	{Name: "refs/ref_units", Path: "/v3/refs/ref_units"},
}

// LookupEndpoints parses a comma-separated list of endpoints. Each can be given by its folder name
// ("announcements") or its API path, with or without /v3/ and a final /all ("trd-buy"). "all" or an
// empty list means every endpoint. The result follows the order of Endpoints.
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
			path := strings.TrimPrefix(ep.Path, "/v3/")
			return ep.Name == name || path == name || strings.TrimSuffix(path, "/all") == name
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

// checkOrder refuses a list that would walk a PerContract endpoint before the contracts it reads.
func checkOrder(eps []Endpoint) error {
	for i, ep := range eps {
		if ep.PerContract && slices.ContainsFunc(eps[i+1:], func(e Endpoint) bool { return e.Name == contractEndpoint }) {
			return fmt.Errorf("portal: %s is read per contract: list it after %s", ep.Name, contractEndpoint)
		}
	}
	return nil
}

// firstRequest is the path and query of an endpoint's first page.
func (ep Endpoint) firstRequest(since string, pageSize int) string {
	q := url.Values{}
	if since != "" && ep.Filtered {
		q.Set(SinceParam, since)
	}
	if pageSize > 0 {
		q.Set(LimitParam, strconv.Itoa(pageSize))
	}
	if len(q) == 0 {
		return ep.Path
	}
	return ep.Path + "?" + q.Encode()
}

// FetchOptions describe one fetch.
type FetchOptions struct {
	Dir       string         // output folder; holds one sub-folder per endpoint and the state file
	Endpoints []Endpoint     // default: all of Endpoints
	Since     string         // YYYY-MM-DD: only records changed since then (SinceParam); "" for all
	PageSize  int            // records per page (LimitParam; 0: the portal's default), and units per contract-units page (0: DefaultUnitsPageSize)
	Restart   bool           // discard earlier progress of these endpoints and fetch them again
	Progress  func(Progress) // called when an endpoint starts, after each page and after each contract's units; may be nil
	Now       func() time.Time

	run string // set by Sync, so that each sync fetches afresh even with the same since date
}

func (opts FetchOptions) report(p Progress) {
	if opts.Progress != nil {
		opts.Progress(p)
	}
}

// Progress reports how far an endpoint has come, counting pages written by earlier runs.
type Progress struct {
	Endpoint  string
	Pages     int
	Items     int64
	Done      bool
	Contract  int // PerContract endpoints: contracts whose units have been read
	Contracts int // PerContract endpoints: contracts to read the units of
}

// EndpointResult says what a fetch did with one endpoint.
type EndpointResult struct {
	Endpoint string
	Pages    int   // pages in the folder
	Items    int64 // records in those pages
	Fetched  int   // pages requested by this run; for a PerContract endpoint, the contracts' pages of units
	Resumed  bool  // this run continued an interrupted fetch
	Skipped  bool  // the endpoint was already complete; nothing was requested
	// RemovedContracts counts, for a PerContract endpoint, the contracts whose units answered 404
	// (removed since their contract page was fetched). Their units are left out; the log names them.
	RemovedContracts int
}

// fetchState is the content of the state file.
type fetchState struct {
	Version   int                       `json:"version"`
	Endpoints map[string]*endpointState `json:"endpoints"`
	LastSync  *time.Time                `json:"last_sync,omitempty"` // start of the fetch of the last sync whose import succeeded
	Sync      *syncRun                  `json:"sync_in_progress,omitempty"`
}

// endpointState is one endpoint's progress. base_url, first_request, run and, for a PerContract
// endpoint, the identity of its units walk identify the fetch: when any differs from the current
// command, the endpoint starts over.
type endpointState struct {
	BaseURL   string      `json:"base_url"`
	First     string      `json:"first_request"`
	Run       string      `json:"run,omitempty"`
	Pages     int         `json:"pages"` // last page written
	Items     int64       `json:"items"`
	NextPage  string      `json:"next_page,omitempty"` // the request for page Pages+1
	Units     *unitsState `json:"units,omitempty"`     // a PerContract endpoint's walk
	Done      bool        `json:"done"`
	StartedAt time.Time   `json:"started_at"`
	DoneAt    *time.Time  `json:"done_at,omitempty"`
}

// changed says why saved progress belongs to another fetch than fresh, or returns "".
func (es *endpointState) changed(fresh *endpointState) string {
	switch {
	case es.BaseURL != fresh.BaseURL || es.First != fresh.First || es.Run != fresh.Run:
		return "parameters changed"
	case fresh.Units == nil:
		return ""
	case es.Units == nil || es.Units.PageSize != fresh.Units.PageSize:
		return "parameters changed"
	case es.Units.Contracts != fresh.Units.Contracts:
		return "the contracts changed"
	}
	return ""
}

func (es *endpointState) progress(name string) Progress {
	return Progress{Endpoint: name, Pages: es.Pages, Items: es.Items, Done: es.Done}
}

func (es *endpointState) complete(now time.Time) {
	es.Done = true
	now = now.UTC()
	es.DoneAt = &now
}

type syncRun struct {
	StartedAt time.Time `json:"started_at"`
	Since     string    `json:"since"`
}

const stateVersion = 1

// Fetch walks each endpoint from its first page, following next_page until it is empty, and writes
// the pages to DIR/<endpoint>/page-NNNNNN.json. A PerContract endpoint is walked for each contract in
// DIR/contract instead (see fetchUnits). Progress is saved after every page. Running the same fetch
// again (same base URL, since date and page size) continues an interrupted endpoint from its next page
// and skips a complete one. An endpoint fetched with other parameters, or with Restart, starts over,
// and its old pages are removed. Fetch stops at the first endpoint that fails.
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
	if opts.Endpoints == nil {
		opts.Endpoints = Endpoints
	}
	if err := checkOrder(opts.Endpoints); err != nil {
		return nil, err
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
		if ep.PerContract {
			fetch = c.fetchUnits
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
	dir, err := endpointDir(opts.Dir, ep)
	if err != nil {
		return res, err
	}
	first := ep.firstRequest(opts.Since, opts.PageSize)
	es, err := c.begin(opts, st, ep.Name, dir, c.freshState(opts, first))
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
	c.log.Info("portal: fetching", "endpoint", ep.Name, "from_page", es.Pages+1, "since", opts.Since)
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

// endpointDir creates the endpoint's folder and returns it.
func endpointDir(out string, ep Endpoint) (string, error) {
	dir := filepath.Join(out, filepath.FromSlash(ep.Name))
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
// are all there. Otherwise it removes the endpoint's pages and records fresh as its progress.
func (c *Client) begin(opts FetchOptions, st *fetchState, name, dir string, fresh *endpointState) (*endpointState, error) {
	es := st.Endpoints[name]
	reason := ""
	switch {
	case es == nil:
	case opts.Restart:
		reason = "restart requested"
	default:
		reason = es.changed(fresh)
		if reason == "" {
			if missing := missingPage(dir, es.Pages); missing != "" {
				reason = missing + " is missing"
			}
		}
	}
	if es != nil && reason == "" {
		return es, removeTemps(dir)
	}
	if reason != "" {
		c.log.Info("portal: starting over", "endpoint", name, "reason", reason)
	}
	if err := clearPages(dir); err != nil {
		return nil, err
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
	Fetch  FetchOptions  // the fetch; Since is decided by Sync
	Window time.Duration // how far back the first sync of the folder reaches; default DefaultSyncWindow
	// Import loads the folder once the fetch is complete, e.g. with ingest's portal format.
	Import func(ctx context.Context, dir string) error
}

// SyncResult says what a sync did.
type SyncResult struct {
	Since     string    // the date the fetch asked for changes since
	StartedAt time.Time // when this sync's fetch began; the next sync starts from its date
	Resumed   bool      // an interrupted sync was continued
	Endpoints []EndpointResult
}

// Sync fetches the records changed since the last successful sync, and then imports the folder.
// A sync succeeds when its import does; only then does the next sync move its start to this one's. An
// interrupted or failed sync is continued by the next call: the fetch resumes (or is skipped when it
// is complete) and the import is tried again. The start date is the date (UTC) on which the previous
// successful sync's fetch began; the first sync of a folder starts Window before now. The pages of
// the previous sync are replaced.
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
			from = st.LastSync.UTC()
		}
		st.Sync = &syncRun{StartedAt: now, Since: from.Format(time.DateOnly)}
		if err := saveState(fo.Dir, st); err != nil {
			return res, err
		}
	}
	res.Since, res.StartedAt = st.Sync.Since, st.Sync.StartedAt
	c.log.Info("portal: sync", "since", res.Since, "resumed", res.Resumed)
	// A new sync has a new run, which makes every endpoint start over; a resumed one keeps its run.
	fo.Since, fo.Restart, fo.run = res.Since, false, res.StartedAt.Format(time.RFC3339Nano)
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
