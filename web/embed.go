// Package web embeds the dashboard's templates and static files.
package web

import "embed"

// Templates holds the HTML templates; Static holds CSS, scripts and vendored libraries.
var (
	//go:embed templates/*.html
	Templates embed.FS
	//go:embed static
	Static embed.FS
)
