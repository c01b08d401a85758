package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultUnitsPageSize is how many units a contract-units page holds when FetchOptions.PageSize is 0.
const DefaultUnitsPageSize = 500

// maxLeadingRemoved is how many contracts from the first may answer 404 in a row before the fetch
// stops: by then a wrong base URL or units path is likelier than so many removed contracts.
const maxLeadingRemoved = 10

// unitsState is where the walk of a PerContract endpoint stands. Its first fields identify the walk;
// the others are the position of the first unit not yet written. Units of many contracts share a page,
// and a page can end inside a contract's page of units, so the position is a contract (an index into
// the contract ids), the request for one of its pages of units, and how many units of that page are
// already written.
type unitsState struct {
	Contracts string  `json:"contracts"` // hash of the contract fetch's start and the contract ids, in walk order
	Count     int     `json:"count"`     // contract ids
	PageSize  int     `json:"page_size"` // units per page written
	Contract  int     `json:"contract"`
	Request   string  `json:"request,omitempty"` // empty: the contract's first page
	Skip      int     `json:"skip,omitempty"`
	Removed   []int64 `json:"removed,omitempty"` // contracts before Contract whose units answered 404
}

// unitsCursor is the position of a unit in the walk.
type unitsCursor struct {
	contract int
	request  string
	skip     int
}

