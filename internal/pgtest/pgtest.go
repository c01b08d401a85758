// Package pgtest gives each test its own PostgreSQL database, cloned from a template that is migrated once
// per migration set, so tests run against the real schema without paying for migrations each time.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/db"
	"github.com/ules-kz/ules/internal/database"
)

// EnvURL names the variable holding an administrative URL of the test server (make test sets it).
const EnvURL = "TEST_DATABASE_URL"

var counter atomic.Int64

// NewDB creates a fresh migrated database for t, dropped when t ends, and returns a pool and its URL.
func NewDB(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		t.Fatalf("pgtest: %s is not set: run the tests with `make test`, which starts a throwaway PostgreSQL", EnvURL)
	}
	ctx := context.Background()
	template := ensureTemplate(t, admin)

	name := fmt.Sprintf("ules_t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	conn := adminConn(t, admin)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{template}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	dbURL := withDatabase(t, admin, name)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		c := adminConn(t, admin)
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return pool, dbURL
}

// ensureTemplate migrates a template database named after the migrations' hash, once across all test
// processes (an advisory lock serialises packages that run in parallel).
func ensureTemplate(t testing.TB, admin string) string {
	t.Helper()
	ctx := context.Background()
	name := "ules_tmpl_" + migrationsHash(t)
	conn := adminConn(t, admin)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		t.Fatalf("pgtest: lock: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(4242)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatalf("pgtest: look up template: %v", err)
	}
	if exists {
		return name
	}
	building := name + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Fatalf("pgtest: drop stale template: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create template: %v", err)
	}
	pool, err := pgxpool.New(ctx, withDatabase(t, admin, building))
	if err != nil {
		t.Fatalf("pgtest: connect template: %v", err)
	}
	_, err = database.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		t.Fatalf("pgtest: migrate template: %v", err)
	}
	// Renamed only when complete, so a crash mid-migration never leaves a half-built template behind.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: rename template: %v", err)
	}
	return name
}

func migrationsHash(t testing.TB) string {
	h := sha256.New()
	err := fs.WalkDir(db.Migrations, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := db.Migrations.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatalf("pgtest: hash migrations: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func adminConn(t testing.TB, admin string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), admin)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvURL, err)
	}
	return conn
}

func withDatabase(t testing.TB, admin, name string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
