-- name: ContractExists :one
SELECT EXISTS (SELECT 1 FROM contracts)::boolean AS exists;

-- name: ContractExistsOfSource :one
-- Whether an earlier batch stored a contract of the source: when none did, a chunk's contracts need looking
-- up only when this import staged or loaded one of the same id before (directLoader.known).
SELECT EXISTS (SELECT 1 FROM contracts WHERE source = @source)::boolean AS stored;

-- name: ContractIndexListDeferrable :many
-- The secondary indexes of contracts, contract_items and the rollup's tables a direct load writes, listed
-- only while contracts is empty: an initial load drops them and builds them after loading (deferIndexes).
-- Unique indexes stay: the load relies on them, all but one (ContractItemKeyDeferrable).
SELECT (quote_ident(n.nspname) || '.' || quote_ident(c.relname))::text AS name,
       pg_get_indexdef(i.indexrelid)::text AS definition
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid IN ('contracts'::regclass, 'contract_items'::regclass, 'share_rollup'::regclass,
                     'share_rollup_spans'::regclass, 'share_rollup_contracts'::regclass)
  AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM contracts)
ORDER BY c.relname;

-- name: ContractList :many
-- Counted contracts with items in the category and period, newest first; the cursor is the last row's
-- (signed_on, id).
SELECT c.id, c.source, c.source_id, c.signed_on, c.total, c.currency, c.method, c.status,
       c.local_content_published_bp,
       b.bin AS buyer_bin, b.name_ru AS buyer_name_ru, b.name_kk AS buyer_name_kk,
       s.identifier AS supplier_id, s.name_ru AS supplier_name_ru, s.name_kk AS supplier_name_kk,
       s.country AS supplier_country,
       x.scope_value, x.domestic_value, x.items, x.min_tier::smallint AS best_tier,
       -- KC of the whole contract (DESIGN.md §5): its S is the contract total, whatever the scope, so
       -- Σ CTi·Ki is of its items as they are, not as counted (scaled by paid ÷ total for some statuses).
       (SELECT coalesce(sum(a.local_content_certified_value), 0) FROM contract_items a
        WHERE a.contract_id = c.id AND NOT a.deleted)::bigint AS certified_value
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
      AND (NOT @unclassified::boolean OR i.category_id IS NULL)
      AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
      AND (cardinality(@tiers::smallint[]) = 0 OR i.tier = ANY (@tiers::smallint[]))
) x ON x.items > 0
WHERE NOT c.deleted
  AND c.signed_on BETWEEN @date_from AND @date_to
  AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR c.method = ANY (@methods::text[]))
  AND (sqlc.narg(buyer_bin)::text IS NULL OR b.bin = sqlc.narg(buyer_bin))
  AND (sqlc.narg(supplier_id)::text IS NULL OR s.identifier = sqlc.narg(supplier_id))
  AND (sqlc.narg(domestic)::boolean IS NULL OR (x.min_tier = 1) = sqlc.narg(domestic))
  AND (sqlc.narg(cursor_date)::date IS NULL OR (c.signed_on, c.id) < (sqlc.narg(cursor_date), sqlc.narg(cursor_id)::bigint))
ORDER BY c.signed_on DESC, c.id DESC
LIMIT @max_rows;

-- name: ContractListLargestNonDomestic :many
-- The counted contracts with the most in-scope value that did not go to a domestic producer: what a
-- target's gap is made of.
WITH scoped AS NOT MATERIALIZED (
    SELECT r.*
    FROM share_rollup_contracts r
    WHERE r.category_id = @category_id AND r.month BETWEEN @month_from::date AND @month_to::date
      AND (cardinality(@regions::text[]) = 0 OR r.region = ANY (@regions::text[]))
      AND (cardinality(@buyer_types::text[]) = 0 OR r.buyer_type = ANY (@buyer_types::text[]))
      AND (cardinality(@methods::text[]) = 0 OR r.method = ANY (@methods::text[]))
)
SELECT c.id, c.source, c.source_id, c.signed_on, c.total, c.method,
       b.bin AS buyer_bin, b.name_ru AS buyer_name_ru, b.name_kk AS buyer_name_kk,
       s.identifier AS supplier_id, s.name_ru AS supplier_name_ru, s.name_kk AS supplier_name_kk,
       s.country AS supplier_country,
       x.scope_value, x.domestic_value, x.items
