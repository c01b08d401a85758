package httpapi

import (
	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
)

// qualityRows is how many rows each list of the data-quality page shows.
const qualityRows = 50

// showQuality answers GET /quality?from=&to=&batch=&points=: the contracts whose published local content
// differs from the certified one by at least points (5 by default), the items no category rule matched,
// and the contracts no figure counts, in a period or of one import.
func (s *Server) showQuality(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return err
	}
	f := store.QualityFilter{From: scope.From, To: scope.To, MinPoints: 500, Limit: qualityRows}
	if v := c.Query("points"); v != "" {
		if f.MinPoints, err = money.ParsePercent(v); err != nil {
			return badParam("points", "%q is not a number of points from 0 to 100, e.g. 5", v)
		}
	}
	batch, err := idParam(c, "batch", true)
	if err != nil {
		return err
	}
	if batch > 0 {
		f.BatchID = &batch
	}
	q, err := s.store.QualityGet(c.Context(), s.db, f)
	if err != nil {
		return err
	}
	data := s.pageData(c, s.translator(c)("Data quality"))
	data["Q"], data["F"], data["Batch"] = q, f, batch
	return c.Render("quality", data)
}
