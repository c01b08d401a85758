package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	textlang "golang.org/x/text/language"
)

// catalog holds the dashboard's own words in every language, read from web/translations/<lang>.json once
// at start-up. Data (names of regions, buyers, targets) carries its own translations.
type catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
}

// loadCatalog reads one catalog per language from files; a missing or malformed one fails start-up.
func loadCatalog(files fs.FS) (*catalog, error) {
	bundle := i18n.NewBundle(textlang.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalog{bundle: bundle, localizers: map[string]*i18n.Localizer{}}
	for _, lang := range languages {
		if _, err := bundle.LoadMessageFileFS(files, "translations/"+lang+".json"); err != nil {
			return nil, fmt.Errorf("httpapi: translations: %w", err)
		}
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return c, nil
}

// localize returns the message key in lang with count choosing the CLDR plural form (pass -1 for a message
// without one), and whether the catalog has it.
func (c *catalog) localize(lang, key string, count int) (string, bool) {
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

// has says whether the catalog holds key.
func (c *catalog) has(key string) bool {
	_, ok := c.localize("en", key, -1)
	return ok
}

// translator returns the T function handlers and templates ({{call .T "key"}}) call; an unknown key shows
// as itself.
func (c *catalog) translator(lang string) func(string) string {
	return func(key string) string {
		s, _ := c.localize(lang, key, -1)
		return s
	}
}

// plural returns the N function templates call ({{call .N "key" 3}}) for a message with a count: the
// catalog gives it as {"one": "...", "other": "..."} (Russian also "few" and "many"), with {{.Count}}.
func (c *catalog) plural(lang string) func(string, int) string {
	return func(key string, count int) string {
		s, _ := c.localize(lang, key, count)
		return s
	}
}
