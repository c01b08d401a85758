package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/dbq"
)

// ErrBatchNotFound means no import batch has the id asked for.
var ErrBatchNotFound = errors.New("import batch not found")

// Batch is the record of one import.
type Batch struct {
	ID                                             int64
	Format, SourceName, CreatedBy, Status, Message string
	StartedAt                                      time.Time
	FinishedAt                                     *time.Time
	Read, Loaded, Rejected, Replaced, Unchanged    int64
	Removed                                        int64 // items newer versions no longer list
}

// StoredError is a bad record kept with its batch.
type StoredError struct {
	ID       int64
	Location string
	Reason   string
}

// Batches reads the import history.
type Batches struct {
	pool *pgxpool.Pool
	q    *dbq.Queries
}

// NewBatches returns a reader of the import history.
func NewBatches(pool *pgxpool.Pool) *Batches { return &Batches{pool: pool, q: dbq.New()} }

func batchFromRow(r dbq.ImportBatch) Batch {
	return Batch{ID: r.ID, Format: r.Format, SourceName: r.SourceName, CreatedBy: r.CreatedBy, Status: r.Status,
		Message: r.Message, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Read: r.RowsRead, Loaded: r.RowsLoaded,
		Rejected: r.RowsRejected, Replaced: r.RowsReplaced, Unchanged: r.RowsUnchanged, Removed: r.RowsRemoved}
}

// List returns up to limit batches, newest first, older than beforeID when it is not 0.
func (b *Batches) List(ctx context.Context, beforeID int64, limit int32) ([]Batch, error) {
	var before *int64
	if beforeID > 0 {
		before = &beforeID
	}
	rows, err := b.q.ImportBatchList(ctx, b.pool, dbq.ImportBatchListParams{BeforeID: before, MaxRows: limit})
	if err != nil {
		return nil, fmt.Errorf("ingest: list batches: %w", err)
	}
	out := make([]Batch, len(rows))
	for i, r := range rows {
		out[i] = batchFromRow(r)
	}
	return out, nil
}

// Get returns one batch.
func (b *Batches) Get(ctx context.Context, id int64) (Batch, error) {
	r, err := b.q.ImportBatchGet(ctx, b.pool, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Batch{}, fmt.Errorf("ingest: batch %d: %w", id, ErrBatchNotFound)
	}
	if err != nil {
		return Batch{}, fmt.Errorf("ingest: batch %d: %w", id, err)
	}
	return batchFromRow(r), nil
}

// Errors returns up to limit stored errors of a batch after the error id afterID.
func (b *Batches) Errors(ctx context.Context, batchID, afterID int64, limit int32) ([]StoredError, error) {
	rows, err := b.q.ImportErrorList(ctx, b.pool, dbq.ImportErrorListParams{BatchID: batchID, AfterID: afterID, MaxRows: limit})
	if err != nil {
		return nil, fmt.Errorf("ingest: batch %d errors: %w", batchID, err)
	}
	out := make([]StoredError, len(rows))
	for i, r := range rows {
		out[i] = StoredError{ID: r.ID, Location: r.Location, Reason: r.Reason}
	}
	return out, nil
}
