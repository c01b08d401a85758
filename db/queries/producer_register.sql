-- name: RegisterMerge :one
-- Entries are upserted on (bin, enstru_prefix, category_id, valid_from); one stored exactly as read is left
-- alone. bins lists the producers whose entries changed.
WITH src AS (
    SELECT DISTINCT ON (bin, enstru_prefix, category_id, valid_from) *
    FROM stg_register
    WHERE NOT rejected
    ORDER BY bin, enstru_prefix, category_id, valid_from, loc
), prev AS (
    SELECT p.id
    FROM producer_register p
    JOIN src ON src.bin = p.bin AND src.enstru_prefix = p.enstru_prefix
        AND src.category_id IS NOT DISTINCT FROM p.category_id AND src.valid_from = p.valid_from
), up AS (
    INSERT INTO producer_register AS p (bin, enstru_prefix, category_id, valid_from, valid_to, source, capacity,
        capacity_unit, batch_id)
    SELECT bin, enstru_prefix, category_id, valid_from, valid_to, source, capacity, capacity_unit, @batch_id
    FROM src
    ON CONFLICT (bin, enstru_prefix, category_id, valid_from) DO UPDATE
    SET valid_to = EXCLUDED.valid_to, source = EXCLUDED.source, capacity = EXCLUDED.capacity,
        capacity_unit = EXCLUDED.capacity_unit, batch_id = EXCLUDED.batch_id
    WHERE (p.valid_to, p.source, p.capacity, p.capacity_unit)
        IS DISTINCT FROM (EXCLUDED.valid_to, EXCLUDED.source, EXCLUDED.capacity, EXCLUDED.capacity_unit)
    RETURNING p.id, p.bin
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM up)::bigint AS written,
       (SELECT count(*) FROM up WHERE up.id IN (SELECT id FROM prev))::bigint AS replaced,
       coalesce((SELECT array_agg(DISTINCT up.bin ORDER BY up.bin) FROM up), '{}')::text[] AS bins;

-- name: RegisterStageCopyFrom :copyfrom
INSERT INTO stg_register (loc, bin, enstru_prefix, category_id, valid_from, valid_to, capacity, capacity_unit, source)
VALUES (@loc, @bin, @enstru_prefix, @category_id, @valid_from, @valid_to, @capacity, @capacity_unit, @source);

-- name: RegisterStageRejectConflicting :many
-- One register entry (producer, scope, start) given twice with different contents cannot be resolved: every
-- copy is refused.
UPDATE stg_register s SET rejected = true
FROM (
    SELECT bin, enstru_prefix, category_id, valid_from, array_agg(loc ORDER BY loc) AS locs
    FROM stg_register
    GROUP BY bin, enstru_prefix, category_id, valid_from
    HAVING count(DISTINCT (valid_to, capacity, capacity_unit, source)) > 1
) d
WHERE s.bin = d.bin AND s.enstru_prefix = d.enstru_prefix AND s.category_id IS NOT DISTINCT FROM d.category_id
  AND s.valid_from = d.valid_from
RETURNING s.loc, s.bin, d.locs::text[] AS locs;

-- name: RegisterListByBIN :many
SELECT r.enstru_prefix, coalesce(c.slug, '')::text AS category, r.valid_from, r.valid_to, r.capacity, r.capacity_unit,
       r.source
FROM producer_register r LEFT JOIN categories c ON c.id = r.category_id
WHERE r.bin = @bin
ORDER BY r.valid_from DESC, r.enstru_prefix;
