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
	batches, next, err := s.store.BatchList(c.Context(), s.db, before, limit)
	if err != nil {
		return err
	}
	out := make([]batchJSON, len(batches))
	for i, b := range batches {
		out[i] = batchOf(b)
	}
	return c.JSON(fiber.Map{"imports": out, "next_before": next})
}
