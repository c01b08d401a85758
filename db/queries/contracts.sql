-- name: ContractList :many
-- Counted contracts with items in the category and period, newest first; the cursor is the last row's
-- (signed_on, id).
SELECT c.id, c.source, c.source_id, c.signed_on, c.total, c.currency, c.method, c.status,
       c.local_content_published_bp,
       b.bin AS buyer_bin, b.name_ru AS buyer_name_ru, b.name_kk AS buyer_name_kk,
       s.identifier AS supplier_id, s.name_ru AS supplier_name_ru, s.name_kk AS supplier_name_kk,
       s.country AS supplier_country,
       x.scope_value, x.domestic_value, x.items, x.min_tier::smallint AS best_tier,
       -- KC of the whole contract (DESIGN.md §5): its S is the contract total, whatever the scope.
       (SELECT coalesce(sum(a.local_content_certified_value), 0) FROM counted_items a
        WHERE a.contract_id = c.id)::bigint AS certified_value
FROM contracts c
JOIN buyers b ON b.id = c.buyer_id
JOIN suppliers s ON s.id = c.supplier_id
JOIN LATERAL (
    SELECT sum(i.value)::bigint AS scope_value,
           coalesce(sum(i.value) FILTER (WHERE i.tier = 1), 0)::bigint AS domestic_value,
           count(*)::bigint AS items,
           min(i.tier) AS min_tier
    FROM counted_items i
    WHERE i.contract_id = c.id
      AND (sqlc.narg(category_id)::integer IS NULL OR i.category_id = sqlc.narg(category_id))
      AND (sqlc.narg(region)::text IS NULL OR i.region = sqlc.narg(region))
) x ON x.items > 0
WHERE NOT c.deleted
  AND c.signed_on BETWEEN @date_from AND @date_to
  AND (sqlc.narg(buyer_bin)::text IS NULL OR b.bin = sqlc.narg(buyer_bin))
  AND (sqlc.narg(supplier_id)::text IS NULL OR s.identifier = sqlc.narg(supplier_id))
  AND (sqlc.narg(domestic)::boolean IS NULL OR (x.min_tier = 1) = sqlc.narg(domestic))
  AND (sqlc.narg(cursor_date)::date IS NULL OR (c.signed_on, c.id) < (sqlc.narg(cursor_date), sqlc.narg(cursor_id)::bigint))
ORDER BY c.signed_on DESC, c.id DESC
LIMIT @max_rows;

-- name: ContractExists :one
SELECT EXISTS (SELECT 1 FROM contracts)::boolean AS exists;

-- name: ContractStatusList :many
SELECT scheme, code, symbol, name_kk, name_ru, name_en, counts FROM contract_statuses
ORDER BY scheme DESC, length(code), code;

-- name: ContractsNotCountedOfBatch :many
-- The contracts an import wrote that no figure counts, by why: their status, a status the table does not
-- know, or a later version of the same contract that replaces them.
SELECT x.reason::text AS reason, x.status, x.name_ru::text AS name_ru, count(*)::bigint AS contracts
FROM (
    SELECT CASE WHEN st.code IS NULL THEN 'unknown_status'
                WHEN st.counts = 'none' THEN 'status'
                WHEN c.id IN (SELECT id FROM replaced_contracts) THEN 'replaced'
           END AS reason,
           c.status, coalesce(st.name_ru, '') AS name_ru
    FROM contracts c
    LEFT JOIN contract_statuses st ON st.code = c.status
    WHERE c.batch_id = @batch_id AND NOT c.deleted
) x
WHERE x.reason IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 4 DESC, 2;

-- name: ContractStatusUpsertPortal :one
-- The portal's own list names its statuses: names follow it; a status new to Ules is added as counting
-- nowhere until someone decides (docs/methodology.md), and the import says so.
INSERT INTO contract_statuses (scheme, code, symbol, name_kk, name_ru, name_en, counts)
VALUES ('portal', @code, @symbol, @name_kk, @name_ru, @name_ru, 'none')
ON CONFLICT (code) DO UPDATE
SET symbol = EXCLUDED.symbol, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru
WHERE contract_statuses.scheme = 'portal'
RETURNING (xmax = 0)::boolean AS added;

-- name: TradeMethodUpsert :exec
INSERT INTO trade_methods (code, symbol, name_kk, name_ru, in_law)
VALUES (@code, @symbol, @name_kk, @name_ru, @in_law)
ON CONFLICT (code) DO UPDATE
SET symbol = EXCLUDED.symbol, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, in_law = EXCLUDED.in_law;

-- name: ContractsWithdraw :many
-- A newer version of a stored contract that no longer counts (an OCDS release that cancels it) sets the
-- stored version's status, so that it stops counting; an older one changes nothing.
UPDATE contracts k
SET status = w.status, source_updated_at = w.updated_at, batch_id = @batch_id
FROM (
    SELECT unnest(@source_ids::text[]) AS source_id, unnest(@statuses::text[]) AS status,
           unnest(@versions::timestamptz[]) AS updated_at
) w
WHERE k.source = @source AND k.source_id = w.source_id AND k.status <> w.status
  AND (k.source_updated_at IS NULL OR k.source_updated_at < w.updated_at)
RETURNING k.id;
