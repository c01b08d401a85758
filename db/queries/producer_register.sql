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
        capacity_unit, region, batch_id)
    SELECT bin, enstru_prefix, category_id, valid_from, valid_to, source, capacity, capacity_unit, region, @batch_id
    FROM src
    ON CONFLICT (bin, enstru_prefix, category_id, valid_from) DO UPDATE
    SET valid_to = EXCLUDED.valid_to, source = EXCLUDED.source, capacity = EXCLUDED.capacity,
        capacity_unit = EXCLUDED.capacity_unit, region = EXCLUDED.region, batch_id = EXCLUDED.batch_id
    WHERE (p.valid_to, p.source, p.capacity, p.capacity_unit, p.region)
        IS DISTINCT FROM (EXCLUDED.valid_to, EXCLUDED.source, EXCLUDED.capacity, EXCLUDED.capacity_unit, EXCLUDED.region)
    RETURNING p.id, p.bin
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM up)::bigint AS written,
       (SELECT count(*) FROM up WHERE up.id IN (SELECT id FROM prev))::bigint AS replaced,
       coalesce((SELECT array_agg(DISTINCT up.bin ORDER BY up.bin) FROM up), '{}')::text[] AS bins;

-- name: RegisterStageCopyFrom :copyfrom
INSERT INTO stg_register (loc, bin, enstru_prefix, category_id, valid_from, valid_to, capacity, capacity_unit, source, region)
VALUES (@loc, @bin, @enstru_prefix, @category_id, @valid_from, @valid_to, @capacity, @capacity_unit, @source, @region);

-- name: RegisterStageRejectConflicting :many
-- One register entry (producer, scope, start) given twice with different contents cannot be resolved: every
-- copy is refused.
UPDATE stg_register s SET rejected = true
FROM (
    SELECT bin, enstru_prefix, category_id, valid_from, array_agg(loc ORDER BY loc) AS locs
    FROM stg_register
    GROUP BY bin, enstru_prefix, category_id, valid_from
    HAVING count(DISTINCT (valid_to, capacity, capacity_unit, source, region)) > 1
) d
WHERE s.bin = d.bin AND s.enstru_prefix = d.enstru_prefix AND s.category_id IS NOT DISTINCT FROM d.category_id
  AND s.valid_from = d.valid_from
RETURNING s.loc, s.bin, d.locs::text[] AS locs;

-- name: RegisterListByBIN :many
SELECT r.enstru_prefix, coalesce(c.slug, '')::text AS category, coalesce(c.name_kk, '')::text AS category_kk,
       coalesce(c.name_ru, '')::text AS category_ru, coalesce(c.name_en, '')::text AS category_en,
       r.valid_from, r.valid_to, r.capacity, r.capacity_unit,
       r.source, coalesce(r.region, '')::text AS region, coalesce(rg.name_kk, '')::text AS region_kk,
       coalesce(rg.name_ru, '')::text AS region_ru, coalesce(rg.name_en, '')::text AS region_en
FROM producer_register r
LEFT JOIN categories c ON c.id = r.category_id
LEFT JOIN regions rg ON rg.code = r.region
WHERE r.bin = @bin
ORDER BY r.valid_from DESC, r.enstru_prefix;

-- name: RegisterListCapacity :many
-- Who could supply a scope: the producers the register lists for its category (by the category, an ENSTRU
-- prefix of the category's rules, or all their products) during its period, with the stated annual capacity
-- of the entry nearest the category (the largest of those) and the region that entry gives, and what they won in the scope, its quantities by the
-- items' unit: store.Capacity compares the capacity with those of its unit.
WITH prefixes AS (
    SELECT cr.pattern FROM category_rules cr WHERE cr.category_id = sqlc.arg(category_id)::integer AND cr.kind = 'enstru_prefix'
), producers AS (
    SELECT DISTINCT ON (r.bin) r.bin, r.capacity, r.capacity_unit, r.region
    FROM producer_register r
    WHERE r.valid_from <= sqlc.arg(date_to)::date AND (r.valid_to IS NULL OR r.valid_to >= sqlc.arg(date_from)::date)
      AND (r.category_id = sqlc.arg(category_id)::integer
           OR (r.enstru_prefix <> '' AND EXISTS (SELECT 1 FROM prefixes p
               WHERE r.enstru_prefix LIKE p.pattern || '%' OR p.pattern LIKE r.enstru_prefix || '%'))
           OR (r.enstru_prefix = '' AND r.category_id IS NULL))
    -- The entry most of the category's own first (the category, an ENSTRU prefix, all products), then the
    -- largest capacity: an all-products entry in kilograms does not stand in for the category's in sets.
    ORDER BY r.bin, r.category_id IS NOT DISTINCT FROM sqlc.arg(category_id)::integer DESC, r.enstru_prefix <> '' DESC,
             r.capacity DESC NULLS LAST
), won_units AS (
    SELECT s.bin, i.unit, sum(i.value)::bigint AS value, coalesce(sum(i.quantity), 0)::numeric AS quantity,
           count(*)::bigint AS items
    FROM counted_items i
    JOIN suppliers s ON s.id = i.supplier_id
    JOIN buyers b ON b.id = i.buyer_id
    WHERE i.category_id = sqlc.arg(category_id)::integer AND i.signed_on BETWEEN sqlc.arg(date_from)::date AND sqlc.arg(date_to)::date
      AND s.bin IN (SELECT bin FROM producers)
      AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
      AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
      AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
    GROUP BY s.bin, i.unit
), won AS (
    SELECT bin, sum(value)::bigint AS value, sum(items)::bigint AS items,
           array_agg(unit ORDER BY unit)::text[] AS units, array_agg(quantity::text ORDER BY unit)::text[] AS quantities
    FROM won_units
    GROUP BY bin
)
SELECT p.bin, coalesce(n.name_ru, '')::text AS name_ru, coalesce(n.name_kk, '')::text AS name_kk,
       coalesce(n.name_en, '')::text AS name_en,
       coalesce(n.identifier, '')::text AS supplier_id, p.capacity, p.capacity_unit, coalesce(p.region, '')::text AS region,
       coalesce(rg.name_kk, '')::text AS region_kk, coalesce(rg.name_ru, '')::text AS region_ru,
       coalesce(rg.name_en, '')::text AS region_en,
       coalesce(w.value, 0)::bigint AS won_value, coalesce(w.items, 0)::bigint AS won_items,
       coalesce(w.units, '{}')::text[] AS won_units, coalesce(w.quantities, '{}')::text[] AS won_quantities
FROM producers p
LEFT JOIN won w ON w.bin = p.bin
LEFT JOIN regions rg ON rg.code = p.region
LEFT JOIN LATERAL (SELECT name_ru, name_kk, name_en, identifier FROM suppliers WHERE bin = p.bin ORDER BY id LIMIT 1) n ON true
ORDER BY p.bin;
