package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/ules-kz/ules/internal/dbq"
)

// ErrNotFound means the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// DBTX runs a method's queries: a pool, a connection, or a transaction (a test's, rolled back at its end).
type DBTX = dbq.DBTX

// Store runs the queries; it holds no connection, each method is given one.
type Store struct {
	q         *dbq.Queries
	itemsOnly bool
}

// New returns a store.
func New() *Store { return &Store{q: dbq.New()} }

// NewItemsOnly returns a store that reads every figure from the items, never from the rollup: what the
// rollup is checked and measured against.
func NewItemsOnly() *Store { return &Store{q: dbq.New(), itemsOnly: true} }

// interpretError maps what the driver says to what callers check for, and prefixes the package and what
// was being done.
func interpretError(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

// SideBySide runs a reader's independent queries: side by side over a pool, at most four at once so that
// one page does not take every connection, and one after another over a transaction, which serves one
// query at a time.
func SideBySide(ctx context.Context, db any) (*errgroup.Group, context.Context) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	if _, pool := db.(*pgxpool.Pool); !pool {
		g.SetLimit(1)
	}
	return g, gctx
}
