-- name: ImportBatchCreate :one
-- The batch is locked for the creating session by the statement that makes it visible, so a running batch
-- whose lock is free belongs to a process that died (killed, disconnected) without recording its end.
WITH b AS (
    INSERT INTO import_batches (format, source_name, sha256, created_by, started_at)
    VALUES (@format, @source_name, @sha256, @created_by, clock_timestamp())
    RETURNING id
)
SELECT b.id FROM b, LATERAL (SELECT pg_advisory_lock(1431061843, b.id::integer)) held;

-- name: ImportBatchRelease :exec
SELECT pg_advisory_unlock(1431061843, @id::integer);

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

-- name: ImportErrorList :many
SELECT id, batch_id, location, reason FROM import_errors
WHERE batch_id = @batch_id AND id > @after_id
ORDER BY id
LIMIT @max_rows;

-- name: ImportErrorsCopyFrom :copyfrom
INSERT INTO import_errors (batch_id, location, reason) VALUES (@batch_id, @location, @reason);

-- name: ImportMergeBuyers :execrows
INSERT INTO buyers (bin, name_kk, name_ru, buyer_type)
SELECT DISTINCT ON (s.identifier) s.identifier, s.name_kk, s.name_ru, s.buyer_type
FROM stg_subjects s
WHERE s.identifier IN (SELECT customer_bin FROM stg_contracts WHERE NOT rejected)
ORDER BY s.identifier, s.seq DESC
ON CONFLICT (bin) DO UPDATE
SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, buyer_type = EXCLUDED.buyer_type
WHERE (buyers.name_kk, buyers.name_ru, buyers.buyer_type)
    IS DISTINCT FROM (EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.buyer_type);

-- name: ImportMergeSuppliers :many
-- Returns the suppliers it inserted or changed: items the direct load gave them may need new tiers.
INSERT INTO suppliers (identifier, bin, name_kk, name_ru, country, resident, portal_producer, portal_supplier,
    national_company)
SELECT DISTINCT ON (s.identifier) s.identifier, s.bin, s.name_kk, s.name_ru, s.country, s.resident, s.producer,
    s.supplier_flag, s.national_company
FROM stg_subjects s
WHERE s.identifier IN (SELECT supplier_key FROM stg_contracts WHERE NOT rejected)
ORDER BY s.identifier, s.seq DESC
ON CONFLICT (identifier) DO UPDATE
SET bin = EXCLUDED.bin, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, country = EXCLUDED.country,
    resident = EXCLUDED.resident, portal_producer = EXCLUDED.portal_producer,
    portal_supplier = EXCLUDED.portal_supplier, national_company = EXCLUDED.national_company
WHERE (suppliers.bin, suppliers.name_kk, suppliers.name_ru, suppliers.country, suppliers.resident,
       suppliers.portal_producer, suppliers.portal_supplier, suppliers.national_company)
    IS DISTINCT FROM (EXCLUDED.bin, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.country, EXCLUDED.resident,
       EXCLUDED.portal_producer, EXCLUDED.portal_supplier, EXCLUDED.national_company)
RETURNING suppliers.id;

