// Package web embeds the dashboard's templates, static files and translations.
package web

import "embed"

// Templates holds the HTML templates; Static holds CSS, scripts and vendored libraries; Translations holds
// one message catalog per language (kk.json, ru.json, en.json), each key one line.
var (
	//go:embed templates/*.html
	Templates embed.FS
	//go:embed static
	Static embed.FS
	//go:embed translations/*.json
	Translations embed.FS
	// OpenAPI describes the JSON API (/api/v1/openapi.json); a test holds the handlers' answers to it.
	//go:embed api/openapi.json
	OpenAPI []byte
)
