-- name: StageFileDiscard :one
-- A file that breaks off mid-way (a truncated download) is dropped whole rather than half imported.
WITH s AS (DELETE FROM stg_subjects WHERE starts_with(loc, @prefix::text) RETURNING 1),
     c AS (DELETE FROM stg_contracts WHERE starts_with(loc, @prefix::text) RETURNING 1),
     u AS (DELETE FROM stg_units WHERE starts_with(loc, @prefix::text) RETURNING 1),
     p AS (DELETE FROM stg_plans WHERE starts_with(loc, @prefix::text) RETURNING 1),
     k AS (DELETE FROM stg_plan_katos WHERE starts_with(loc, @prefix::text) RETURNING 1)
SELECT ((SELECT count(*) FROM s) + (SELECT count(*) FROM c) + (SELECT count(*) FROM u) + (SELECT count(*) FROM p)
    + (SELECT count(*) FROM k))::bigint AS discarded;