-- name: ImportMergeContracts :one
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
    SELECT k.id, k.source_id, k.batch_id, k.source_updated_at
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
    RETURNING k.id, k.source_id, k.signed_on, k.supplier_id, k.exchange_rate
), written AS (
    INSERT INTO stg_written_contracts (contract_id, source_id, signed_on, supplier_id, rate, fresh)
    SELECT up.id, up.source_id, up.signed_on, up.supplier_id, up.exchange_rate,
           prev.id IS NULL AND NOT EXISTS (SELECT 1 FROM stg_contracts c WHERE c.source_id = up.source_id AND c.rejected)
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

-- name: ImportMergeItemTexts :exec
-- The texts of the plan points staged units name, each stored once (item_texts) before the items that
-- refer to them.
INSERT INTO item_texts (digest, name, name_kk, description)
SELECT DISTINCT ON (d) d, name, name_kk, description
FROM (SELECT item_text_digest(name, name_kk, description) AS d, name, name_kk, description
      FROM stg_plans WHERE plan_id IN (SELECT plan_id FROM stg_units)) p
ON CONFLICT (digest) DO NOTHING;

-- name: ImportInsertFreshItems :execrows
-- The units of contracts this import created (stg_written_contracts.fresh) cannot be stored yet: they are
-- inserted without the conflict checks and look-ups of ImportMergeItems, which handles everything else.
WITH katos AS (
    SELECT plan_id, min(kato) AS kato FROM stg_plan_katos GROUP BY plan_id
), src AS (
    SELECT DISTINCT ON (w.contract_id, u.source_id)
        w.contract_id, u.source_id, w.signed_on, w.supplier_id, w.rate, u.quantity, u.unit_price, u.value,
        u.value_alt, u.local_content_bp, u.deleted, p.enstru_code, t.id AS text_id, p.unit,
        p.category_id, coalesce(ka.kato, '')::text AS kato
    FROM stg_units u
    JOIN stg_written_contracts w ON w.source_id = u.contract_source_id AND w.fresh
    JOIN stg_plans p ON p.plan_id = u.plan_id
    -- Stored by ImportMergeItemTexts; were one missing, text_id's NOT NULL would say so.
    LEFT JOIN item_texts t ON t.digest = item_text_digest(p.name, p.name_kk, p.description)
    LEFT JOIN katos ka ON ka.plan_id = u.plan_id
    ORDER BY w.contract_id, u.source_id, u.seq DESC, p.seq DESC
), suppliers_seen AS (
    SELECT * FROM supplier_references s
    WHERE s.id IN (SELECT supplier_id FROM stg_written_contracts WHERE fresh)
), priced AS (
    SELECT src.*, round(src.value * coalesce(src.rate, 1))::bigint AS value_kzt,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              src.signed_on, src.enstru_code, src.category_id) AS rule,
           CASE WHEN sp.certified THEN item_certified_bp(src.supplier_id, src.signed_on, src.enstru_code) END AS certified_bp
    FROM src
    JOIN suppliers_seen sp ON sp.id = src.supplier_id
)
INSERT INTO contract_items (contract_id, source_id, signed_on, enstru_code, text_id,
    quantity, unit, unit_price, value, value_alt, local_content_bp, local_content_value, kato, region,
    category_id, tier, tier_rule, deleted, local_content_certified_bp, local_content_certified_value)
SELECT p.contract_id, p.source_id, p.signed_on, p.enstru_code, p.text_id, p.quantity,
    p.unit, round(p.unit_price * coalesce(p.rate, 1))::bigint, p.value_kzt,
    round(p.value_alt * coalesce(p.rate, 1))::bigint, p.local_content_bp,
    round(p.value_kzt * coalesce(p.local_content_bp, 0) / 10000.0)::bigint, p.kato, r.code, p.category_id,
    tier_of_rule(p.rule), p.rule, p.deleted, p.certified_bp,
    round(p.value_kzt * coalesce(p.certified_bp, 0) / 10000.0)::bigint
FROM priced p
LEFT JOIN regions r ON r.code = left(p.kato, 2);

