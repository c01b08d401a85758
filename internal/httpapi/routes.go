package httpapi

import (
	"io/fs"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/static"

	"github.com/ules-kz/ules/web"
)

// routes registers every route of the application: method, path and handler, in one list. Errors are
// answered as the route's group decides: JSON under /api, a translated page everywhere else.
func (s *Server) routes(app *fiber.App, staticFS fs.FS) {
	app.Use(securityHeaders, chooseLanguage)

	app.Get("/static*", static.New("", static.Config{FS: staticFS, MaxAge: 3600}))
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	// Reports to download: a page to a browser when they fail, JSON to a script that asks for it.
	reports := app.Group("/reports", s.negotiatedErrors, textQuery)
	reports.Get("/targets/:slug", s.downloadTargetReport)
	reports.Get("/explore", s.downloadExploreReport)

	// The JSON API. Every error under /api, a path no route matches included, is answered as JSON.
	api := app.Group("/api", s.apiErrors, textQuery).Group("/v1")
	api.Get("/openapi.json", func(c fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(web.OpenAPI)
	})
	api.Get("/categories", s.apiListCategories)
	api.Get("/shares", s.apiGetShares)
	api.Get("/explore", s.apiExplore)
	api.Get("/items.csv", s.apiItemsCSV)
	api.Get("/targets", s.apiListTargets)
	api.Get("/targets/:slug/progress", s.apiGetTargetProgress)
	api.Get("/targets/:slug/producers", s.apiListTargetProducers)
	api.Get("/targets/:slug/pulling-down", s.apiListTargetPullingDown)
	api.Get("/targets/:slug/largest-contracts", s.apiListTargetLargestContracts)
	api.Get("/buyers/:bin", s.apiGetBuyer)
	api.Get("/suppliers/:id", s.apiGetSupplier)
	api.Get("/contracts", s.apiListContracts)
	api.Get("/contracts/:id", s.apiGetContract)
	api.Get("/quality", s.apiGetQuality)
	api.Get("/imports", s.apiListImports)
	api.Get("/imports/:id", s.apiGetImport)

	// After the groups, whose own textQuery answers in their errors' form: a middleware registered before
	// them would answer an API request with a page.
	app.Use(textQuery)
	// Pages. Their errors are pages: fiber.Config.ErrorHandler is s.pageError.
	app.Get("/", s.showOverview)
	app.Get("/targets/:slug", s.showTarget)
	app.Get("/explore", s.showExplore)
	app.Get("/buyers/:bin", s.showBuyer)
	app.Get("/suppliers/:id", s.showSupplier)
	app.Get("/contracts/:id", s.showContract)
	app.Get("/quality", s.showQuality)
	app.Get("/methodology", s.showMethodology)
	app.Get("/imports", s.listImports)
	app.Get("/imports/template.csv", downloadTemplate("csv", "text/csv; charset=utf-8"))
	app.Get("/imports/template.xlsx", downloadTemplate("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	app.Get("/imports/:id", s.showImport)
}