// fetchUnits walks a PerContract endpoint. For each contract id in the contract pages, in page order,
// it requests the endpoint's path with that id and follows next_page, and it gathers the units into
// pages of PageSize units (DefaultUnitsPageSize when 0), {"items": [...]}. A unit without a
// contract_id gets its contract's, which the importer needs to join it; its other bytes are kept. A
// contract whose units answer 404 was removed since its page was fetched: it is skipped, counted and
// logged.
//
// Progress is saved after each page written, with the position of the first unit not yet written. An
// interrupted walk requests that unit's page of units again and leaves out the units of it that are
// already written, so no unit is written twice or lost (as long as the portal serves that page as
// before).
//
// The since filter is not sent: units follow their contracts. A unit changed without its contract's
// last_update_date changing is therefore not fetched by an incremental fetch; whether the portal ever
// does that is unknown.
//
// The contract ids come from the contract pages of the fetch recorded in the state file, which must be
// complete, or without one, from every page in DIR/contract. The walk starts over when they change.
func (c *Client) fetchUnits(ctx context.Context, opts FetchOptions, st *fetchState, ep Endpoint) (EndpointResult, error) {
	res := EndpointResult{Endpoint: ep.Name}
	dir, err := endpointDir(opts.Dir, ep)
	if err != nil {
		return res, err
	}
	ids, contracts, err := c.contractIDs(ep, opts.Dir, st)
	if err != nil {
		return res, err
	}
	pageSize := opts.PageSize
	if pageSize == 0 {
		pageSize = DefaultUnitsPageSize
	}
	fresh := c.freshState(opts, ep.Path)
	fresh.NextPage = ""
	fresh.Units = &unitsState{Contracts: contracts, Count: len(ids), PageSize: pageSize}
	es, err := c.begin(opts, st, ep.Name, dir, fresh)
	if err != nil {
		return res, err
	}
	w := &unitsWalk{c: c, opts: opts, st: st, ep: ep, dir: dir, es: es, ids: ids, res: &res}
	res.Pages, res.Items, res.RemovedContracts = es.Pages, es.Items, len(es.Units.Removed)
	w.report(es.Units.Contract)
	if es.Done {
		res.Skipped = true
		c.log.Info("portal: already complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items)
		return res, nil
	}
	res.Resumed = es.Pages > 0
	c.log.Info("portal: fetching", "endpoint", ep.Name, "contracts", len(ids), "from_contract", es.Units.Contract+1)
	if err := w.run(ctx); err != nil {
		return res, err
	}
	c.log.Info("portal: endpoint complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items,
		"fetched", res.Fetched, "removed_contracts", res.RemovedContracts)
	return res, nil
}

// unitsWalk is one run of fetchUnits.
type unitsWalk struct {
	c     *Client
	opts  FetchOptions
	st    *fetchState
	ep    Endpoint
	dir   string
	es    *endpointState
	ids   []int64
	res   *EndpointResult
	units []json.RawMessage // read and not yet written
}

func (w *unitsWalk) run(ctx context.Context) error {
	from := *w.es.Units
	for k := from.Contract; k < len(w.ids); k++ {
		at := unitsCursor{contract: k, request: w.path(k)}
		if k == from.Contract && from.Request != "" {
			at.request, at.skip = from.Request, from.Skip
		}
		if err := w.contract(ctx, at); err != nil {
			return err
		}
		w.report(k + 1)
	}
	return w.flush(unitsCursor{contract: len(w.ids)}, true)
}

func (w *unitsWalk) path(k int) string {
	return strings.Replace(w.ep.Path, "{id}", strconv.FormatInt(w.ids[k], 10), 1)
}

// contract reads the units of one contract from the position at, following next_page.
func (w *unitsWalk) contract(ctx context.Context, at unitsCursor) error {
	id := w.ids[at.contract]
	for n := 1; at.request != ""; n++ {
		if n > maxPages {
			return fmt.Errorf("portal: %s of contract %d: more than %d pages", w.ep.Name, id, maxPages)
		}
		p, err := w.c.Page(ctx, w.ep.Name, w.es.Pages+1, at.request)
		// Only a 404 with a token that the portal still accepts means a removed contract; any other
		// failure stops the walk, which a rerun resumes.
		if isNotFound(err) && !IsTokenRejected(err) {
			return w.removed(at.contract)
		}
		if err != nil {
			return err
		}
		w.res.Fetched++
		if p.NextPage == at.request {
			return fmt.Errorf("portal: %s of contract %d: next_page %q is the page itself; stopping rather than looping", w.ep.Name, id, p.NextPage)
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(p.Body, &page); err != nil {
			return fmt.Errorf("portal: %s of contract %d (GET %s): %w", w.ep.Name, id, at.request, err)
		}
		for ; at.skip < len(page.Items); at.skip++ {
			if len(w.units) == w.es.Units.PageSize {
				if err := w.flush(at, false); err != nil {
					return err
				}
			}
			w.units = append(w.units, w.withContract(page.Items[at.skip], id))
		}
		at.request, at.skip = p.NextPage, 0
	}
	return nil
}

// withContract gives a unit its contract's id when it names none. A unit that names another contract,
// or is not an object, is kept as received for the importer to judge.
func (w *unitsWalk) withContract(unit json.RawMessage, id int64) json.RawMessage {
	out, named, err := withContractID(unit, id)
	if err != nil {
		w.c.log.Warn("portal: a unit is not an object; kept as received", "endpoint", w.ep.Name, "contract_id", id, "reason", err)
	} else if named != nil {
		if got, ok := parseID(named); !ok || got != id {
			w.c.log.Warn("portal: a unit names another contract than the one it was read for; kept as received",
				"endpoint", w.ep.Name, "contract_id", id, "unit_contract_id", string(named))
		}
	}
	return out
}

// removed records a contract whose units answered 404.
func (w *unitsWalk) removed(k int) error {
	u := w.es.Units
	u.Removed = append(u.Removed, w.ids[k])
	w.res.RemovedContracts = len(u.Removed)
	w.c.log.Warn("portal: contract not found, removed since its page was fetched; its units are left out",
		"endpoint", w.ep.Name, "contract_id", w.ids[k])
	if len(u.Removed) == k+1 && k+1 >= maxLeadingRemoved {
		return fmt.Errorf("portal: %s: the first %d contracts all answered 404 (GET %s): check --base-url", w.ep.Name, k+1, w.path(k))
	}
	return nil
}

// flush writes the units read as the next page, unless there are none, and saves next as the position
// of the first unit not yet written. The last flush also marks the endpoint complete.
func (w *unitsWalk) flush(next unitsCursor, last bool) error {
	es, u := w.es, w.es.Units
	if len(w.units) > 0 {
		n := es.Pages + 1
		if n > maxPages {
			return fmt.Errorf("portal: %s has more than %d pages: ask for larger pages", w.ep.Name, maxPages)
		}
		if err := writeFileAtomic(filepath.Join(w.dir, pageName(n)), unitsPage(w.units)); err != nil {
			return err
		}
		es.Pages, es.Items = n, es.Items+int64(len(w.units))
		w.units = w.units[:0]
	}
	u.Contract, u.Request, u.Skip = next.contract, next.request, next.skip
	if last {
		es.complete(w.opts.Now())
	}
	if err := saveState(w.opts.Dir, w.st); err != nil {
		return err
	}
	w.res.Pages, w.res.Items = es.Pages, es.Items
	w.report(next.contract)
	return nil
}

func (w *unitsWalk) report(contract int) {
	p := w.es.progress(w.ep.Name)
	p.Contract, p.Contracts = contract, len(w.ids)
	w.opts.report(p)
}

// unitsPage is the body of a page of units: {"items": [...]}, one unit per line.
func unitsPage(units []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items": [`)
	for i, u := range units {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		b.Write(u)
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}

// withContractID returns the unit with "contract_id": id when the unit has no contract_id, or one that
// is null or "": the field is added first, or its value replaced. Every other byte of the unit is kept,
// so numbers stay as the portal wrote them. A unit that names a contract is returned as it is, with the
// value it names.
func withContractID(unit json.RawMessage, id int64) (out, named json.RawMessage, err error) {
	value, fields, err := fieldValue(unit, "contract_id")
	if err != nil {
		return unit, nil, err
	}
	text := strconv.FormatInt(id, 10)
	switch {
	case value.start < 0:
		open := bytes.IndexByte(unit, '{') + 1
		field := `"contract_id":` + text
		if fields > 0 {
			field += ","
		}
		return slices.Concat(unit[:open], []byte(field), unit[open:]), nil, nil
	case string(unit[value.start:value.end]) == "null" || string(unit[value.start:value.end]) == `""`:
		return slices.Concat(unit[:value.start], []byte(text), unit[value.end:]), nil, nil
	}
	return unit, unit[value.start:value.end], nil
}

// span is a range of bytes; start is -1 when there is none.
type span struct{ start, end int }

// fieldValue finds where the value of an object's top-level field is, and counts the object's fields.
func fieldValue(obj []byte, name string) (value span, fields int, err error) {
	value = span{-1, -1}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return value, 0, errors.New("not a JSON object")
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return value, 0, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return value, 0, err
		}
		if key == name && value.start < 0 {
			end := int(dec.InputOffset())
			value = span{end - len(raw), end}
		}
		fields++
	}
	return value, fields, nil
}

// contractIDs reads the ids of the contracts in the contract pages, in page order, each once. It also
// returns a hash of them and of the start of the contract fetch that wrote the pages, which identifies
// the units walk that follows them.
func (c *Client) contractIDs(ep Endpoint, out string, st *fetchState) ([]int64, string, error) {
	dir := filepath.Join(out, contractEndpoint)
	files, from, err := contractPages(ep, dir, st)
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	h.Write([]byte(from + "\n"))
	seen := map[int64]bool{}
	var ids []int64
	for _, f := range files {
		raw, err := pageIDs(f)
		if err != nil {
			return nil, "", err
		}
		for i, r := range raw {
			id, ok := parseID(r)
			if !ok {
				c.log.Warn("portal: a contract without a usable id; its units are not fetched", "endpoint", ep.Name,
					"page", filepath.Base(f), "item", i, "id", string(r))
				continue
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
				h.Write(strconv.AppendInt(nil, id, 10))
				h.Write([]byte{'\n'})
			}
		}
	}
	return ids, hex.EncodeToString(h.Sum(nil)), nil
}

// contractPages lists the contract pages: those the contract fetch in the state file wrote, which must
// be complete, or without one, every page in dir. from is that fetch's start, or "" without one.
func contractPages(ep Endpoint, dir string, st *fetchState) (files []string, from string, err error) {
	if es := st.Endpoints[contractEndpoint]; es != nil {
		if !es.Done {
			return nil, "", fmt.Errorf("portal: %s is read per contract, and the %s fetch in %s is not complete: fetch %s first",
				ep.Name, contractEndpoint, dir, contractEndpoint)
		}
		for n := 1; n <= es.Pages; n++ {
			files = append(files, filepath.Join(dir, pageName(n)))
		}
		return files, es.StartedAt.Format(time.RFC3339Nano), nil
	}
	files, err = filepath.Glob(filepath.Join(dir, "page-*.json"))
	if err != nil {
		return nil, "", fmt.Errorf("portal: %w", err)
	}
	if len(files) == 0 {
		return nil, "", fmt.Errorf("portal: %s is read per contract, and %s holds no contract pages: fetch %s first (--endpoints %s,%s)",
			ep.Name, dir, contractEndpoint, contractEndpoint, ep.Name)
	}
	slices.Sort(files)
	return files, "", nil
}

// pageIDs reads the id of each record of a page, {"items": [...]} or a bare array.
func pageIDs(path string) ([]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	type record struct {
		ID json.RawMessage `json:"id"`
	}
	var records []record
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		err = json.Unmarshal(b, &records)
	} else {
		var page struct {
			Items []record `json:"items"`
		}
		err = json.Unmarshal(b, &page)
		records = page.Items
	}
	if err != nil {
		return nil, fmt.Errorf("portal: read the contract ids in %s: %w", path, err)
	}
	ids := make([]json.RawMessage, len(records))
	for i, r := range records {
		ids[i] = r.ID
	}
	return ids, nil
}

// parseID reads a record id: a positive integer, as a JSON number or string.
func parseID(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if strings.HasPrefix(s, `"`) && json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
