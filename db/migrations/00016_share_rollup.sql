-- +goose Up
-- The rollup: counted items summed by month × category × region × buyer type × method × tier, so that the
-- overview, a target's progress and the explorer's groupings read thousands of rows instead of millions.
-- It is kept exact inside the transaction that changes what counts (docs/architecture.md § Rollups):
-- statement triggers mark the months a write touched, share_rollup_refresh() recomputes those months from
-- counted_items before the import commits, and adds the cells a direct load summed as it wrote them. A
-- month still marked is read from the items.
CREATE TABLE share_rollup (
    month                   date NOT NULL,
    category_id             integer,
    region                  text,
    buyer_type              text NOT NULL,
    method                  text NOT NULL,
    tier                    smallint NOT NULL,
    total                   bigint NOT NULL,
    local_content           bigint NOT NULL,
    local_content_certified bigint NOT NULL,
    items                   bigint NOT NULL,
    -- Contracts with an item in the cell. A contract lies in one month, under one buyer and one method,
    -- but its items may fall in several cells: share_rollup_spans lists those, so a sum over cells can
    -- subtract what it counted twice.
    contracts               bigint NOT NULL
);
CREATE INDEX share_rollup_month_idx ON share_rollup (month);
CREATE INDEX share_rollup_category_idx ON share_rollup (category_id, month);

CREATE TABLE share_rollup_spans (
    month       date NOT NULL,
    contract_id bigint NOT NULL,
    category_id integer,
    region      text,
    buyer_type  text NOT NULL,
    method      text NOT NULL,
    tier        smallint NOT NULL
);
CREATE INDEX share_rollup_spans_month_idx ON share_rollup_spans (month);

-- Counted contracts by cell, with their buyer and supplier: what the groupings and filters by buyer or
-- supplier read, a row a contract where share_rollup has a row a cell. A direct load appends a contract's
-- rows chunk by chunk, so a contract may have several rows of one cell; readers sum them.
CREATE TABLE share_rollup_contracts (
    month                   date NOT NULL,
    contract_id             bigint NOT NULL,
    category_id             integer,
    region                  text,
    buyer_type              text NOT NULL,
    method                  text NOT NULL,
    tier                    smallint NOT NULL,
    buyer_id                bigint NOT NULL,
    supplier_id             bigint NOT NULL,
    total                   bigint NOT NULL,
    local_content           bigint NOT NULL,
    local_content_certified bigint NOT NULL,
    items                   bigint NOT NULL
);
CREATE INDEX share_rollup_contracts_month_idx ON share_rollup_contracts (month);
CREATE INDEX share_rollup_contracts_category_idx ON share_rollup_contracts (category_id, month);
CREATE INDEX share_rollup_contracts_buyer_idx ON share_rollup_contracts (buyer_id, month);
CREATE INDEX share_rollup_contracts_supplier_idx ON share_rollup_contracts (supplier_id, month);

-- The rollup's cells and the spanning contracts' cells in one relation, for the reads: a sum of contracts
-- over cells less count(spanning) plus count(DISTINCT spanning) counts each contract once.
CREATE VIEW share_rollup_cells AS
SELECT r.month, r.category_id, r.region, r.buyer_type, r.method, r.tier, r.total, r.local_content,
       r.local_content_certified, r.items, r.contracts, NULL::bigint AS spanning
FROM share_rollup r
UNION ALL
SELECT s.month, s.category_id, s.region, s.buyer_type, s.method, s.tier, 0, 0, 0, 0, 0, s.contract_id
FROM share_rollup_spans s;

-- The first and last signing date of the month's counted items: a period that starts or ends inside a
-- month still reads the month from the rollup when no item lies outside it.
CREATE TABLE share_rollup_months (
    month        date PRIMARY KEY,
    first_signed date NOT NULL,
    last_signed  date NOT NULL
);

-- Months to recompute; 'infinity' stands for all of them. Not unique: a writer never waits for another's
-- uncommitted mark.
CREATE TABLE share_rollup_dirty (month date NOT NULL);
CREATE INDEX share_rollup_dirty_month_idx ON share_rollup_dirty (month);