FROM (
    -- The largest are chosen before the joins: at 10,000,000 items a year of a category has 150,000 contracts.
    SELECT u.contract_id, u.scope_value, u.domestic_value, u.items
    FROM (
        -- The period's whole months from the rollup's contracts, its ends (and every day, when the rollup is not
        -- whole) from the items, as store.ContractListLargestNonDomestic plans it: a contract lies in one month,
        -- so the two never meet. An empty range is planned away. Only contracts with several rows there
        -- (shared) are summed first; the others, nearly all, are taken as they are.
        SELECT r.contract_id,
               share_sum(r.total)::bigint AS scope_value,
               coalesce(share_sum(r.total) FILTER (WHERE r.tier = 1), 0)::bigint AS domestic_value,
               share_sum(r.items)::bigint AS items
        FROM scoped r
        WHERE r.shared
        GROUP BY r.contract_id
        UNION ALL
        SELECT r.contract_id, r.total, CASE WHEN r.tier = 1 THEN r.total ELSE 0 END, r.items
        FROM scoped r
        WHERE NOT r.shared
        UNION ALL
        SELECT i.contract_id,
               sum(i.value)::bigint AS scope_value,
               coalesce(sum(i.value) FILTER (WHERE i.tier = 1), 0)::bigint AS domestic_value,
               count(*)::bigint AS items
        FROM counted_items i
        JOIN buyers b ON b.id = i.buyer_id
        WHERE i.category_id = @category_id
          AND (i.signed_on BETWEEN @head_from::date AND @head_to::date OR i.signed_on BETWEEN @tail_from::date AND @tail_to::date)
          AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
          AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
          AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
        GROUP BY i.contract_id
    ) u
    WHERE u.domestic_value < u.scope_value
    ORDER BY u.scope_value - u.domestic_value DESC, u.contract_id
    LIMIT @max_rows
) x
JOIN contracts c ON c.id = x.contract_id
JOIN buyers b ON b.id = c.buyer_id
JOIN suppliers s ON s.id = c.supplier_id
ORDER BY x.scope_value - x.domestic_value DESC, c.id;

-- name: ContractListNotCountedOfBatch :many
-- The contracts an import wrote that no figure counts, by why: their status, a status the table does not
-- know, or a later version of the same contract that replaces them.
SELECT x.reason::text AS reason, x.status, x.name_kk::text AS name_kk, x.name_ru::text AS name_ru,
       x.name_en::text AS name_en, count(*)::bigint AS contracts
FROM (
    SELECT CASE WHEN st.code IS NULL THEN 'unknown_status'
                WHEN st.counts = 'none' THEN 'status'
                WHEN c.id IN (SELECT id FROM replaced_contracts) THEN 'replaced'
           END AS reason,
           c.status, coalesce(st.name_kk, '') AS name_kk, coalesce(st.name_ru, '') AS name_ru,
           coalesce(st.name_en, '') AS name_en
    FROM contracts c
    LEFT JOIN contract_statuses st ON st.code = c.status
    WHERE c.batch_id = @batch_id AND NOT c.deleted
) x
WHERE x.reason IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 6 DESC, 2;

-- name: ContractListSeen :many
-- Which of a chunk's contracts this import cannot create directly: stored already (by an earlier batch, or
-- by this one, loaded directly) or staged by this import. An id at a time through the unique key: an
-- initial load's statistics say contracts is empty, by which the planner read every contract of the
-- source for `source_id = ANY(...)` (0.2 s a chunk at 600,000 contracts, growing with them).
SELECT x.id::text AS source_id, seen.this_batch
FROM unnest(@source_ids::text[]) AS x(id)
CROSS JOIN LATERAL (
    (SELECT (k.batch_id IS NOT DISTINCT FROM @batch_id::bigint)::boolean AS this_batch
     FROM contracts k
     WHERE k.source = @source AND k.source_id = x.id
     LIMIT 1)
    UNION ALL
    (SELECT false FROM stg_contracts s WHERE s.source_id = x.id LIMIT 1)
) seen;

