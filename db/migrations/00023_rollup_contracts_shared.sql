-- The groupings by buyer and supplier count each contract once. Most contracts have one row in
-- share_rollup_contracts (one cell): shared marks the rows of those that have several (items in several
-- cells, or a direct load's chunks), and only they are summed per contract before their party; at
-- 10,000,000 items, hashing every one of a year's 140,000 contracts took most of the grouping's time.
-- Marking a contract with one row shared costs time, never a figure; a contract with several rows must
-- have all of them marked. The month index gains the category, so that a category's year is read through
-- the category's rows of each month rather than every row of the months.

-- +goose Up
ALTER TABLE share_rollup_contracts ADD COLUMN shared boolean NOT NULL DEFAULT false;
UPDATE share_rollup_contracts SET shared = true
WHERE contract_id IN (SELECT contract_id FROM share_rollup_contracts GROUP BY contract_id HAVING count(*) > 1);
DROP INDEX share_rollup_contracts_month_idx;
CREATE INDEX share_rollup_contracts_month_idx ON share_rollup_contracts (month, category_id);

-- +goose StatementBegin
-- share_rollup_refresh recomputes the marked months, adds a direct load's parts to the others, and returns
-- how many months it recomputed. One refresh runs at a time, and each statement after the lock reads what
-- the refresh before it committed: two writers of one month cannot both replace it from their own snapshot.
CREATE OR REPLACE FUNCTION share_rollup_refresh() RETURNS integer LANGUAGE plpgsql
-- A whole initial load is grouped at once; at the default 4 MB the groups spill to disk in batches.
SET work_mem = '256MB' AS $$
DECLARE
    months date[];
    everything boolean;
    held bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1431061844);
    WITH done AS (DELETE FROM share_rollup_dirty RETURNING month)
    SELECT coalesce(array_agg(DISTINCT month), '{}') INTO months FROM done;
    everything := 'infinity'::date = ANY (months);
    IF everything THEN
        DELETE FROM share_rollup;
        DELETE FROM share_rollup_spans;
        DELETE FROM share_rollup_months;
        DELETE FROM share_rollup_contracts;
    ELSIF cardinality(months) > 0 THEN
        -- An amendment replaces versions signed in other months: those months change with it.
        months := months || ARRAY(
            SELECT DISTINCT date_trunc('month', c.signed_on)::date
            FROM contracts a
            JOIN contracts c ON c.source = a.source
                AND (c.source_id = a.root_source_id OR c.root_source_id = a.root_source_id)
            WHERE a.root_source_id IS NOT NULL AND date_trunc('month', a.signed_on)::date = ANY (months));
        DELETE FROM share_rollup WHERE month = ANY (months);
        DELETE FROM share_rollup_spans WHERE month = ANY (months);
        DELETE FROM share_rollup_months WHERE month = ANY (months);
        DELETE FROM share_rollup_contracts WHERE month = ANY (months);
    END IF;

    IF everything OR cardinality(months) > 0 THEN
        -- Per contract and cell first: the cell's contracts, and the contracts with items in several cells.
        EXECUTE format($q$
        WITH per_contract AS MATERIALIZED (
            SELECT date_trunc('month', i.signed_on)::date AS month, i.contract_id, i.category_id, i.region,
                   b.buyer_type, i.method, i.tier, i.buyer_id, i.supplier_id,
                   share_sum(i.value) AS total, share_sum(i.local_content_value) AS local_content,
                   share_sum(i.local_content_certified_value) AS local_content_certified, count(*) AS items,
                   min(i.signed_on) AS first_signed, max(i.signed_on) AS last_signed
            FROM counted_items i
            JOIN buyers b ON b.id = i.buyer_id
            WHERE %s
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        ), by_contract AS (
            INSERT INTO share_rollup_contracts (month, contract_id, category_id, region, buyer_type, method, tier,
                                                buyer_id, supplier_id, total, local_content, local_content_certified, items,
                                                shared)
            SELECT month, contract_id, category_id, region, buyer_type, method, tier, buyer_id, supplier_id, total,
                   local_content, local_content_certified, items, count(*) OVER (PARTITION BY contract_id) > 1
            FROM per_contract
        ), spanning AS (
            SELECT contract_id FROM per_contract GROUP BY contract_id HAVING count(*) > 1
        ), spans AS (
            INSERT INTO share_rollup_spans (month, contract_id, category_id, region, buyer_type, method, tier)
            SELECT p.month, p.contract_id, p.category_id, p.region, p.buyer_type, p.method, p.tier
            FROM per_contract p JOIN spanning USING (contract_id)
        ), bounds AS (
            INSERT INTO share_rollup_months (month, first_signed, last_signed)
            SELECT month, min(first_signed), max(last_signed) FROM per_contract GROUP BY month
        )
        INSERT INTO share_rollup (month, category_id, region, buyer_type, method, tier, total, local_content,
                                  local_content_certified, items, contracts)
        SELECT month, category_id, region, buyer_type, method, tier, share_sum(total), share_sum(local_content),
               share_sum(local_content_certified), share_sum(items), count(*)
        FROM per_contract
        GROUP BY 1, 2, 3, 4, 5, 6
        $q$, CASE WHEN everything THEN 'true'
            -- Through the contracts' signing-date index: a few months of ten million items read only theirs.
            ELSE 'i.contract_id IN (SELECT id FROM contracts WHERE signed_on = ANY ($1))' END)
        USING CASE WHEN NOT everything THEN ARRAY(
            SELECT d::date FROM unnest(months) m,
                generate_series(m, m + interval '1 month' - interval '1 day', interval '1 day') d) END;
    END IF;

    -- A direct load's cells, in the months not recomputed above, added to what the months held. An initial
    -- load's months held nothing, and its cells go in as they are.
    IF NOT everything AND EXISTS (SELECT 1 FROM share_rollup_parts) THEN
        DELETE FROM share_rollup_parts WHERE month = ANY (months);
        WITH held AS (
            DELETE FROM share_rollup r WHERE r.month IN (SELECT DISTINCT month FROM share_rollup_parts)
            RETURNING r.*
        )
        INSERT INTO share_rollup_parts SELECT * FROM held;
        GET DIAGNOSTICS held = ROW_COUNT;
        IF held = 0 THEN
            INSERT INTO share_rollup SELECT * FROM share_rollup_parts;
        ELSE
            INSERT INTO share_rollup (month, category_id, region, buyer_type, method, tier, total, local_content,
                                      local_content_certified, items, contracts)
            SELECT month, category_id, region, buyer_type, method, tier, share_sum(total), share_sum(local_content),
                   share_sum(local_content_certified), share_sum(items), share_sum(contracts)
            FROM share_rollup_parts
            GROUP BY 1, 2, 3, 4, 5, 6;
        END IF;
    END IF;
    DELETE FROM share_rollup_parts;
    PERFORM pg_notify('ules_figures', '');
    RETURN cardinality(months);
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
-- share_rollup_refresh recomputes the marked months, adds a direct load's parts to the others, and returns
-- how many months it recomputed. One refresh runs at a time, and each statement after the lock reads what
-- the refresh before it committed: two writers of one month cannot both replace it from their own snapshot.
CREATE OR REPLACE FUNCTION share_rollup_refresh() RETURNS integer LANGUAGE plpgsql
-- A whole initial load is grouped at once; at the default 4 MB the groups spill to disk in batches.
SET work_mem = '256MB' AS $$
DECLARE
    months date[];
    everything boolean;
    held bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1431061844);
    WITH done AS (DELETE FROM share_rollup_dirty RETURNING month)
    SELECT coalesce(array_agg(DISTINCT month), '{}') INTO months FROM done;
    everything := 'infinity'::date = ANY (months);
    IF everything THEN
        DELETE FROM share_rollup;
        DELETE FROM share_rollup_spans;
        DELETE FROM share_rollup_months;
        DELETE FROM share_rollup_contracts;
    ELSIF cardinality(months) > 0 THEN
        -- An amendment replaces versions signed in other months: those months change with it.
        months := months || ARRAY(
            SELECT DISTINCT date_trunc('month', c.signed_on)::date
            FROM contracts a
            JOIN contracts c ON c.source = a.source
                AND (c.source_id = a.root_source_id OR c.root_source_id = a.root_source_id)
            WHERE a.root_source_id IS NOT NULL AND date_trunc('month', a.signed_on)::date = ANY (months));
        DELETE FROM share_rollup WHERE month = ANY (months);
        DELETE FROM share_rollup_spans WHERE month = ANY (months);
        DELETE FROM share_rollup_months WHERE month = ANY (months);
        DELETE FROM share_rollup_contracts WHERE month = ANY (months);
    END IF;

    IF everything OR cardinality(months) > 0 THEN
        -- Per contract and cell first: the cell's contracts, and the contracts with items in several cells.
        EXECUTE format($q$
        WITH per_contract AS MATERIALIZED (
            SELECT date_trunc('month', i.signed_on)::date AS month, i.contract_id, i.category_id, i.region,
                   b.buyer_type, i.method, i.tier, i.buyer_id, i.supplier_id,
                   share_sum(i.value) AS total, share_sum(i.local_content_value) AS local_content,
                   share_sum(i.local_content_certified_value) AS local_content_certified, count(*) AS items,
                   min(i.signed_on) AS first_signed, max(i.signed_on) AS last_signed
            FROM counted_items i
            JOIN buyers b ON b.id = i.buyer_id
            WHERE %s
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        ), by_contract AS (
            INSERT INTO share_rollup_contracts (month, contract_id, category_id, region, buyer_type, method, tier,
                                                buyer_id, supplier_id, total, local_content, local_content_certified, items)
            SELECT month, contract_id, category_id, region, buyer_type, method, tier, buyer_id, supplier_id, total,
                   local_content, local_content_certified, items
            FROM per_contract
        ), spanning AS (
            SELECT contract_id FROM per_contract GROUP BY contract_id HAVING count(*) > 1
        ), spans AS (
            INSERT INTO share_rollup_spans (month, contract_id, category_id, region, buyer_type, method, tier)
            SELECT p.month, p.contract_id, p.category_id, p.region, p.buyer_type, p.method, p.tier
            FROM per_contract p JOIN spanning USING (contract_id)
        ), bounds AS (
            INSERT INTO share_rollup_months (month, first_signed, last_signed)
            SELECT month, min(first_signed), max(last_signed) FROM per_contract GROUP BY month
        )
        INSERT INTO share_rollup (month, category_id, region, buyer_type, method, tier, total, local_content,
                                  local_content_certified, items, contracts)
        SELECT month, category_id, region, buyer_type, method, tier, share_sum(total), share_sum(local_content),
               share_sum(local_content_certified), share_sum(items), count(*)
        FROM per_contract
        GROUP BY 1, 2, 3, 4, 5, 6
        $q$, CASE WHEN everything THEN 'true'
            -- Through the contracts' signing-date index: a few months of ten million items read only theirs.
            ELSE 'i.contract_id IN (SELECT id FROM contracts WHERE signed_on = ANY ($1))' END)
        USING CASE WHEN NOT everything THEN ARRAY(
            SELECT d::date FROM unnest(months) m,
                generate_series(m, m + interval '1 month' - interval '1 day', interval '1 day') d) END;
    END IF;

    -- A direct load's cells, in the months not recomputed above, added to what the months held. An initial
    -- load's months held nothing, and its cells go in as they are.
    IF NOT everything AND EXISTS (SELECT 1 FROM share_rollup_parts) THEN
        DELETE FROM share_rollup_parts WHERE month = ANY (months);
        WITH held AS (
            DELETE FROM share_rollup r WHERE r.month IN (SELECT DISTINCT month FROM share_rollup_parts)
            RETURNING r.*
        )
        INSERT INTO share_rollup_parts SELECT * FROM held;
        GET DIAGNOSTICS held = ROW_COUNT;
        IF held = 0 THEN
            INSERT INTO share_rollup SELECT * FROM share_rollup_parts;
        ELSE
            INSERT INTO share_rollup (month, category_id, region, buyer_type, method, tier, total, local_content,
                                      local_content_certified, items, contracts)
            SELECT month, category_id, region, buyer_type, method, tier, share_sum(total), share_sum(local_content),
                   share_sum(local_content_certified), share_sum(items), share_sum(contracts)
            FROM share_rollup_parts
            GROUP BY 1, 2, 3, 4, 5, 6;
        END IF;
    END IF;
    DELETE FROM share_rollup_parts;
    PERFORM pg_notify('ules_figures', '');
    RETURN cardinality(months);
END;
$$;
-- +goose StatementEnd

DROP INDEX share_rollup_contracts_month_idx;
CREATE INDEX share_rollup_contracts_month_idx ON share_rollup_contracts (month);
ALTER TABLE share_rollup_contracts DROP COLUMN shared;
