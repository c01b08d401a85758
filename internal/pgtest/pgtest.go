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
	"strconv"
	"strings"
	"sync"
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
	if _, err := conn.Exec(ctx, createFromTemplate(name, template)); err != nil {
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

// createFromTemplate copies the template's files rather than logging every page (PostgreSQL 15's default,
// WAL_LOG): for a small template on the tests' fsync-free server that is 0.12 s a database instead of 0.17.
func createFromTemplate(name, template string) string {
	return "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize() +
		" STRATEGY FILE_COPY"
}

// ensureTemplate migrates a template database named after the migrations' hash, once across all test
// processes (an advisory lock serialises packages that run in parallel).
func ensureTemplate(t testing.TB, admin string) string {
	t.Helper()
	name, err := templateDB(admin)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return name
}

func templateDB(admin string) (string, error) {
	ctx := context.Background()
	hash, err := migrationsHash()
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	name := "ules_tmpl_" + hash
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(4242)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look up template: %w", err)
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop stale template: %w", err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	u.Path = "/" + building
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		return "", fmt.Errorf("connect template: %w", err)
	}
	_, err = database.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	// Renamed only when complete, so a crash mid-migration never leaves a half-built template behind.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("rename template: %w", err)
	}
	return name, nil
}

func migrationsHash() (string, error) {
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
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
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

// shared is one migrated database per test process for tests that need no commits: each runs in its own
// transaction on it (Tx), rolled back when the test ends, so the database stays as migrated.
var shared struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

// Tx begins a transaction on this process's shared database and rolls it back when t ends. Tests that
// read what they wrote themselves use it instead of NewDB: it costs no database of their own.
func Tx(t testing.TB) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	shared.once.Do(func() { shared.pool, shared.err = sharedPool() })
	if shared.err != nil {
		t.Fatalf("pgtest: %v", shared.err)
	}
	tx, err := shared.pool.Begin(ctx)
	if err != nil {
		t.Fatalf("pgtest: begin: %v", err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}

// sharedPool creates this process's shared database. It is named for the process and dropped by the next
// process that finds its owner gone, since no test outlives the process to drop it.
func sharedPool() (*pgxpool.Pool, error) {
	admin := os.Getenv(EnvURL)
	if admin == "" {
		return nil, fmt.Errorf("%s is not set: run the tests with `make test`, which starts a throwaway PostgreSQL", EnvURL)
	}
	ctx := context.Background()
	template, err := templateDB(admin)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	defer conn.Close(ctx)
	dropOrphans(ctx, conn)
	name := fmt.Sprintf("ules_tx_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return nil, fmt.Errorf("drop stale shared database: %w", err)
	}
	if _, err := conn.Exec(ctx, createFromTemplate(name, template)); err != nil {
		return nil, fmt.Errorf("create shared database: %w", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	return pgxpool.New(ctx, u.String())
}

// dropOrphans drops the shared databases of test processes that are gone (on this machine).
func dropOrphans(ctx context.Context, conn *pgx.Conn) {
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'ules\\_tx\\_%'")
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		pid, err := strconv.Atoi(strings.TrimPrefix(name, "ules_tx_"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			continue
		}
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}
}
