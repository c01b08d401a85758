package httpapi

import "github.com/gofiber/fiber/v3"

// apiListImports answers GET /api/v1/imports?before=&limit=, newest first.
func (s *Server) apiListImports(c fiber.Ctx) error {
	before, err := idParam(c, "before", true)
	if err != nil {
		return err
	}
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return err
	}
	batches, err := s.store.BatchList(c.Context(), s.db, before, limit+1) // one more: is there a next page
	if err != nil {
		return err
	}
	var next *int64
	if int32(len(batches)) > limit {
		batches = batches[:limit]
		next = &batches[len(batches)-1].ID
	}
	out := make([]batchJSON, len(batches))
	for i, b := range batches {
		out[i] = batchOf(b)
	}
	return c.JSON(fiber.Map{"imports": out, "next_before": next})
}
