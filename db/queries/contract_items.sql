-- name: ContractItemInsertFresh :execrows
-- The units of contracts this import created (stg_written_contracts.fresh) cannot be stored yet: they are
-- inserted without the conflict checks and look-ups of ContractItemMergeStaged, which handles everything else.
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
    -- Stored by ItemTextMergeStaged; were one missing, text_id's NOT NULL would say so.
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

-- name: ContractItemKeyDeferrable :many
-- The primary key of contract_items, listed only while contracts is empty. An initial load of records that
-- carry their items writes no item twice (the direct load takes one copy of a contract, with distinct units),
-- so it drops the key and adds it again after loading, which checks it all the same (deferIndexes).
SELECT quote_ident(k.conname)::text AS name, pg_get_constraintdef(k.oid)::text AS definition
FROM pg_catalog.pg_constraint k
WHERE k.conrelid = 'contract_items'::regclass AND k.contype = 'p'
  AND NOT EXISTS (SELECT 1 FROM contracts);

-- name: ContractItemLoadedAndStaged :one
-- Whether a unit staged for a contract this batch loaded directly was also loaded directly: the merge
-- would let the staged copy win whichever came last, so the export is read again staged. A unit at a time
-- through the two keys (the LIMIT keeps the planner from joining stg_units, which has no statistics, to all
-- of contract_items): at ten million items the join took minutes.
SELECT EXISTS (
    SELECT 1
    FROM stg_units u
    CROSS JOIN LATERAL (
        SELECT 1
        FROM contracts k
        JOIN contract_items i ON i.contract_id = k.id AND i.source_id = u.source_id
        WHERE k.source = @source AND k.source_id = u.contract_source_id AND k.batch_id = @batch_id
        LIMIT 1
    ) loaded
)::boolean AS loaded;

-- name: ContractItemMergeStaged :one
-- Units are merged unless their contract was rejected or the batch carried only an older version of it than
-- the one stored (stale units). Units published without their contract apply to the stored contract.
WITH katos AS (
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
    -- The staged versions of the unit's contract, through stg_contracts' index a unit at a time. The
    -- staging tables' small samples can make the planner expect one unit here (2,000,000 staged units of
    -- 726,585 contracts were sampled as 51,686, fewer than the 90,325 staged contracts, so the anti-join
    -- with stg_written_contracts looked total); joined to their grouping, it scanned all of it once a unit.
    CROSS JOIN LATERAL (
        SELECT max(c.updated_at) AS newest, bool_or(c.rejected) AS rejected
        FROM stg_contracts c WHERE c.source_id = u.contract_source_id
    ) st
    LEFT JOIN katos ka ON ka.plan_id = u.plan_id
    WHERE NOT coalesce(st.rejected, false)
      AND NOT EXISTS (SELECT 1 FROM stg_written_contracts w WHERE w.source_id = u.contract_source_id AND w.fresh)
      AND (p.plan_id IS NOT NULL OR ex.contract_id IS NOT NULL)
      AND (st.newest IS NULL OR k.source_updated_at IS NULL OR st.newest >= k.source_updated_at)
    ORDER BY k.id, u.source_id, u.seq DESC, p.seq DESC
), priced AS (
    -- The supplier by its key, an item at a time. src's row count is estimated from the staging tables'
    -- statistics, as 1 when the anti-join above looks total: a semi-join of the suppliers to src then
    -- scanned src once per item (87,798 staged units took 37 s, 2,000,000 more than half an hour).
    SELECT src.*, round(src.value * coalesce(src.rate, 1))::bigint AS value_kzt,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              src.signed_on, src.enstru_code, src.category_id) AS rule,
           CASE WHEN sp.certified THEN item_certified_bp(src.supplier_id, src.signed_on, src.enstru_code) END AS certified_bp
    FROM src
    JOIN supplier_references sp ON sp.id = src.supplier_id
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

