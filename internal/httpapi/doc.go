// Package httpapi serves the JSON API under /api/v1, the dashboard pages and the health checks.
// Handlers translate HTTP to calls on the domain stores; they hold no business rules.
package httpapi
