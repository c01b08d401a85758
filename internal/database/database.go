// Package database opens the PostgreSQL pool and applies the embedded migrations.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/ules-kz/ules/db"
)

// ErrNotMigrated means the database lacks migrations this binary expects.
var ErrNotMigrated = errors.New("database is not migrated: run `ules migrate` (or `make run`)")

// Connect opens a pool and checks that the server answers.
func Connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	if url == "" {
		return nil, errors.New("database: no database URL: set DATABASE_URL or pass --database-url")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database: parse URL: %w", err)
	}
	// Settings of every connection, each unless the URL sets it:
	//   - plan_cache_mode: pgx prepares every statement, and after five runs PostgreSQL may switch to a
	//     generic plan, which for queries with optional filters ("$1 IS NULL OR ...") scans everything:
	//     eight times slower on the share queries at 60,000 items (docs/performance.md).
	//   - jit: compiling a page's aggregate took 100-160 ms of its 200 ms at 10,000,000 items; the pages'
	//     queries are short and planned anew each time, so the compilation is never paid back.
	//   - work_mem: a grouping of a year's contracts by buyer sorts about 10 MB; the default 4 MB spills it
	//     to disk.
	for name, value := range map[string]string{"plan_cache_mode": "force_custom_plan", "jit": "off", "work_mem": "64MB"} {
		if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
			cfg.ConnConfig.RuntimeParams[name] = value
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database: connect to %s:%d/%s (is PostgreSQL running there, and is DATABASE_URL or --database-url right?): %w",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

// Open connects and checks that the database is migrated, as every command but migrate needs.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pool, err := Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := CheckMigrated(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	migrations, err := fs.Sub(db.Migrations, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("database: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations)
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("database: migrations: %w", err)
	}
	return p, sqlDB, nil
}

// Migrate applies every pending migration and returns how many it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	p, sqlDB, err := provider(pool)
	if err != nil {
		return 0, err
	}
	defer sqlDB.Close()
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("database: migrate: %w", err)
	}
	return len(results), nil
}

// CheckMigrated returns ErrNotMigrated when migrations are pending.
func CheckMigrated(ctx context.Context, pool *pgxpool.Pool) error {
	p, sqlDB, err := provider(pool)
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("database: check migrations: %w", err)
	}
	if pending {
		return ErrNotMigrated
	}
	return nil
}
