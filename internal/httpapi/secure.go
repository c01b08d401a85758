package httpapi

import (
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// contentSecurityPolicy allows scripts, styles, images and fonts from the site alone: no inline script runs.
// Inline style attributes stay allowed, for the bars' widths computed on the server.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries: pages, files and the API alike.
func securityHeaders(c fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// apiLocal marks a request the API group routed, whose errors are JSON; every other error is a page.
const apiLocal = "ules.api"

func markAPI(c fiber.Ctx) error {
	c.Locals(apiLocal, true)
	return c.Next()
}

func isAPI(c fiber.Ctx) bool {
	v, _ := c.Locals(apiLocal).(bool)
	return v
}

// sourceNames shows an import's inputs by their file or folder names: the server's paths (a user's folders,
// /tmp) are nobody's business. Several inputs are recorded separated by ", ".
func sourceNames(source string) string {
	parts := strings.Split(source, ", ")
	for i, p := range parts {
		parts[i] = filepath.Base(filepath.Clean(p))
	}
	return strings.Join(parts, ", ")
}