-- name: ContractMergeStaged :one
-- The newest version of each staged contract replaces the stored one when it is newer, or the same version
-- with different content; an identical re-import matches nothing. Replacements are recorded.
WITH unit_sums AS (
    SELECT contract_source_id, sum(value) AS total FROM stg_units WHERE NOT deleted GROUP BY contract_source_id
), src AS (
    SELECT DISTINCT ON (c.source_id) c.*, b.id AS buyer_id, s.id AS supplier_id, us.total AS unit_total,
           CASE WHEN c.currency = 'KZT' THEN 1::numeric
                WHEN coalesce(c.exchange_rate, 0) > 0 THEN c.exchange_rate
                ELSE (SELECT f.rate FROM fx_rates f WHERE f.currency = c.currency AND f.rate_date = c.signed_on)
           END AS rate
    FROM stg_contracts c
    JOIN buyers b ON b.bin = c.customer_bin
    JOIN suppliers s ON s.identifier = c.supplier_key
    LEFT JOIN unit_sums us ON us.contract_source_id = c.source_id
    WHERE NOT c.rejected
    ORDER BY c.source_id, c.updated_at DESC NULLS LAST, c.seq DESC
), prev AS (
    SELECT k.id, k.source_id, k.batch_id, k.source_updated_at, k.currency, k.exchange_rate
    FROM contracts k
    WHERE k.source = @source AND k.source_id IN (SELECT source_id FROM src)
), up AS (
    INSERT INTO contracts AS k (source, source_id, buyer_id, supplier_id, signed_on, fiscal_year, method, status,
        currency, exchange_rate, total, total_alt, local_content_published_bp, description, deleted,
        source_updated_at, batch_id, paid, root_source_id)
    SELECT @source, src.source_id, src.buyer_id, src.supplier_id, src.signed_on, src.fiscal_year, src.method,
        src.status, src.currency, src.rate,
        -- A spreadsheet may leave the contract total out: it is then the sum of its items.
        round(coalesce(src.total, src.unit_total, 0) * src.rate)::bigint,
        round(src.total_alt * src.rate)::bigint, src.local_content_bp, src.description, src.deleted,
        src.updated_at, @batch_id, round(src.paid * src.rate)::bigint, src.root_source_id
    FROM src
    ON CONFLICT (source, source_id) DO UPDATE
    SET buyer_id = EXCLUDED.buyer_id, supplier_id = EXCLUDED.supplier_id, signed_on = EXCLUDED.signed_on,
        fiscal_year = EXCLUDED.fiscal_year, method = EXCLUDED.method, status = EXCLUDED.status,
        currency = EXCLUDED.currency, exchange_rate = EXCLUDED.exchange_rate, total = EXCLUDED.total,
        total_alt = EXCLUDED.total_alt, local_content_published_bp = EXCLUDED.local_content_published_bp,
        description = EXCLUDED.description, deleted = EXCLUDED.deleted,
        source_updated_at = EXCLUDED.source_updated_at, batch_id = EXCLUDED.batch_id, paid = EXCLUDED.paid,
        root_source_id = EXCLUDED.root_source_id
    WHERE EXCLUDED.source_updated_at > k.source_updated_at
       OR (EXCLUDED.source_updated_at IS NOT DISTINCT FROM k.source_updated_at
           AND (k.buyer_id, k.supplier_id, k.signed_on, k.fiscal_year, k.method, k.status, k.currency,
                k.exchange_rate, k.total, k.total_alt, k.local_content_published_bp, k.description, k.deleted,
                k.paid, k.root_source_id)
               IS DISTINCT FROM
               (EXCLUDED.buyer_id, EXCLUDED.supplier_id, EXCLUDED.signed_on, EXCLUDED.fiscal_year, EXCLUDED.method,
                EXCLUDED.status, EXCLUDED.currency, EXCLUDED.exchange_rate, EXCLUDED.total, EXCLUDED.total_alt,
                EXCLUDED.local_content_published_bp, EXCLUDED.description, EXCLUDED.deleted, EXCLUDED.paid,
                EXCLUDED.root_source_id))
    RETURNING k.id, k.source_id, k.signed_on, k.supplier_id, k.exchange_rate, k.currency
), written AS (
    INSERT INTO stg_written_contracts (contract_id, source_id, signed_on, supplier_id, rate, fresh, currency,
        old_currency, old_rate)
    SELECT up.id, up.source_id, up.signed_on, up.supplier_id, up.exchange_rate,
           prev.id IS NULL AND NOT EXISTS (SELECT 1 FROM stg_contracts c WHERE c.source_id = up.source_id AND c.rejected),
           up.currency, prev.currency, prev.exchange_rate
    FROM up
    LEFT JOIN prev ON prev.source_id = up.source_id
    RETURNING 1
), logged AS (
    INSERT INTO contract_replacements (contract_id, batch_id, old_batch_id, old_updated_at, new_updated_at)
    SELECT up.id, @batch_id, prev.batch_id, prev.source_updated_at, src.updated_at
    FROM up
    JOIN prev ON prev.source_id = up.source_id
    JOIN src ON src.source_id = up.source_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM written)::bigint AS written,
       (SELECT count(*) FROM logged)::bigint AS replaced;