-- name: ContractItemRefreshOfReplaced :execrows
-- A new contract version may change what its stored items inherit (signing date, supplier) for the items
-- the batch did not carry: all of them when it carried none of its units, the others when a spreadsheet
-- carried only the rows that changed (docs/import-csv.md). Their tiers and certified local content are
-- decided again as of the new date; the items the batch carried were merged so already. Only replaced
-- contracts have items from before the batch.
WITH touched AS MATERIALIZED (
    SELECT k.id, k.source_id, k.signed_on, k.supplier_id
    FROM contracts k
    WHERE k.batch_id = @batch_id
      AND EXISTS (SELECT 1 FROM contract_replacements r WHERE r.contract_id = k.id AND r.batch_id = @batch_id)
), decided AS (
    SELECT i.contract_id, i.source_id, t.signed_on,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              t.signed_on, i.enstru_code, i.category_id) AS rule,
           item_certified_bp(t.supplier_id, t.signed_on, i.enstru_code) AS certified_bp
    FROM touched t
    JOIN supplier_references sp ON sp.id = t.supplier_id
    JOIN contract_items i ON i.contract_id = t.id
    WHERE NOT EXISTS (SELECT 1 FROM stg_units u WHERE u.contract_source_id = t.source_id AND u.source_id = i.source_id)
)
UPDATE contract_items i
SET signed_on = d.signed_on, tier = tier_of_rule(d.rule), tier_rule = d.rule,
    local_content_certified_bp = d.certified_bp,
    local_content_certified_value = round(i.value * coalesce(d.certified_bp, 0) / 10000.0)::bigint
FROM decided d
WHERE (i.contract_id, i.source_id) = (d.contract_id, d.source_id)
  AND (i.signed_on, i.tier_rule, i.local_content_certified_bp) IS DISTINCT FROM (d.signed_on, d.rule, d.certified_bp);

-- name: ContractItemRepriceOfReplaced :execrows
-- A new version of a contract in a currency other than tenge at another rate prices again the stored items
-- it did not carry, which were converted at the old rate (priced_again); local content follows the value.
WITH repriced AS MATERIALIZED (
    SELECT w.contract_id, w.source_id, w.rate, w.old_rate
    FROM stg_written_contracts w
    WHERE NOT w.fresh AND w.currency <> 'KZT' AND w.currency = w.old_currency
      AND w.rate > 0 AND w.old_rate > 0 AND w.rate <> w.old_rate
), priced AS (
    SELECT i.contract_id, i.source_id, priced_again(i.value, r.old_rate, r.rate) AS value,
           priced_again(i.value_alt, r.old_rate, r.rate) AS value_alt,
           priced_again(i.unit_price, r.old_rate, r.rate) AS unit_price
    FROM repriced r
    JOIN contract_items i ON i.contract_id = r.contract_id
    WHERE NOT EXISTS (SELECT 1 FROM stg_units u WHERE u.contract_source_id = r.source_id AND u.source_id = i.source_id)
)
UPDATE contract_items i
SET value = p.value, value_alt = p.value_alt, unit_price = p.unit_price,
    local_content_value = round(p.value * coalesce(i.local_content_bp, 0) / 10000.0)::bigint,
    local_content_certified_value = round(p.value * coalesce(i.local_content_certified_bp, 0) / 10000.0)::bigint
FROM priced p
WHERE (i.contract_id, i.source_id) = (p.contract_id, p.source_id) AND i.value <> p.value;

-- name: ContractTotalOfStoredItems :execrows
-- A spreadsheet that states no total makes a contract's total the sum of its items. A later version that
-- carries only the rows that changed leaves the others stored, so the total of a replaced contract with
-- items outside the batch is the sum of every stored item, not of the batch's rows alone.
UPDATE contracts k
SET total = s.total
FROM (
    SELECT i.contract_id, coalesce(sum(i.value) FILTER (WHERE NOT i.deleted), 0)::bigint AS total
    FROM contract_items i
    JOIN contracts c ON c.id = i.contract_id
    WHERE c.batch_id = @batch_id
      AND EXISTS (SELECT 1 FROM contract_replacements r WHERE r.contract_id = c.id AND r.batch_id = @batch_id)
      AND NOT EXISTS (SELECT 1 FROM stg_contracts sc WHERE sc.source_id = c.source_id AND sc.total IS NOT NULL)
      AND EXISTS (SELECT 1 FROM contract_items o WHERE o.contract_id = c.id
                  AND NOT EXISTS (SELECT 1 FROM stg_units u WHERE u.contract_source_id = c.source_id AND u.source_id = o.source_id))
    GROUP BY i.contract_id
) s
WHERE k.id = s.contract_id AND k.total <> s.total;

