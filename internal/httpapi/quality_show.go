package httpapi

import (
	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
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
		if f.MinPoints, err = money.ParsePercent(v); err != nil {
			return f, badParam("points", "%q is not a number of points from 0 to 100, e.g. 5", v)
		}
	}
	batch, err := idParam(c, "batch", true)
	if err != nil {
		return f, err
	}
	if batch > 0 {
		f.BatchID = &batch
	}
	return f, nil
}

// showQuality answers GET /quality?from=&to=&batch=&points=: the contracts whose published local content
// differs from the certified one by at least points (5 by default), the items no category rule matched,
// and the contracts no figure counts, in a period or of one import.
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
	data["APIURL"] = "/api/v1/quality?" + qualityQuery(f).Encode()
	return c.Render("quality", data)
}
