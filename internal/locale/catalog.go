package locale

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	textlang "golang.org/x/text/language"
)

// Languages are the product's languages, in the order the language switch lists them.
var Languages = []string{"kk", "ru", "en"}

// Known says whether lang is one of Languages.
func Known(lang string) bool { return slices.Contains(Languages, lang) }

// Catalog holds the product's own words in every language, read from translations/<lang>.json once at
// start-up. Data (names of regions, buyers, targets) carries its own translations.
type Catalog struct {
	localizers map[string]*i18n.Localizer
}

// Load reads one catalog per language from files (translations/kk.json, ru.json, en.json); a missing or
// malformed one is an error, so start-up fails rather than a page showing keys.
func Load(files fs.FS) (*Catalog, error) {
	bundle := i18n.NewBundle(textlang.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{localizers: map[string]*i18n.Localizer{}}
	for _, lang := range Languages {
		if _, err := bundle.LoadMessageFileFS(files, "translations/"+lang+".json"); err != nil {
			return nil, fmt.Errorf("locale: translations: %w", err)
		}
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return c, nil
}

// Localize returns the message key in lang with count choosing the CLDR plural form (pass -1 for a message
// without one), and whether the catalog has it. An unknown language reads English.
func (c *Catalog) Localize(lang, key string, count int) (string, bool) {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers["en"]
	}
	cfg := &i18n.LocalizeConfig{MessageID: key}
	if count >= 0 {
		cfg.PluralCount = count
		cfg.TemplateData = map[string]any{"Count": count}
	}
	s, err := l.Localize(cfg)
	var notFound *i18n.MessageNotFoundErr
	if (err != nil && !errors.As(err, &notFound)) || s == "" {
		return key, false
	}
	return s, true
}

// Has says whether the catalog holds key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.Localize("en", key, -1)
	return ok
}

// Translator returns T for lang: the message key, or the key itself when the catalog lacks it (a test
// holds every key in use to the catalogs, so that shows only in development).
func (c *Catalog) Translator(lang string) func(string) string {
	return func(key string) string {
		s, _ := c.Localize(lang, key, -1)
		return s
	}
}

// Plural returns N for lang, for a message with a count: the catalog gives it as {"one": "...", "other":
// "..."} (Russian also "few" and "many"), with {{.Count}}.
func (c *Catalog) Plural(lang string) func(string, int) string {
	return func(key string, count int) string {
		s, _ := c.Localize(lang, key, count)
		return s
	}
}
