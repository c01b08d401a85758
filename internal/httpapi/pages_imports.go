package httpapi

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/ingest"

	"github.com/ules-kz/ules/internal/store"
)

// importsPageSize is how many batches the import history shows a page.
const importsPageSize = 25

// pageImports renders the import history, newest first, with the import template to download.
func (s *Server) pageImports(c fiber.Ctx) error {
	before, err := idParam(c, "before", true)
	if err != nil {
		return err
	}
	batches, err := s.store.BatchList(c.Context(), s.pool, before, importsPageSize)
	if err != nil {
		return err
	}
	data := pageData(c, translator(language(c))("Imports"))
	data["Batches"] = batchRows(batches)
	if len(batches) == importsPageSize {
		data["Older"] = "/imports?" + langQuery(c) + "before=" + strconv.FormatInt(batches[len(batches)-1].ID, 10)
	}
	return c.Render("imports", data)
}

// pageImport renders one batch with a page of its bad records.
func (s *Server) pageImport(c fiber.Ctx) error {
	const pageSize = 200
	b, errs, err := s.batchErrors(c, pageSize)
	if err != nil {
		return err
	}
	id := b.ID
	data := pageData(c, translator(language(c))("Import")+" "+strconv.FormatInt(id, 10))
	data["Batch"], data["Errors"] = batchRows([]store.Batch{b})[0], errs
	if len(errs) == pageSize {
		data["More"] = "/imports/" + strconv.FormatInt(id, 10) + "?" + langQuery(c) + "after=" + strconv.FormatInt(errs[len(errs)-1].ID, 10)
	}
	return c.Render("import", data)
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

// langQuery keeps the page's language in a link it builds.
func langQuery(c fiber.Ctx) string {
	if l := c.Query("lang"); l != "" {
		return "lang=" + language(c) + "&"
	}
	return ""
}

// downloadTemplate sends the canonical import template (docs/import-csv.md) as a file.
func downloadTemplate(format, contentType string) fiber.Handler {
	return func(c fiber.Ctx) error {
		var buf bytes.Buffer
		if err := ingest.WriteTemplate(&buf, format, false); err != nil {
			return err
		}
		// Attachment sets a Content-Type from the extension, with a charset of its own: it goes first, so
		// the type set after it is the only one.
		c.Attachment("ules-template." + format)
		c.Set(fiber.HeaderContentType, contentType)
		return c.Send(buf.Bytes())
	}
}
