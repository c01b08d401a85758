package httpapi

import "github.com/gofiber/fiber/v3"

type importErrorJSON struct {
	ID       int64  `json:"id"`
	Location string `json:"location"`
	Reason   string `json:"reason"`
}

// apiGetImport answers GET /api/v1/imports/{id}?after=&limit= with the batch and a page of its errors, in
// the importer's words (pages translate them; the API does not).
func (s *Server) apiGetImport(c fiber.Ctx) error {
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
