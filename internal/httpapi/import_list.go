package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

// importsPageSize is how many batches the import history shows a page.
const importsPageSize = 25

// listImports answers GET /imports?before=: the import history, newest first, with the import template to
// download.
func (s *Server) listImports(c fiber.Ctx) error {
	before, err := idParam(c, "before", true)
	if err != nil {
		return err
	}
	batches, older, err := s.store.BatchList(c.Context(), s.db, before, importsPageSize)
	if err != nil {
		return err
	}
	data := s.pageData(c, s.translator(c)("Imports"))
	if older != nil {
		data["Older"] = "/imports?" + langQuery(c) + "before=" + strconv.FormatInt(*older, 10)
	}
	data["Batches"] = batchRows(batches)
	return c.Render("imports", data)
}

type batchRow struct {
	store.Batch
	File string // the input's name without its folder
}

func batchRows(batches []store.Batch) []batchRow {
	rows := make([]batchRow, len(batches))
	for i, b := range batches {
		rows[i] = batchRow{Batch: b, File: sourceNames(b.SourceName)}
	}
	return rows
}