-- The cells of what a direct load wrote, as it summed them while encoding the rows (loader/rollup_parts.go),
-- for the refresh to add to the months it does not recompute: the load's own inserts mark no months while
-- ules.rollup_parts is on. Empty outside an import's transaction.
CREATE TABLE share_rollup_parts (LIKE share_rollup);

-- The key of a group of figures, one definition for the figures read from the items, the cells and the
-- contracts by cell (shares.sql, share_rollup.sql); months and years come from any day of the month. STABLE,
-- as to_char is: PostgreSQL then inlines it, and folds it to one branch for the query's grouping.
CREATE FUNCTION share_group_key(group_by text, signed date, category_id integer, region text, buyer_bin text,
                                buyer_type text, supplier text, method text, tier smallint)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE group_by
        WHEN 'region' THEN coalesce(region, '')
        WHEN 'buyer' THEN buyer_bin
        WHEN 'supplier' THEN supplier
        WHEN 'buyer_type' THEN buyer_type
        WHEN 'method' THEN method
        WHEN 'month' THEN to_char(signed, 'YYYY-MM')
        WHEN 'year' THEN to_char(signed, 'YYYY')
        WHEN 'tier' THEN tier::text
        WHEN 'category' THEN coalesce(category_id::text, '')
        ELSE ''
    END
$$;

-- Σ of bigint as bigint: sum(bigint) accumulates in numeric, which made the refresh's grouping several
-- times slower. No sum of tiyn comes near 2^63.
CREATE AGGREGATE share_sum(bigint) (SFUNC = int8pl, STYPE = bigint, INITCOND = '0');