-- name: ContractItemRemoveOmitted :execrows
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

-- name: ContractItemTiersRefresh :execrows
-- The items of these suppliers (of one batch, or all of them) have their tier and certified local content
-- decided again as of their signing dates: after a supplier's flags or BIN changed during an import, or the
-- producer register or the certificates changed. Items that stay the same are not written.
UPDATE contract_items i
SET tier = tier_of_rule(d.rule), tier_rule = d.rule, local_content_certified_bp = d.certified_bp,
    local_content_certified_value = round(i.value * coalesce(d.certified_bp, 0) / 10000.0)::bigint
FROM (
    SELECT ci.contract_id, ci.source_id,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              k.signed_on, ci.enstru_code, ci.category_id) AS rule,
           item_certified_bp(k.supplier_id, k.signed_on, ci.enstru_code) AS certified_bp
    FROM supplier_references sp
    JOIN contracts k ON k.supplier_id = sp.id
    JOIN contract_items ci ON ci.contract_id = k.id
    WHERE sp.id = ANY(@supplier_ids::bigint[])
      AND (sqlc.narg(batch_id)::bigint IS NULL OR k.batch_id = sqlc.narg(batch_id))
) d
WHERE (i.contract_id, i.source_id) = (d.contract_id, d.source_id)
  AND (i.tier_rule, i.local_content_certified_bp) IS DISTINCT FROM (d.rule, d.certified_bp);

-- name: ContractItemListByContract :many
-- A contract's items as stored, counted or not, with what decided their tier and local content.
SELECT i.source_id, i.enstru_code, t.name, t.name_kk, i.quantity, i.unit, i.unit_price, i.value, i.kato,
       coalesce(i.region, '')::text AS region, coalesce(c.slug, '')::text AS category, i.tier, i.tier_rule,
       coalesce(c.name_kk, '')::text AS category_name_kk, coalesce(c.name_ru, '')::text AS category_name_ru,
       coalesce(c.name_en, '')::text AS category_name_en, coalesce(r.name_kk, '')::text AS region_name_kk,
       coalesce(r.name_ru, '')::text AS region_name_ru, coalesce(r.name_en, '')::text AS region_name_en,
       i.local_content_bp, i.local_content_certified_bp, i.local_content_value, i.local_content_certified_value,
       i.deleted
FROM contract_items i
JOIN item_texts t ON t.id = i.text_id
LEFT JOIN categories c ON c.id = i.category_id
LEFT JOIN regions r ON r.code = i.region
WHERE i.contract_id = @contract_id
ORDER BY i.source_id;

-- name: ContractItemListUnclassified :many
-- Counted items no category rule matched, by ENSTRU code and name, the most value first: what the
-- category rules miss. matching is the number of such groups; a page of max_rows after skip_rows.
SELECT i.enstru_code, t.name, count(*)::bigint AS items, sum(i.value)::bigint AS value,
       count(*) OVER ()::bigint AS matching
FROM counted_items i
JOIN item_texts t ON t.id = i.text_id
JOIN contracts c ON c.id = i.contract_id
WHERE i.category_id IS NULL AND i.signed_on BETWEEN @date_from AND @date_to
  AND (sqlc.narg(batch_id)::bigint IS NULL OR c.batch_id = sqlc.narg(batch_id))
GROUP BY 1, 2
ORDER BY 4 DESC, 1, 2
LIMIT @max_rows OFFSET @skip_rows;
