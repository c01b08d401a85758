package store

import (
	"context"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
)

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

func batchFromRow(r dbq.ImportBatch) Batch {
	return Batch{ID: r.ID, Format: r.Format, SourceName: r.SourceName, CreatedBy: r.CreatedBy, Status: r.Status,
		Message: r.Message, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Read: r.RowsRead, Loaded: r.RowsLoaded,
		Rejected: r.RowsRejected, Replaced: r.RowsReplaced, Unchanged: r.RowsUnchanged, Removed: r.RowsRemoved}
}

// BatchList returns up to limit batches, newest first, older than beforeID when it is not 0, and the
// beforeID of the next page, nil on the last: one batch more is read to know.
func (s *Store) BatchList(ctx context.Context, db DBTX, beforeID int64, limit int32) ([]Batch, *int64, error) {
	var before *int64
	if beforeID > 0 {
		before = &beforeID
	}
	rows, err := s.q.ImportBatchList(ctx, db, dbq.ImportBatchListParams{BeforeID: before, MaxRows: limit + 1})
	if err != nil {
		return nil, nil, interpretError(err, "list import batches")
	}
	var next *int64
	if int32(len(rows)) > limit {
		rows = rows[:limit]
		next = &rows[len(rows)-1].ID
	}
	out := make([]Batch, len(rows))
	for i, r := range rows {
		out[i] = batchFromRow(r)
	}
	return out, next, nil
}

// BatchGet returns one batch.
func (s *Store) BatchGet(ctx context.Context, db DBTX, id int64) (Batch, error) {
	r, err := s.q.ImportBatchGet(ctx, db, id)
	if err != nil {
		return Batch{}, interpretError(err, "import batch %d", id)
	}
	return batchFromRow(r), nil
}

// BatchErrorList returns up to limit stored errors of a batch after the error id afterID.
func (s *Store) BatchErrorList(ctx context.Context, db DBTX, batchID, afterID int64, limit int32) ([]StoredError, error) {
	rows, err := s.q.ImportErrorList(ctx, db, dbq.ImportErrorListParams{BatchID: batchID, AfterID: afterID, MaxRows: limit})
	if err != nil {
		return nil, interpretError(err, "errors of import batch %d", batchID)
	}
	out := make([]StoredError, len(rows))
	for i, r := range rows {
		out[i] = StoredError{ID: r.ID, Location: r.Location, Reason: r.Reason}
	}
	return out, nil
}