-- name: ImportMergeItems :one
-- Units are merged unless their contract was rejected or the batch carried only an older version of it than
-- the one stored (stale units). Units published without their contract apply to the stored contract.
WITH staged AS (
    SELECT source_id, max(updated_at) AS newest, bool_or(rejected) AS rejected
    FROM stg_contracts
    GROUP BY source_id
), katos AS (
    SELECT plan_id, min(kato) AS kato FROM stg_plan_katos GROUP BY plan_id
), src AS (
    SELECT DISTINCT ON (k.id, u.source_id)
        k.id AS contract_id, u.source_id, k.signed_on, k.supplier_id, k.exchange_rate AS rate,
        u.quantity, u.unit_price, u.value, u.value_alt, u.local_content_bp, u.deleted,
        -- Without its plan point a stored unit keeps its product (see StageUnitsInvalid).
        (CASE WHEN p.plan_id IS NULL THEN ex.enstru_code ELSE p.enstru_code END)::text AS enstru_code,
        (CASE WHEN p.plan_id IS NULL THEN ex.text_id ELSE t.id END)::bigint AS text_id,
        (CASE WHEN p.plan_id IS NULL THEN ex.unit ELSE p.unit END)::text AS unit,
        (CASE WHEN p.plan_id IS NULL THEN ex.category_id ELSE p.category_id END)::integer AS category_id,
        (CASE WHEN p.plan_id IS NULL THEN ex.kato ELSE coalesce(ka.kato, '') END)::text AS kato
    FROM stg_units u
    JOIN contracts k ON k.source = @source AND k.source_id = u.contract_source_id
    LEFT JOIN stg_plans p ON p.plan_id = u.plan_id
    LEFT JOIN item_texts t ON t.digest = item_text_digest(p.name, p.name_kk, p.description)
    LEFT JOIN contract_items ex ON ex.contract_id = k.id AND ex.source_id = u.source_id
    LEFT JOIN staged st ON st.source_id = u.contract_source_id
    LEFT JOIN katos ka ON ka.plan_id = u.plan_id
    WHERE NOT coalesce(st.rejected, false)
      AND NOT EXISTS (SELECT 1 FROM stg_written_contracts w WHERE w.source_id = u.contract_source_id AND w.fresh)
      AND (p.plan_id IS NOT NULL OR ex.contract_id IS NOT NULL)
      AND (st.newest IS NULL OR k.source_updated_at IS NULL OR st.newest >= k.source_updated_at)
    ORDER BY k.id, u.source_id, u.seq DESC, p.seq DESC
), suppliers_seen AS (
    SELECT * FROM supplier_references s
    WHERE s.id IN (SELECT supplier_id FROM src)
), priced AS (
    SELECT src.*, round(src.value * coalesce(src.rate, 1))::bigint AS value_kzt,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              src.signed_on, src.enstru_code, src.category_id) AS rule,
           CASE WHEN sp.certified THEN item_certified_bp(src.supplier_id, src.signed_on, src.enstru_code) END AS certified_bp
    FROM src
    JOIN suppliers_seen sp ON sp.id = src.supplier_id
), up AS (
    INSERT INTO contract_items AS i (contract_id, source_id, signed_on, enstru_code, text_id,
        quantity, unit, unit_price, value, value_alt, local_content_bp, local_content_value, kato, region,
        category_id, tier, tier_rule, deleted, local_content_certified_bp, local_content_certified_value)
    SELECT p.contract_id, p.source_id, p.signed_on, p.enstru_code, p.text_id, p.quantity,
        p.unit, round(p.unit_price * coalesce(p.rate, 1))::bigint, p.value_kzt,
        round(p.value_alt * coalesce(p.rate, 1))::bigint, p.local_content_bp,
        round(p.value_kzt * coalesce(p.local_content_bp, 0) / 10000.0)::bigint, p.kato,
        (SELECT r.code FROM regions r WHERE r.code = left(p.kato, 2)), p.category_id,
        tier_of_rule(p.rule), p.rule, p.deleted, p.certified_bp,
        round(p.value_kzt * coalesce(p.certified_bp, 0) / 10000.0)::bigint
    FROM priced p
    ON CONFLICT (contract_id, source_id) DO UPDATE
    SET signed_on = EXCLUDED.signed_on, enstru_code = EXCLUDED.enstru_code, text_id = EXCLUDED.text_id,
        quantity = EXCLUDED.quantity, unit = EXCLUDED.unit, unit_price = EXCLUDED.unit_price, value = EXCLUDED.value,
        value_alt = EXCLUDED.value_alt, local_content_bp = EXCLUDED.local_content_bp,
        local_content_value = EXCLUDED.local_content_value, kato = EXCLUDED.kato, region = EXCLUDED.region,
        category_id = EXCLUDED.category_id, tier = EXCLUDED.tier, tier_rule = EXCLUDED.tier_rule,
        deleted = EXCLUDED.deleted, local_content_certified_bp = EXCLUDED.local_content_certified_bp,
        local_content_certified_value = EXCLUDED.local_content_certified_value
    WHERE (i.signed_on, i.enstru_code, i.text_id, i.quantity, i.unit, i.unit_price, i.value,
           i.value_alt, i.local_content_bp, i.kato, i.category_id, i.tier, i.tier_rule, i.deleted,
           i.local_content_certified_bp)
        IS DISTINCT FROM
          (EXCLUDED.signed_on, EXCLUDED.enstru_code, EXCLUDED.text_id, EXCLUDED.quantity, EXCLUDED.unit,
           EXCLUDED.unit_price, EXCLUDED.value, EXCLUDED.value_alt, EXCLUDED.local_content_bp, EXCLUDED.kato,
           EXCLUDED.category_id, EXCLUDED.tier, EXCLUDED.tier_rule, EXCLUDED.deleted,
           EXCLUDED.local_content_certified_bp)
    RETURNING 1
)
SELECT (SELECT count(*) FROM src)::bigint AS staged, (SELECT count(*) FROM up)::bigint AS written;

-- name: ImportRemoveOmittedItems :execrows
-- A newer version of an OCDS contract replaces its items array whole: the stored items it no longer lists
-- are removed. Contracts this import created hold only their newest version's items already.
WITH staged AS (
    SELECT source_id, max(updated_at) AS newest
    FROM stg_contracts
    GROUP BY source_id
    HAVING bool_or(replaces_items) AND NOT bool_or(rejected)
)
DELETE FROM contract_items i
USING contracts k, staged st
WHERE k.source = @source AND k.source_id = st.source_id AND i.contract_id = k.id
  AND (st.newest IS NULL OR k.source_updated_at IS NULL OR st.newest >= k.source_updated_at)
  AND NOT EXISTS (SELECT 1 FROM stg_written_contracts w WHERE w.contract_id = k.id AND w.fresh)
  -- Only the newest version's units are left (StageUnitsDropOlderVersions).
  AND NOT EXISTS (SELECT 1 FROM stg_units u WHERE u.contract_source_id = st.source_id AND u.source_id = i.source_id);

