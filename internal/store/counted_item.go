package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// ExportItem is one counted item as the explorer's download lists it.
type ExportItem = dbq.CountedItemExportRow

// ItemRows reads the counted items of a scope one at a time: Next, then Item, until Next is false; then Err.
// Close releases the connection early.
type ItemRows struct {
	tx   pgx.Tx
	rows pgx.Rows
	item ExportItem
	err  error
}

// Next reads the next item; false at the end or on an error.
func (r *ItemRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if err := dbq.ScanCountedItemExport(r.rows, &r.item); err != nil {
		r.err = fmt.Errorf("store: read counted item: %w", err)
		return false
	}
	return true
}

// Item is the item Next read; it is overwritten by the next call.
func (r *ItemRows) Item() *ExportItem { return &r.item }

// NextRaw moves to the next item without decoding it, for Raw; false at the end or on an error.
func (r *ItemRows) NextRaw() bool { return r.err == nil && r.rows.Next() }

// Raw is the item NextRaw moved to: ExportItem's columns in order, each in PostgreSQL's binary format
// (ExportKinds), nil for NULL. It is valid until the next call: a download of millions of items decodes
// them no further than its output needs.
func (r *ItemRows) Raw() [][]byte { return r.rows.RawValues() }

// ExportKind is how a column of Raw is encoded.
type ExportKind uint8

const (
	ExportText    ExportKind = iota // UTF-8 bytes
	ExportDate                      // ExportDay decodes it
	ExportInteger                   // ExportInt decodes it
)

// ExportKinds are the kinds of ExportItem's columns, in order.
var ExportKinds = [...]ExportKind{
	ExportText, ExportText, ExportDate, // source, contract, signed on
	ExportText, ExportText, ExportText, // buyer
	ExportText, ExportText, ExportText, // supplier
	ExportText, ExportText, ExportText, ExportText, ExportText, // category, region, KATO, method, status
	ExportText, ExportText, ExportText, ExportText, // ENSTRU code, name, quantity, unit
	ExportInteger, ExportInteger, ExportText, // value, tier, tier rule
	ExportInteger, ExportInteger, ExportInteger, // local content: computed, certified, published
}

// ExportInt decodes a binary integer of 2, 4 or 8 bytes.
func ExportInt(v []byte) int64 {
	switch len(v) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(v)))
	case 4:
		return int64(int32(binary.BigEndian.Uint32(v)))
	}
	return int64(binary.BigEndian.Uint64(v))
}

// ExportDay decodes a binary date: days since 2000-01-01.
func ExportDay(v []byte) time.Time {
	const epoch = 946_684_800 // 2000-01-01 in Unix seconds
	return time.Unix(epoch+int64(int32(binary.BigEndian.Uint32(v)))*86_400, 0).UTC()
}

// Err is what stopped the reading, nil at the end.
func (r *ItemRows) Err() error {
	if r.err != nil {
		return r.err
	}
	if err := r.rows.Err(); err != nil {
		return fmt.Errorf("store: read counted items: %w", err)
	}
	return nil
}

// Close ends the reading and the transaction it ran in.
func (r *ItemRows) Close() {
	r.rows.Close()
	_ = r.tx.Rollback(context.Background()) // it only read; a broken connection is the pool's to drop
}

// CountedItemRows starts reading every counted item of the scope, by date and contract, without holding
// them: a download of millions of items keeps one in memory. Names are in lang (kk, else Russian).
func (s *Store) CountedItemRows(ctx context.Context, db Beginner, scope share.Scope, lang string) (*ItemRows, error) {
	var categoryID *int32
	if scope.Category != "" {
		cat, err := s.CategoryGetBySlug(ctx, db, scope.Category)
		if err != nil {
			return nil, err
		}
		categoryID = &cat.ID
	}
	// The setting must hold for this query only: a transaction of its own, a savepoint within a test's.
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: read counted items: %w", err)
	}
	// JIT compiled the query for half a second of a year's four, and ran it no faster.
	if _, err := tx.Exec(ctx, "SET LOCAL enable_sort = off; SET LOCAL jit = off"); err != nil {
		_ = tx.Rollback(ctx)
		return nil, fmt.Errorf("store: read counted items: %w", err)
	}
	rows, err := s.q.CountedItemExportRows(ctx, tx, dbq.CountedItemExportParams{
		CategoryID: categoryID, DateFrom: scope.From, DateTo: scope.To, Regions: nonNil(scope.Regions),
		BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods), Tiers: tierCodes(scope),
		BuyerBin: optional(scope.Buyer), SupplierID: optional(scope.Supplier), Unclassified: scope.Unclassified,
		Kazakh: lang == "kk",
	})
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, interpretError(err, "counted items")
	}
	return &ItemRows{tx: tx, rows: rows}, nil
}