-- name: ContractReserveIDs :one
-- The last of n consecutive contract ids taken in one call (a call per id cost a tenth of a load). Only
-- imports insert contracts, and they run one at a time (ImportBatchLockTry), so no other caller can take an id
-- between nextval and setval; one that did would fail the COPY on the primary key, not corrupt anything.
SELECT setval(pg_get_serial_sequence('contracts', 'id'),
              nextval(pg_get_serial_sequence('contracts', 'id')) + sqlc.arg(n)::bigint - 1)::bigint AS last_id;

-- name: ContractWithdraw :many
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

-- name: ContractGetByID :one
-- A contract with its parties and whether figures count it (its status, or a later version replacing it).
SELECT c.id, c.source, c.source_id, c.signed_on, c.fiscal_year, c.method, c.status, c.currency, c.exchange_rate,
       c.total, c.total_alt, c.paid, c.local_content_published_bp, c.description, c.deleted, c.root_source_id,
       c.source_updated_at, c.batch_id,
       coalesce(st.name_kk, '')::text AS status_name_kk, coalesce(st.name_ru, '')::text AS status_name_ru,
       coalesce(st.name_en, '')::text AS status_name_en, coalesce(st.counts, '')::text AS counts,
       coalesce(m.name_kk, '')::text AS method_name_kk, coalesce(m.name_ru, '')::text AS method_name_ru,
       coalesce(m.name_en, '')::text AS method_name_en,
       (c.id IN (SELECT id FROM replaced_contracts))::boolean AS replaced,
       b.bin AS buyer_bin, b.name_ru AS buyer_name_ru, b.name_kk AS buyer_name_kk,
       s.identifier AS supplier_id, s.name_ru AS supplier_name_ru, s.name_kk AS supplier_name_kk,
       s.country AS supplier_country
FROM contracts c
JOIN buyers b ON b.id = c.buyer_id
JOIN suppliers s ON s.id = c.supplier_id
LEFT JOIN contract_statuses st ON st.code = c.status
LEFT JOIN trade_methods m ON m.code = c.method
WHERE c.id = @id;

-- name: ContractListNotCounted :many
-- What no figure counts among the contracts signed in a period (of one import, when batch_id is given),
-- by why: their status, a status the table does not know, or a later version that replaces them.
SELECT x.reason::text AS reason, x.status, x.name_kk::text AS name_kk, x.name_ru::text AS name_ru,
       x.name_en::text AS name_en, count(*)::bigint AS contracts, sum(x.total)::bigint AS total
FROM (
    SELECT CASE WHEN st.code IS NULL THEN 'unknown_status'
                WHEN st.counts = 'none' THEN 'status'
                WHEN c.id IN (SELECT id FROM replaced_contracts) THEN 'replaced'
           END AS reason,
           c.status, coalesce(st.name_kk, '') AS name_kk, coalesce(st.name_ru, '') AS name_ru,
           coalesce(st.name_en, '') AS name_en, c.total
    FROM contracts c
    LEFT JOIN contract_statuses st ON st.code = c.status
    WHERE NOT c.deleted AND c.signed_on BETWEEN @date_from AND @date_to
      AND (sqlc.narg(batch_id)::bigint IS NULL OR c.batch_id = sqlc.narg(batch_id))
) x
WHERE x.reason IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 6 DESC, 2;

