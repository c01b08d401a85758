package httpapi

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

// qualityRows is how many rows each list of the data-quality page shows.
const qualityRows = 50

// qualityParams reads the period, the import (batch) and the smallest difference of local content in
// points (5 by default) a data-quality report covers; limit bounds its lists.
func (s *Server) qualityParams(c fiber.Ctx, limit int32) (store.QualityFilter, error) {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return store.QualityFilter{}, err
	}
	f := store.QualityFilter{From: scope.From, To: scope.To, MinPoints: 500, Limit: limit}
	if v := c.Query("points"); v != "" {
		if f.MinPoints, err = percentParam(v); err != nil {
			return f, badParam("points", "%q is not a number of points from 0 to 100, e.g. 5", v)
		}
	}
	batch, err := idParam(c, "batch", true)
	if err != nil {
		return f, err
	}
	if batch > 0 {
		// An import that does not exist is not found, rather than a page of empty lists about it.
		if _, err := s.store.BatchGet(c.Context(), s.db, batch); err != nil {
			return f, err
		}
		f.BatchID = &batch
	}
	if f.MismatchPage, err = pageParam(c, "mismatches_page"); err != nil {
		return f, err
	}
	if f.UnclassifiedPage, err = pageParam(c, "unclassified_page"); err != nil {
		return f, err
	}
	if f.TwoSourcesPage, err = pageParam(c, "two_sources_page"); err != nil {
		return f, err
	}
	return f, nil
}

// maxPage bounds a list's page number: a million pages of the largest limit still fit the database's integer.
const maxPage = 1_000_000

// pageParam reads a page number from 1 (the default) to maxPage.
func pageParam(c fiber.Ctx, name string) (int32, error) {
	v := c.Query(name)
	if v == "" {
		return 1, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 || n > maxPage {
		return 0, badParam(name, "%q is not a page number from 1 to %d", v, maxPage)
	}
	return int32(n), nil
}

// listPages is what a page shows under a list of count rows, limit at a time, on page (from 1): where it
// stands, and the links to the pages before and after, which keep the rest of the query.
type listPages struct {
	First, Last int64 // the rows shown, from 1; First > Last when none are
	Count       int64
	Prev, Next  string // "" when there is none
}

func pagesOf(c fiber.Ctx, param string, page, limit int32, count int64) listPages {
	p := listPages{First: int64(page-1)*int64(limit) + 1, Count: count}
	p.Last = min(p.First+int64(limit)-1, count)
	link := func(to int32) string {
		q := url.Values{}
		for k, v := range c.Queries() {
			q.Set(k, v)
		}
		q.Set(param, strconv.Itoa(int(to)))
		return c.Path() + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, int32(max((count+int64(limit)-1)/int64(limit), 1))))
	}
	if p.Last < count {
		p.Next = link(page + 1)
	}
	return p
}

// showQuality answers GET /quality?from=&to=&batch=&points=: the contracts whose published local content
// differs from the certified one by at least points (5 by default), the items no category rule matched,
// the contracts no figure counts, and the counted contracts two sources may both hold, in a period or of
// one import.
func (s *Server) showQuality(c fiber.Ctx) error {
	f, err := s.qualityParams(c, qualityRows)
	if err != nil {
		return err
	}
	q, err := s.store.QualityGet(c.Context(), s.db, f)
	if err != nil {
		return err
	}
	var batch int64
	if f.BatchID != nil {
		batch = *f.BatchID
	}
	data := s.pageData(c, s.translator(c)("Data quality"))
	data["Q"], data["F"], data["Batch"] = q, f, batch
	data["MismatchPages"] = pagesOf(c, "mismatches_page", f.MismatchPage, f.Limit, q.MismatchCount)
	data["UnclassifiedPages"] = pagesOf(c, "unclassified_page", f.UnclassifiedPage, f.Limit, q.UnclassifiedCount)
	data["TwoSourcesPages"] = pagesOf(c, "two_sources_page", f.TwoSourcesPage, f.Limit, q.TwoSourcesCount)
	data["APIURL"] = "/api/v1/quality?" + qualityQuery(f).Encode()
	return c.Render("quality", data)
}
