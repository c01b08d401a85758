package httpapi

import (
	"fmt"
	"io/fs"

	"github.com/ules-kz/ules/internal/locale"
)

// catalog is the shared catalog (internal/locale) with what only the pages need of it: the importer's
// reasons in the page's language (reasons.go).
type catalog struct{ *locale.Catalog }

// loadCatalog reads one catalog per language from files; a missing or malformed one fails start-up.
func loadCatalog(files fs.FS) (*catalog, error) {
	c, err := locale.Load(files)
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	return &catalog{c}, nil
}

func (c *catalog) localize(lang, key string, count int) (string, bool) {
	return c.Localize(lang, key, count)
}

func (c *catalog) has(key string) bool { return c.Has(key) }

// translator returns the T function handlers and templates ({{call .T "key"}}) call; an unknown key shows
// as itself.
func (c *catalog) translator(lang string) func(string) string { return c.Translator(lang) }

// plural returns the N function templates call ({{call .N "key" 3}}) for a message with a count.
func (c *catalog) plural(lang string) func(string, int) string { return c.Plural(lang) }
