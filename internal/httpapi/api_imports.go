package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

type batchJSON struct {
	ID         int64   `json:"id"`
	Format     string  `json:"format"`
	Source     string  `json:"source"`
	CreatedBy  string  `json:"created_by"`
	Status     string  `json:"status"`
	Message    string  `json:"message,omitempty"`
	StartedAt  string  `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	Read       int64   `json:"read"`
	Loaded     int64   `json:"loaded"`
	Unchanged  int64   `json:"unchanged"`
	Replaced   int64   `json:"replaced"`
	Removed    int64   `json:"removed"`
	Rejected   int64   `json:"rejected"`
}

func batchOf(b store.Batch) batchJSON {
	out := batchJSON{ID: b.ID, Format: b.Format, Source: sourceNames(b.SourceName), CreatedBy: b.CreatedBy, Status: b.Status,
		Message: b.Message, StartedAt: b.StartedAt.UTC().Format(time.RFC3339), Read: b.Read, Loaded: b.Loaded,
		Unchanged: b.Unchanged, Replaced: b.Replaced, Removed: b.Removed, Rejected: b.Rejected}
	if b.FinishedAt != nil {
		f := b.FinishedAt.UTC().Format(time.RFC3339)
		out.FinishedAt = &f
	}
	return out
}

type importErrorJSON struct {
	ID       int64  `json:"id"`
	Location string `json:"location"`
	Reason   string `json:"reason"`
}

// apiImports answers GET /api/v1/imports?before=&limit=, newest first.
func (s *Server) apiImports(c fiber.Ctx) error {
	before, err := idParam(c, "before", true)
	if err != nil {
		return err
	}
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return err
	}
	batches, err := s.store.BatchList(c.Context(), s.pool, before, limit)
	if err != nil {
		return err
	}
	out := make([]batchJSON, len(batches))
	for i, b := range batches {
		out[i] = batchOf(b)
	}
	var next *int64
	if int32(len(batches)) == limit {
		next = &batches[len(batches)-1].ID
	}
	return c.JSON(fiber.Map{"imports": out, "next_before": next})
}

// apiImport answers GET /api/v1/imports/{id}?after=&limit= with the batch and a page of its errors.
func (s *Server) apiImport(c fiber.Ctx) error {
	limit, err := limitParam(c, 100, 1000)
	if err != nil {
		return err
	}
	b, errs, err := s.batchErrors(c, limit)
	if err != nil {
		return err
	}
	list := make([]importErrorJSON, len(errs))
	for i, e := range errs {
		list[i] = importErrorJSON{ID: e.ID, Location: e.Location, Reason: e.Reason}
	}
	var next *int64
	if int32(len(errs)) == limit {
		next = &errs[len(errs)-1].ID
	}
	return c.JSON(fiber.Map{"import": batchOf(b), "errors": list, "next_after": next})
}

// batchErrors reads the batch a request names by its id, and up to limit of its bad records after the
// id in its after parameter.
func (s *Server) batchErrors(c fiber.Ctx, limit int32) (store.Batch, []store.StoredError, error) {
	id, err := idParam(c, "id", false)
	if err != nil {
		return store.Batch{}, nil, err
	}
	after, err := idParam(c, "after", true)
	if err != nil {
		return store.Batch{}, nil, err
	}
	b, err := s.store.BatchGet(c.Context(), s.pool, id)
	if err != nil {
		return store.Batch{}, nil, err
	}
	errs, err := s.store.BatchErrorList(c.Context(), s.pool, id, after, limit)
	return b, errs, err
}
