-- name: ImportErrorCopyFrom :copyfrom
INSERT INTO import_errors (batch_id, location, reason) VALUES (@batch_id, @location, @reason);

-- name: ImportErrorList :many
SELECT id, batch_id, location, reason FROM import_errors
WHERE batch_id = @batch_id AND id > @after_id
ORDER BY id
LIMIT @max_rows;
