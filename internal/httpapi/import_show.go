package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

// showImport answers GET /imports/{id}?after=: one batch with a page of its bad records, in the page's
// language.
func (s *Server) showImport(c fiber.Ctx) error {
	const pageSize = 200
	b, errs, err := s.batchErrors(c, pageSize)
	if err != nil {
		return err
	}
	id := b.ID
	data := s.pageData(c, s.translator(c)("Import")+" "+strconv.FormatInt(id, 10))
	data["Batch"], data["Errors"] = batchRows([]store.Batch{b})[0], errs
	if len(errs) == pageSize {
		data["More"] = "/imports/" + strconv.FormatInt(id, 10) + "?" + langQuery(c) + "after=" + strconv.FormatInt(errs[len(errs)-1].ID, 10)
	}
	return c.Render("import", data)
}