-- name: ContractListLocalContentMismatch :many
-- Counted contracts whose published local content differs from the one their items' ST-KZ certificates
-- give (KC = Σ CTi·Ki / S) by at least min_points_bp, the largest difference in tenge first; a page of
-- max_rows after skip_rows. The order is of computed values, so pages are counted, not keyed. A contract's
-- items share its date, so its certified sum is that of its rows in the rollup's contracts of its month,
-- whatever day the period starts or ends on; while the rollup is not whole, the sum of its counted items.
-- Names are joined to the page's rows only. A contract with no counted item has no sum, so it is not
-- listed. At 10,000,000 items a year took 3.7 s from the items, 1.2 s from the rollup (docs/performance.md
-- § The data-quality page at 10,000,000 items).
WITH whole AS (
    SELECT NOT EXISTS (SELECT 1 FROM share_rollup_dirty) AS rollup
), certified AS (
    SELECT r.contract_id, share_sum(r.local_content_certified) AS certified_value
    FROM share_rollup_contracts r
    WHERE (SELECT rollup FROM whole) AND r.shared
      AND r.month BETWEEN date_trunc('month', @date_from::date)::date AND @date_to
    GROUP BY r.contract_id
    UNION ALL
    SELECT r.contract_id, r.local_content_certified
    FROM share_rollup_contracts r
    WHERE (SELECT rollup FROM whole) AND NOT r.shared
      AND r.month BETWEEN date_trunc('month', @date_from::date)::date AND @date_to
    UNION ALL
    SELECT c.id, x.certified_value
    FROM contracts c
    CROSS JOIN LATERAL (
        SELECT sum(i.local_content_certified_value)::bigint AS certified_value
        FROM counted_items i
        WHERE i.contract_id = c.id AND i.signed_on BETWEEN @date_from AND @date_to
        GROUP BY i.contract_id
    ) x
    WHERE NOT (SELECT rollup FROM whole) AND c.signed_on BETWEEN @date_from AND @date_to
), mismatching AS (
    SELECT y.*, abs(y.total::numeric * y.published_bp / 10000 - y.certified_value) AS difference
    FROM (
        SELECT c.id, c.source_id, c.signed_on, c.total, c.local_content_published_bp AS published_bp,
               c.buyer_id, c.supplier_id,
               -- Counted items of a contract counted at what was paid are scaled by paid ÷ total, while KC's S
               -- is the total: Σ CTi·Ki is then of its items as they are (few contracts: read by key).
               CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total
                    THEN (SELECT coalesce(sum(i.local_content_certified_value), 0) FROM contract_items i
                          WHERE i.contract_id = c.id AND NOT i.deleted)
                    ELSE x.certified_value END AS certified_value
        FROM contracts c
        JOIN certified x ON x.contract_id = c.id
        LEFT JOIN contract_statuses st ON st.code = c.status
        WHERE c.signed_on BETWEEN @date_from AND @date_to
          AND c.local_content_published_bp IS NOT NULL AND c.total > 0
          AND (sqlc.narg(batch_id)::bigint IS NULL OR c.batch_id = sqlc.narg(batch_id))
    ) y
    WHERE abs(y.published_bp - floor(y.certified_value * 10000.0 / y.total)) >= @min_points_bp::integer
), page AS (
    SELECT m.*, count(*) OVER () AS matching
    FROM mismatching m
    ORDER BY m.difference DESC, m.id
    LIMIT @max_rows OFFSET @skip_rows
)
SELECT p.id, p.source_id, p.signed_on, p.total, p.published_bp::integer AS published_bp,
       p.certified_value::bigint AS certified_value, b.bin AS buyer_bin, b.name_ru AS buyer_name_ru,
       s.identifier AS supplier_id, s.name_ru AS supplier_name_ru, p.matching::bigint AS matching
FROM page p
JOIN buyers b ON b.id = p.buyer_id
JOIN suppliers s ON s.id = p.supplier_id
ORDER BY p.difference DESC, p.id;

-- name: ContractAmendedRootList :many
-- The source ids that stored amendments of the source name as their first version: a new contract among
-- them may be replaced already, which the rollup's refresh must work out.
SELECT DISTINCT root_source_id::text FROM contracts WHERE source = @source AND root_source_id IS NOT NULL;

