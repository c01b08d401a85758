-- name: ImportBatchAbandonInterrupted :many
UPDATE import_batches
SET status = 'failed', finished_at = clock_timestamp(),
    message = 'interrupted: the importing process ended before finishing (killed or disconnected); nothing was committed'
WHERE status = 'running' AND pg_try_advisory_xact_lock(1431061843, id::integer)
RETURNING id;

-- name: ImportBatchCreate :one
-- The batch is locked for the creating session by the statement that makes it visible, so a running batch
-- whose lock is free belongs to a process that died (killed, disconnected) without recording its end.
WITH b AS (
    INSERT INTO import_batches (format, source_name, sha256, created_by, started_at)
    VALUES (@format, @source_name, @sha256, @created_by, clock_timestamp())
    RETURNING id
)
SELECT b.id FROM b, LATERAL (SELECT pg_advisory_lock(1431061843, b.id::integer)) held;

-- name: ImportBatchFinish :exec
UPDATE import_batches
SET status = @status, finished_at = clock_timestamp(), rows_read = @rows_read, rows_loaded = @rows_loaded,
    rows_rejected = @rows_rejected, rows_replaced = @rows_replaced, rows_unchanged = @rows_unchanged,
    rows_removed = @rows_removed, message = @message
WHERE id = @id;

-- name: ImportBatchGet :one
SELECT * FROM import_batches WHERE id = @id;

-- name: ImportBatchList :many
SELECT * FROM import_batches
WHERE sqlc.narg(before_id)::bigint IS NULL OR id < sqlc.narg(before_id)
ORDER BY id DESC
LIMIT @max_rows;

-- name: ImportBatchLockTry :one
-- Imports run one at a time: two that upsert the same buyers or suppliers in different orders could
-- deadlock, and the direct load reserves contract ids in blocks (ContractReserveIDs).
SELECT pg_try_advisory_xact_lock(1431061844, 0)::boolean AS locked;

-- name: ImportBatchLockWait :exec
SELECT pg_advisory_xact_lock(1431061844, 0);

-- name: ImportBatchRelease :exec
SELECT pg_advisory_unlock(1431061843, @id::integer);
