-- name: ImportBatchLatestCommitted :one
-- The time the newest committed import finished: a report's "data as of". Failed and running imports
-- changed nothing a report reads.
SELECT id, finished_at FROM import_batches
WHERE status = 'committed' AND finished_at IS NOT NULL
ORDER BY finished_at DESC, id DESC
LIMIT 1;