-- name: ContractListMethodUnknown :many
-- Counted contracts signed in a period (of one import, when batch_id is given) whose method is none of the
-- portal's codes (trade_methods), by method: a target scoped to methods does not count them. An OCDS release
-- whose procurementMethodDetails names no portal method is stored with its coarse procurementMethod (open,
-- limited...), as were all OCDS contracts imported before such names were read.
SELECT c.method, count(*)::bigint AS contracts, sum(c.total)::bigint AS total
FROM contracts c
JOIN contract_statuses st ON st.code = c.status
WHERE NOT c.deleted AND st.counts <> 'none' AND c.signed_on BETWEEN @date_from AND @date_to
  AND (sqlc.narg(batch_id)::bigint IS NULL OR c.batch_id = sqlc.narg(batch_id))
  AND NOT EXISTS (SELECT 1 FROM trade_methods m WHERE m.code = c.method)
  AND c.id NOT IN (SELECT id FROM replaced_contracts)
GROUP BY c.method
ORDER BY 3 DESC, 1;

-- name: ContractListInTwoSources :many
-- Counted contracts of one buyer, supplier and signing date from two or more sources, signed in a period
-- (one of them written by one import, when batch_id is given): most likely one contract imported twice,
-- from the portal and from a spreadsheet say, which every figure then counts twice. The sources share no
-- key that would decide it, so they are listed for a person to look at, a row a buyer, supplier and day,
-- the most tenge that may count twice first: the sum of the contracts less the largest sum one source holds.
-- twice_total sums it over every row. With one source in the database nothing is read (two index probes).
-- The keys come first, grouped over the period's contracts: a join of the counted contracts with
-- themselves was planned as a nested loop over rows the planner could not count (6 s at 10,000,000 items).
WITH keyed AS (
    SELECT c.buyer_id, c.supplier_id, c.signed_on
    FROM contracts c
    WHERE (SELECT min(source) < max(source) FROM contracts) AND NOT c.deleted
      AND c.signed_on BETWEEN @date_from AND @date_to
    GROUP BY 1, 2, 3
    HAVING min(c.source COLLATE "C") < max(c.source COLLATE "C")
), counted AS (
    SELECT c.id, c.source, c.source_id, c.buyer_id, c.supplier_id, c.signed_on, c.total, c.batch_id
    FROM keyed k
    JOIN contracts c ON c.buyer_id = k.buyer_id AND c.supplier_id = k.supplier_id AND c.signed_on = k.signed_on
    JOIN contract_statuses st ON st.code = c.status
    WHERE c.signed_on BETWEEN @date_from AND @date_to AND NOT c.deleted AND st.counts <> 'none'
      AND c.id NOT IN (SELECT id FROM replaced_contracts)
), by_source AS (
    SELECT buyer_id, supplier_id, signed_on, share_sum(total) AS total,
           coalesce(bool_or(batch_id = sqlc.narg(batch_id)::bigint), false) AS of_batch
    FROM counted
    GROUP BY buyer_id, supplier_id, signed_on, source
), twice AS (
    SELECT buyer_id, supplier_id, signed_on, (share_sum(total) - max(total))::bigint AS twice
    FROM by_source
    GROUP BY buyer_id, supplier_id, signed_on
    HAVING count(*) > 1 AND (sqlc.narg(batch_id)::bigint IS NULL OR bool_or(of_batch))
), page AS (
    SELECT t.*, count(*) OVER () AS matching, (sum(t.twice) OVER ())::bigint AS twice_total
    FROM twice t
    ORDER BY t.twice DESC, t.signed_on, t.buyer_id, t.supplier_id
    LIMIT @max_rows OFFSET @skip_rows
)
SELECT p.signed_on, p.twice, p.matching, p.twice_total,
       b.bin AS buyer_bin, b.name_ru AS buyer_name_ru, s.identifier AS supplier_id, s.name_ru AS supplier_name_ru,
       k.ids::bigint[] AS contract_ids, k.sources::text[] AS sources, k.source_ids::text[] AS source_ids,
       k.totals::bigint[] AS totals
FROM page p
JOIN buyers b ON b.id = p.buyer_id
JOIN suppliers s ON s.id = p.supplier_id
CROSS JOIN LATERAL (
    SELECT array_agg(c.id ORDER BY c.source, c.source_id) AS ids, array_agg(c.source ORDER BY c.source, c.source_id) AS sources,
           array_agg(c.source_id ORDER BY c.source, c.source_id) AS source_ids,
           array_agg(c.total ORDER BY c.source, c.source_id) AS totals
    FROM counted c
    WHERE c.buyer_id = p.buyer_id AND c.supplier_id = p.supplier_id AND c.signed_on = p.signed_on
) k
ORDER BY p.twice DESC, p.signed_on, p.buyer_id, p.supplier_id;
