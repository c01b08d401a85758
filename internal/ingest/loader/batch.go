package loader

import (
	"context"
	"fmt"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// DBTX runs a function's statements: the pool, the importing session's connection, or its transaction.
type DBTX = dbq.DBTX

// BatchAbandonInterrupted marks failed the batches whose importing session ended without recording their
// end (killed, disconnected), and returns their ids.
func BatchAbandonInterrupted(ctx context.Context, db DBTX) ([]int64, error) {
	ids, err := dbq.New().ImportBatchAbandonInterrupted(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("ingest: look for interrupted imports: %w", err)
	}
	return ids, nil
}

// BatchCreate records a running batch and locks it for the session of db, which must stay the same until
// BatchRelease: the lock tells a running import from an interrupted one.
func BatchCreate(ctx context.Context, db DBTX, format, sourceName, createdBy string) (int64, error) {
	id, err := dbq.New().ImportBatchCreate(ctx, db, dbq.ImportBatchCreateParams{Format: format, SourceName: sourceName, CreatedBy: createdBy})
	if err != nil {
		return 0, fmt.Errorf("ingest: create batch: %w", err)
	}
	return id, nil
}

// BatchRelease unlocks the batch BatchCreate locked for the session.
func BatchRelease(ctx context.Context, db DBTX, id int64) error {
	if err := dbq.New().ImportBatchRelease(ctx, db, int32(id)); err != nil {
		return fmt.Errorf("ingest: release batch %d: %w", id, err)
	}
	return nil
}

// ImportLockTry takes the lock that runs imports one at a time, for the transaction, if it is free.
func ImportLockTry(ctx context.Context, tx DBTX) (bool, error) {
	locked, err := dbq.New().ImportBatchLockTry(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("ingest: take the import lock: %w", err)
	}
	return locked, nil
}

// ImportLockWait takes the lock that runs imports one at a time, waiting for the running import to end.
func ImportLockWait(ctx context.Context, tx DBTX) error {
	if err := dbq.New().ImportBatchLockWait(ctx, tx); err != nil {
		return fmt.Errorf("ingest: wait for the running import: %w", err)
	}
	return nil
}

// BatchOutcome is what a batch did, as its record keeps it.
type BatchOutcome struct {
	ID                                                   int64
	Status                                               string // committed or failed
	Read, Loaded, Rejected, Replaced, Unchanged, Removed int64
	Message                                              string
}

// BatchFinish records a batch's outcome.
func BatchFinish(ctx context.Context, db DBTX, o BatchOutcome) error {
	err := dbq.New().ImportBatchFinish(ctx, db, dbq.ImportBatchFinishParams{
		ID: o.ID, Status: o.Status, RowsRead: o.Read, RowsLoaded: o.Loaded, RowsRejected: o.Rejected,
		RowsReplaced: o.Replaced, RowsUnchanged: o.Unchanged, RowsRemoved: o.Removed, Message: o.Message,
	})
	if err != nil {
		return fmt.Errorf("ingest: finish batch: %w", err)
	}
	return nil
}

// BatchErrorsStore stores a batch's bad records.
func BatchErrorsStore(ctx context.Context, db DBTX, batchID int64, list []record.Error) error {
	if len(list) == 0 {
		return nil
	}
	rows := make([]dbq.ImportErrorCopyFromParams, len(list))
	for i, e := range list {
		rows[i] = dbq.ImportErrorCopyFromParams{BatchID: batchID, Location: e.Location, Reason: e.Reason}
	}
	if _, err := dbq.New().ImportErrorCopyFrom(ctx, db, rows); err != nil {
		return fmt.Errorf("ingest: store errors: %w", err)
	}
	return nil
}

// ContractExists reports whether any contract is stored.
func ContractExists(ctx context.Context, db DBTX) (bool, error) {
	ok, err := dbq.New().ContractExists(ctx, db)
	if err != nil {
		return false, fmt.Errorf("ingest: look for contracts: %w", err)
	}
	return ok, nil
}
