// Package httpapi serves the JSON API under /api/v1, the dashboard pages and the health checks.
// Handlers translate HTTP to calls on the store; they hold no business rules.
//
// routes.go lists every route. Each handler has a file of its own named for its action: pages as
// <thing>_<action>.go (target_show.go, import_list.go), the API's as api_<thing>_<action>.go
// (api_shares_get.go). errors.go decides what an error may say; the API group answers it as JSON, every
// other route as a page. The pages' words are in the catalogs web/translations/{kk,ru,en}.json, one line
// per key and language, loaded once at start-up (catalog.go); numbers and money are written per language by
// format.go.
package httpapi
