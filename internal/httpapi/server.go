package httpapi

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/units"
	"github.com/ules-kz/ules/web"
)

// Server holds what the handlers need.
type Server struct {
	// db is what every handler reads through: the pool when serving, a test's transaction in tests.
	db store.Beginner
	// ping says whether the database answers (/readyz); a transaction cannot say it of its pool.
	ping  func(context.Context) error
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	// catalog holds the words of the pages in every language.
	catalog *catalog
	// progressCache keeps targets' progress while it hears of every change (nil over a transaction).
	progressCache *progressCache
	// reportSlots holds a token for each report being read (report_download.go).
	reportSlots chan struct{}
	// reportWait is how long a report waits for a slot (reportWait; shorter in tests).
	reportWait time.Duration
}

// New builds the fiber application over the database behind pool. now gives "today".
func New(pool *pgxpool.Pool, log *slog.Logger, now func() time.Time) (*fiber.App, error) {
	cache := &progressCache{}
	app, err := newApp(pool, pool.Ping, log, now, cache)
	if err != nil {
		return nil, err
	}
	// The cache listens while the app does: an app that never serves holds no connection.
	ctx, stop := context.WithCancel(context.Background())
	var listening sync.WaitGroup
	app.Hooks().OnListen(func(fiber.ListenData) error {
		listening.Go(func() { cache.listen(ctx, pool, log) })
		return nil
	})
	app.Hooks().OnPostShutdown(func(error) error {
		stop()
		listening.Wait()
		return nil
	})
	return app, nil
}

// NewWithDB builds the fiber application over db, a pool or a transaction (a test's, rolled back when it
// ends), with ping answering /readyz. now gives "today" (a fixed clock in tests).
func NewWithDB(db store.Beginner, ping func(context.Context) error, log *slog.Logger, now func() time.Time) (*fiber.App, error) {
	return newApp(db, ping, log, now, nil)
}

func newApp(db store.Beginner, ping func(context.Context) error, log *slog.Logger, now func() time.Time, cache *progressCache) (*fiber.App, error) {
	s := &Server{db: db, ping: ping, store: store.New(), log: log, now: now, progressCache: cache,
		reportSlots: make(chan struct{}, reportsAtOnce), reportWait: reportWait}
	if cache != nil {
		cache.warm = func(ctx context.Context) { s.warm(ctx, cache) }
	}
	var err error
	if s.catalog, err = loadCatalog(web.Translations); err != nil {
		return nil, err
	}
	templates, err := fs.Sub(web.Templates, "templates")
	if err != nil {
		return nil, fmt.Errorf("httpapi: templates: %w", err)
	}
	engine, err := loadViews(templates, template.FuncMap{"pct": formatPercent, "pct1": money.FormatPercent, "points": formatPoints, "width": barWidth, "tenge": formatTenge, "qty": locale.Quantity, "num": formatCount, "unitCode": unitCode, "unitName": units.NameIn, "capacityUnit": units.CapacityIn, "date": formatDate, "datetime": formatDateTime, "dict": dict, "has": slices.Contains[[]string], "hasTier": hasTier, "list": list, "join": strings.Join, "int": tierNumber, "int64": widen, "deref": deref[int64], "deref32": deref[int32], "loadOf": loadOf, "reason": s.catalog.translateReason})
	if err != nil {
		return nil, err
	}
	staticFS, err := fs.Sub(web.Static, "static")
	if err != nil {
		return nil, fmt.Errorf("httpapi: static: %w", err)
	}
	app := fiber.New(fiber.Config{
		Views: engine,
		// Pages, files and requests no route matched answer errors with a page; the API group installs
		// its own JSON responder (routes.go).
		ErrorHandler: s.pageError,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
	})
	s.routes(app, staticFS)
	return app, nil
}

// today is the day it is in Almaty, where a day of purchases begins and ends.
func (s *Server) today() time.Time { return locale.Today(s.now()) }

// queries runs a page's independent queries (store.SideBySide).
func (s *Server) queries(ctx context.Context) (*errgroup.Group, context.Context) {
	return store.SideBySide(ctx, s.db)
}
