package portal

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
)

// fetchList walks a GraphQL list newest first and writes each page twice, converted to REST records:
// the records to DIR/<endpoint>/page-NNNNNN.json, their nested records (a contract's units, a plan
// point's places) to the page of the same number in DIR/<nested folder>/.
//
// With a since date, a list with a date filter is asked for the window [since, until]; a list
// without one is walked until a page whose records were all created before since.
//
// The list is newest first, so records created while the walk goes on land before its cursor. When
// the walk reaches its end, it reads the head again, from the first page on, and writes the records
// newer than the first record it saw, until it meets that record. Records changed meanwhile keep
// their place (the list is in id order) and come with the next sync, whose window overlaps this one.
//
// Progress is saved after every page: the cursor (the lastId to ask after) and the phase. A walk that
// was interrupted asks for the page after the cursor again, so none is written twice or lost.
func (c *Client) fetchList(ctx context.Context, opts FetchOptions, st *fetchState, ep Endpoint) (EndpointResult, error) {
	l := ep.list
	res := EndpointResult{Endpoint: ep.Name}
	dir, err := endpointDir(opts.Dir, ep.Name)
	if err != nil {
		return res, err
	}
	nestedDir, err := endpointDir(opts.Dir, l.nestedDir)
	if err != nil {
		return res, err
	}
	limit := GraphQLLimit
	if opts.PageSize > 0 {
		limit = min(opts.PageSize, GraphQLLimit)
	}
	first := fmt.Sprintf("POST %s %s limit=%d", GraphQLPath, l.root, limit)
	if opts.Since != "" {
		first += " since=" + opts.Since
	}
	fresh := c.freshState(opts, first)
	fresh.NextPage = ""
	if opts.Since != "" && l.dateFilter != "" {
		fresh.Window = []string{opts.Since, opts.until()}
	}
	es, err := c.begin(opts, st, ep.Name, fresh, dir, nestedDir)
	if err != nil {
		return res, err
	}
	res.Pages, res.Items, res.Nested = es.Pages, es.Items, es.Nested
	opts.report(es.progress(ep.Name))
	if es.Done {
		res.Skipped = true
		c.log.Info("portal: already complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items)
		return res, nil
	}
	res.Resumed = es.Pages > 0 || es.HeadPass
	c.log.Info("portal: fetching", "endpoint", ep.Name, "from_page", es.Pages+1, "after", es.After, "since", opts.Since, "window", es.Window)
	for !es.Done {
		n := es.Pages + 1
		if n > maxPages {
			return res, fmt.Errorf("portal: %s has more than %d pages", ep.Name, maxPages)
		}
		var p graphQLPage
		label := fmt.Sprintf("%s %s", GraphQLPath, l.root)
		if es.After > 0 {
			label += " after " + strconv.FormatInt(es.After, 10)
		}
		if es.HeadPass {
			label += " (the head again)"
		}
		err := c.do(ctx, call{endpoint: ep.Name, page: n, method: "POST", ref: GraphQLPath, label: label,
			body: l.request(limit, es.After, es.Window),
			parse: func(body []byte) error {
				var err error
				p, err = parseGraphQL(body, l.root, limit)
				return err
			}})
		if err != nil {
			return res, err
		}
		res.Fetched++
		if p.hasNext && p.lastID == es.After {
			return res, fmt.Errorf("portal: %s page %d: %w", ep.Name, n, errNoProgress)
		}
		recs := make([]converted, 0, len(p.items))
		for _, item := range p.items {
			r, err := l.convert(item)
			if err != nil {
				return res, fmt.Errorf("portal: %s page %d: %w", ep.Name, n, err)
			}
			recs = append(recs, r)
		}
		write, next, done, err := es.step(l, recs, p, opts.Since)
		if err != nil {
			return res, fmt.Errorf("portal: %s page %d: %w", ep.Name, n, err)
		}
		if write {
			if err := writeListPage(dir, nestedDir, n, recs, es.Head, es.HeadPass); err != nil {
				return res, err
			}
			es.Pages = n
			for _, r := range recs {
				if !es.HeadPass || r.id > es.Head {
					es.Items++
					es.Nested += int64(len(r.nested))
				}
			}
		}
		es.After = next
		switch {
		case done:
			es.complete(opts.Now())
		case next == 0 && !es.HeadPass:
			es.HeadPass = true
		}
		if err := saveState(opts.Dir, st); err != nil {
			return res, err
		}
		res.Pages, res.Items, res.Nested = es.Pages, es.Items, es.Nested
		opts.report(es.progress(ep.Name))
	}
	c.log.Info("portal: endpoint complete", "endpoint", ep.Name, "pages", es.Pages, "items", es.Items,
		l.nestedDir, es.Nested, "fetched", res.Fetched)
	return res, nil
}

// step decides, from a page just read, whether to write it, the cursor of the next request (0: the
// head), and whether the walk is complete. The walk's first page sets Head, its newest record.
func (es *endpointState) step(l *graphQLList, recs []converted, p graphQLPage, since string) (write bool, next int64, done bool, err error) {
	if es.HeadPass {
		met := false
		for _, r := range recs {
			if r.id > es.Head {
				write = true
			} else {
				met = true
			}
		}
		if met || !p.hasNext {
			return write, 0, true, nil
		}
		return write, p.lastID, false, nil
	}
	if es.Pages == 0 && es.After == 0 {
		for _, r := range recs {
			es.Head = max(es.Head, r.id)
		}
	}
	if !p.hasNext {
		return true, 0, false, nil
	}
	if since != "" && l.created != "" && len(recs) > 0 {
		older := 0
		for _, r := range recs {
			if len(r.created) < len("2006-01-02") {
				return false, 0, false, fmt.Errorf("%s %d has no %s, so the walk cannot tell where %s falls", l.root, r.id, l.created, since)
			}
			if r.created[:len("2006-01-02")] < since {
				older++
			}
		}
		if older == len(recs) {
			return true, 0, false, nil
		}
	}
	return true, p.lastID, false, nil
}

// writeListPage writes page n of the records and of their nested records. On the head pass, only the
// records newer than head are written.
func writeListPage(dir, nestedDir string, n int, recs []converted, head int64, headPass bool) error {
	var records, nested [][]byte
	for _, r := range recs {
		if headPass && r.id <= head {
			continue
		}
		records = append(records, r.record)
		nested = append(nested, r.nested...)
	}
	// The nested page first: a crash between the two leaves a nested page that the next run rewrites.
	if err := writeFileAtomic(filepath.Join(nestedDir, pageName(n)), itemsPage(nested)); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, pageName(n)), itemsPage(records))
}

// itemsPage is the body of a page of records: {"items": [...]}, one record per line.
func itemsPage(records [][]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items": [`)
	for i, r := range records {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		b.Write(r)
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}