-- +goose StatementBegin
CREATE FUNCTION share_rollup_mark(months date[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO share_rollup_dirty (month)
    SELECT DISTINCT m FROM unnest(months) m
    WHERE m IS NOT NULL AND NOT EXISTS (SELECT 1 FROM share_rollup_dirty d WHERE d.month = m);
    -- Servers that keep answers (httpapi's progress cache) forget them when this commits; PostgreSQL sends
    -- one notification a transaction however often it is asked.
    SELECT pg_notify('ules_figures', '');
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION share_rollup_mark_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A direct load reports its new contracts' items as parts; of its contracts only amendments change
    -- other months (the versions they replace).
    IF TG_OP = 'INSERT' AND current_setting('ules.rollup_parts', true) = 'on' THEN
        IF TG_TABLE_NAME = 'contracts' THEN
            PERFORM share_rollup_mark(ARRAY(SELECT DISTINCT date_trunc('month', signed_on)::date FROM new_rows
                                            WHERE root_source_id IS NOT NULL));
        END IF;
        RETURN NULL;
    END IF;
    -- Items carry their contract's signing date, so both tables mark the same way.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM share_rollup_mark(ARRAY(SELECT DISTINCT date_trunc('month', signed_on)::date FROM new_rows));
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM share_rollup_mark(ARRAY(SELECT DISTINCT date_trunc('month', signed_on)::date FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION share_rollup_mark_buyers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    -- EXCEPT rather than a join of the two transition tables, which have no statistics: the planner nested
    -- the join, a tenth of a second for an import's thousand buyers. Most updates change no type (names,
    -- the region an import works out), and then no contract is read.
    changed := ARRAY(SELECT id FROM (SELECT id, buyer_type FROM new_rows EXCEPT SELECT id, buyer_type FROM old_rows) t);
    IF cardinality(changed) > 0 THEN
        PERFORM share_rollup_mark(ARRAY(SELECT DISTINCT date_trunc('month', c.signed_on)::date
                                        FROM contracts c WHERE c.buyer_id = ANY (changed)));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION share_rollup_mark_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- What a status counts decides for every month; names alone decide nothing. Rare, so all is redone.
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE counts <> 'none' OR replaces_parent) THEN
            PERFORM share_rollup_mark(ARRAY['infinity'::date]);
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.code = n.code
                   WHERE (o.counts, o.replaces_parent) IS DISTINCT FROM (n.counts, n.replaces_parent)) THEN
            PERFORM share_rollup_mark(ARRAY['infinity'::date]);
        END IF;
    ELSE
        PERFORM share_rollup_mark(ARRAY['infinity'::date]);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER share_rollup_items_insert AFTER INSERT ON contract_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_items_update AFTER UPDATE ON contract_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_items_delete AFTER DELETE ON contract_items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_contracts_insert AFTER INSERT ON contracts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_contracts_update AFTER UPDATE ON contracts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_contracts_delete AFTER DELETE ON contracts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_signed();
CREATE TRIGGER share_rollup_buyers_update AFTER UPDATE ON buyers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_buyers();
CREATE TRIGGER share_rollup_statuses_insert AFTER INSERT ON contract_statuses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_statuses();
CREATE TRIGGER share_rollup_statuses_update AFTER UPDATE ON contract_statuses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_statuses();
CREATE TRIGGER share_rollup_statuses_delete AFTER DELETE ON contract_statuses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION share_rollup_mark_statuses();

-- A target's definition is part of its answer too.
-- +goose StatementBegin
CREATE FUNCTION figures_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ules_figures', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER targets_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON targets
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER target_thresholds_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_thresholds
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();

-- The bulk load turns ordinary triggers off (session_replication_role = replica, to skip foreign-key
-- checks); these must fire whatever the role.
ALTER TABLE contract_items ENABLE ALWAYS TRIGGER share_rollup_items_insert;
ALTER TABLE contract_items ENABLE ALWAYS TRIGGER share_rollup_items_update;
ALTER TABLE contract_items ENABLE ALWAYS TRIGGER share_rollup_items_delete;
ALTER TABLE contracts ENABLE ALWAYS TRIGGER share_rollup_contracts_insert;
ALTER TABLE contracts ENABLE ALWAYS TRIGGER share_rollup_contracts_update;
ALTER TABLE contracts ENABLE ALWAYS TRIGGER share_rollup_contracts_delete;
ALTER TABLE buyers ENABLE ALWAYS TRIGGER share_rollup_buyers_update;
ALTER TABLE contract_statuses ENABLE ALWAYS TRIGGER share_rollup_statuses_insert;
ALTER TABLE contract_statuses ENABLE ALWAYS TRIGGER share_rollup_statuses_update;
ALTER TABLE contract_statuses ENABLE ALWAYS TRIGGER share_rollup_statuses_delete;

-- +goose StatementBegin
-- share_rollup_refresh recomputes the marked months, adds a direct load's parts to the others, and returns
-- how many months it recomputed. One refresh runs at a time, and each statement after the lock reads what
-- the refresh before it committed: two writers of one month cannot both replace it from their own snapshot.
CREATE FUNCTION share_rollup_refresh() RETURNS integer LANGUAGE plpgsql
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

SELECT share_rollup_mark(ARRAY['infinity'::date]);
SELECT share_rollup_refresh();

-- +goose Down
DROP TRIGGER share_rollup_items_insert ON contract_items;
DROP TRIGGER share_rollup_items_update ON contract_items;
DROP TRIGGER share_rollup_items_delete ON contract_items;
DROP TRIGGER share_rollup_contracts_insert ON contracts;
DROP TRIGGER share_rollup_contracts_update ON contracts;
DROP TRIGGER share_rollup_contracts_delete ON contracts;
DROP TRIGGER share_rollup_buyers_update ON buyers;
DROP TRIGGER share_rollup_statuses_insert ON contract_statuses;
DROP TRIGGER share_rollup_statuses_update ON contract_statuses;
DROP TRIGGER share_rollup_statuses_delete ON contract_statuses;
DROP TRIGGER targets_notify ON targets;
DROP TRIGGER target_thresholds_notify ON target_thresholds;
DROP FUNCTION figures_notify();
DROP FUNCTION share_rollup_refresh();
DROP VIEW share_rollup_cells;
DROP FUNCTION share_rollup_mark_statuses();
DROP FUNCTION share_rollup_mark_buyers();
DROP FUNCTION share_rollup_mark_signed();
DROP FUNCTION share_rollup_mark(date[]);
DROP AGGREGATE share_sum(bigint);
DROP FUNCTION share_group_key(text, date, integer, text, text, text, text, text, smallint);
DROP TABLE share_rollup_contracts, share_rollup_parts, share_rollup_dirty, share_rollup_months, share_rollup_spans, share_rollup;
