package httpapi

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/static"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/web"
)

// Server holds what the handlers need.
type Server struct {
	pool  *pgxpool.Pool
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
}

// New builds the fiber application. now gives "today" (a fixed clock in tests).
func New(pool *pgxpool.Pool, log *slog.Logger, now func() time.Time) (*fiber.App, error) {
	s := &Server{pool: pool, store: store.New(), log: log, now: now}
	templates, err := fs.Sub(web.Templates, "templates")
	if err != nil {
		return nil, fmt.Errorf("httpapi: templates: %w", err)
	}
	engine, err := loadViews(templates, template.FuncMap{"pct": formatPercent, "pct1": formatPercentNumber, "width": barWidth, "tenge": formatTenge, "reason": translateReason})
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		Views:        engine,
		ErrorHandler: s.handleError,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
	})
	staticFS, err := fs.Sub(web.Static, "static")
	if err != nil {
		return nil, fmt.Errorf("httpapi: static: %w", err)
	}
	app.Use(securityHeaders, chooseLanguage)
	app.Get("/static*", static.New("", static.Config{FS: staticFS, MaxAge: 3600}))
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	api := app.Group("/api", markAPI)
	api = api.Group("/v1")
	api.Get("/categories", s.apiCategories)
	api.Get("/shares", s.apiShares)
	api.Get("/targets", s.apiTargets)
	api.Get("/targets/:slug/progress", s.apiTargetProgress)
	api.Get("/contracts", s.apiContracts)
	api.Get("/imports", s.apiImports)
	api.Get("/imports/:id", s.apiImport)

	app.Get("/", s.pageOverview)
	app.Get("/targets/:slug", s.pageTarget)
	app.Get("/imports", s.pageImports)
	app.Get("/methodology", s.pageMethodology)
	app.Get("/imports/template.csv", downloadTemplate("csv", "text/csv; charset=utf-8"))
	app.Get("/imports/template.xlsx", downloadTemplate("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	app.Get("/imports/:id", s.pageImport)
	return app, nil
}

// paramError is a bad query or path parameter: 400 naming the parameter.
type paramError struct {
	Param  string
	Reason string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Reason }

func badParam(param, format string, args ...any) error {
	return &paramError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

type errorBody struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

func (s *Server) handleError(c fiber.Ctx, err error) error {
	// What an answer may say: a bad parameter names itself; anything else says only what happened, in
	// words for the user, while the log keeps the detail.
	status, message := fiber.StatusInternalServerError, "Something went wrong"
	var body errorBody
	var pe *paramError
	var fe *fiber.Error
	switch {
	case errors.As(err, &pe):
		status, body = fiber.StatusBadRequest, errorBody{Error: pe.Error(), Param: pe.Param}
		message = pe.Error()
	case errors.Is(err, store.ErrNotFound):
		status, message = fiber.StatusNotFound, "Not found"
	case errors.As(err, &fe) && fe.Code < 500:
		status, message = fe.Code, http.StatusText(fe.Code)
		if fe.Code == fiber.StatusNotFound {
			message = "Not found"
		}
	default:
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if isAPI(c) {
		if body.Error == "" {
			body.Error = strings.ToLower(message[:1]) + message[1:]
		}
		return c.Status(status).JSON(body)
	}
	T := translator(language(c))
	data := pageData(c, T(message))
	data["Message"] = ""
	if _, ok := messages[message+" detail"]; ok {
		data["Message"] = T(message + " detail")
	}
	if pe != nil {
		data["Message"] = pe.Error()
	}
	if err := c.Status(status).Render("error", data); err != nil {
		s.log.Error("render error page", "err", err)
		return c.Status(status).SendString(T(message))
	}
	return nil
}

func (s *Server) healthz(c fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says whether the database answers, and nothing of where it is: the error, which names the host,
// port, user and database, goes to the log.
func (s *Server) readyz(c fiber.Ctx) error {
	if err := s.pool.Ping(c.Context()); err != nil {
		s.log.Warn("not ready: the database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