-- name: ImportSetBuyerRegions :execrows
-- Buyers carry no region on the portal; the region they most often deliver to stands in for it, the first
-- in code order on a tie (as mode() would pick). Counting per buyer and region hashes; mode() sorted every
-- item of the batch's buyers, 1.3 s at a million. The direct load counts the buyers whose every item it
-- loaded itself (DirectSetBuyerRegions); they are left out here.
UPDATE buyers b SET region = m.region
FROM (
    SELECT DISTINCT ON (c.buyer_id) c.buyer_id, c.region
    FROM (
        SELECT k.buyer_id, i.region, count(*) AS items
        FROM contract_items i
        JOIN contracts k ON k.id = i.contract_id
        WHERE i.region IS NOT NULL AND NOT i.deleted AND NOT k.deleted
          AND k.buyer_id IN (SELECT t.buyer_id FROM contracts t
                             WHERE t.batch_id = @batch_id AND t.buyer_id <> ALL(@counted::bigint[]))
        GROUP BY k.buyer_id, i.region
    ) c
    ORDER BY c.buyer_id, c.items DESC, c.region
) m
WHERE b.id = m.buyer_id AND b.region IS DISTINCT FROM m.region;

-- name: ImportRefreshItemsOfContracts :execrows
-- A new contract version may change what its stored items inherit (signing date, supplier) even when the
-- batch carried none of its units; their tiers and certified local content are decided again as of the new date. Only replaced contracts
-- have items from before the batch.
WITH touched AS MATERIALIZED (
    SELECT k.id, k.signed_on, k.supplier_id
    FROM contracts k
    WHERE k.batch_id = @batch_id
      AND EXISTS (SELECT 1 FROM contract_replacements r WHERE r.contract_id = k.id AND r.batch_id = @batch_id)
      AND NOT EXISTS (SELECT 1 FROM stg_units u WHERE u.contract_source_id = k.source_id)
), decided AS (
    SELECT i.contract_id, i.source_id, t.signed_on,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              t.signed_on, i.enstru_code, i.category_id) AS rule,
           item_certified_bp(t.supplier_id, t.signed_on, i.enstru_code) AS certified_bp
    FROM touched t
    JOIN supplier_references sp ON sp.id = t.supplier_id
    JOIN contract_items i ON i.contract_id = t.id
)
UPDATE contract_items i
SET signed_on = d.signed_on, tier = tier_of_rule(d.rule), tier_rule = d.rule,
    local_content_certified_bp = d.certified_bp,
    local_content_certified_value = round(i.value * coalesce(d.certified_bp, 0) / 10000.0)::bigint
FROM decided d
WHERE (i.contract_id, i.source_id) = (d.contract_id, d.source_id)
  AND (i.signed_on, i.tier_rule, i.local_content_certified_bp) IS DISTINCT FROM (d.signed_on, d.rule, d.certified_bp);

-- name: ImportLockTry :one
-- Imports run one at a time: two that upsert the same buyers or suppliers in different orders could
-- deadlock, and the direct load reserves contract ids in blocks (DirectReserveContractIDs).
SELECT pg_try_advisory_xact_lock(1431061844, 0)::boolean AS locked;

-- name: ImportLockWait :exec
SELECT pg_advisory_xact_lock(1431061844, 0);

-- name: ImportBatchesAbandon :many
UPDATE import_batches
SET status = 'failed', finished_at = clock_timestamp(),
    message = 'interrupted: the importing process ended before finishing (killed or disconnected); nothing was committed'
WHERE status = 'running' AND pg_try_advisory_xact_lock(1431061843, id::integer)
RETURNING id;

-- name: ImportDeferrableIndexes :many
-- The secondary indexes of contracts and contract_items, listed only while contracts is empty: an initial
-- load drops them and builds them after loading (deferIndexes). Unique indexes stay: the load relies on them,
-- all but one (ImportDeferrableItemKey).
SELECT (quote_ident(n.nspname) || '.' || quote_ident(c.relname))::text AS name,
       pg_get_indexdef(i.indexrelid)::text AS definition
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid IN ('contracts'::regclass, 'contract_items'::regclass) AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM contracts)
ORDER BY c.relname;

-- name: ImportDeferrableItemKey :many
-- The primary key of contract_items, listed only while contracts is empty. An initial load of records that
-- carry their items writes no item twice (the direct load takes one copy of a contract, with distinct units),
-- so it drops the key and adds it again after loading, which checks it all the same (deferIndexes).
SELECT quote_ident(k.conname)::text AS name, pg_get_constraintdef(k.oid)::text AS definition
FROM pg_catalog.pg_constraint k
WHERE k.conrelid = 'contract_items'::regclass AND k.contype = 'p'
  AND NOT EXISTS (SELECT 1 FROM contracts);
