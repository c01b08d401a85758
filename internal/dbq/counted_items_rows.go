package dbq

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// This file is written by hand beside sqlc's output: sqlc reads a :many query into one slice, and the
// explorer's download must hold one row at a time. CountedItemExportRows lets sqlc's own method build the
// query and its arguments, then runs them itself and returns the rows unread, for store.ItemRows to read.

var errCaptured = errors.New("dbq: query captured")

// capture is a DBTX that records the query it is asked to run instead of running it.
type capture struct {
	DBTX
	sql  string
	args []any
}

func (c *capture) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.sql, c.args = sql, args
	return nil, errCaptured
}

// exportFormats asks for every column of CountedItemExport in binary, so that a reader of RawValues knows
// what it gets: text as its UTF-8 bytes, integers big-endian, dates as days since 2000-01-01.
var exportFormats = pgx.QueryResultFormatsByOID{
	pgtype.TextOID: pgx.BinaryFormatCode, pgtype.DateOID: pgx.BinaryFormatCode, pgtype.Int8OID: pgx.BinaryFormatCode,
	pgtype.Int4OID: pgx.BinaryFormatCode, pgtype.Int2OID: pgx.BinaryFormatCode,
}

// CountedItemExportRows runs CountedItemExport and returns its rows unread, every column in binary
// (exportFormats).
func (q *Queries) CountedItemExportRows(ctx context.Context, db DBTX, arg CountedItemExportParams) (pgx.Rows, error) {
	c := &capture{}
	if _, err := q.CountedItemExport(ctx, c, arg); !errors.Is(err, errCaptured) {
		return nil, err
	}
	return db.Query(ctx, c.sql, append([]any{exportFormats}, c.args...)...)
}
