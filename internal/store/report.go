package store

import (
	"context"
	"time"
)

// BatchLatestCommittedAt is when the newest committed import finished: what every figure is "as of".
// ErrNotFound when nothing was ever imported.
func (s *Store) BatchLatestCommittedAt(ctx context.Context, db DBTX) (time.Time, error) {
	r, err := s.q.ImportBatchLatestCommitted(ctx, db)
	if err != nil {
		return time.Time{}, interpretError(err, "latest committed import")
	}
	return *r.FinishedAt, nil
}
