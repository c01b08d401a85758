package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// downloadTemplate answers GET /imports/template.{csv,xlsx}: the canonical import template
// (docs/import-csv.md) as a file. Only the template's writer comes from ingest; nothing here imports.
func downloadTemplate(format, contentType string) fiber.Handler {
	return func(c fiber.Ctx) error {
		var buf bytes.Buffer
		if err := sheet.WriteTemplate(&buf, format, false); err != nil {
			return err
		}
		// Attachment sets a Content-Type from the extension, with a charset of its own: it goes first, so
		// the type set after it is the only one.
		c.Attachment("ules-template." + format)
		c.Set(fiber.HeaderContentType, contentType)
		return c.Send(buf.Bytes())
	}
}
