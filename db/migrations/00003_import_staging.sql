-- +goose Up
-- Staging tables: imports create session-local temporary copies (CREATE TEMP TABLE ... (LIKE ...)),
-- which shadow these through search_path, so concurrent imports never meet and nothing here is WAL-logged.
-- The definitions live here so sqlc can check the merge queries against them. seq numbers the rows in the
-- order they were read: of two copies of a record in one import, the later one wins.
CREATE UNLOGGED TABLE stg_subjects (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    loc              text NOT NULL,
    identifier       text NOT NULL,
    bin              text,
    name_kk          text NOT NULL,
    name_ru          text NOT NULL,
    country          text NOT NULL,
    resident         boolean NOT NULL,
    producer         boolean NOT NULL,
    supplier_flag    boolean NOT NULL,
    national_company boolean NOT NULL,
    buyer_type       text NOT NULL
);

CREATE UNLOGGED TABLE stg_contracts (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    loc              text NOT NULL,
    source_id        text NOT NULL,
    customer_bin     text NOT NULL,
    supplier_key     text NOT NULL,
    signed_on        date NOT NULL,
    fiscal_year      integer,
    method           text NOT NULL,
    status           text NOT NULL,
    currency         text NOT NULL,
    exchange_rate    numeric,
    total            bigint,
    total_alt        bigint,
    local_content_bp integer,
    description      text NOT NULL,
    deleted          boolean NOT NULL,
    updated_at       timestamptz,
    rejected         boolean NOT NULL DEFAULT false
);

CREATE UNLOGGED TABLE stg_units (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    loc                text NOT NULL,
    source_id          text NOT NULL,
    contract_source_id text NOT NULL,
    plan_id            text NOT NULL,
    quantity           numeric NOT NULL,
    unit_price         bigint,
    value              bigint NOT NULL,
    value_alt          bigint,
    local_content_bp   integer,
    deleted            boolean NOT NULL
);

CREATE UNLOGGED TABLE stg_plans (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    loc         text NOT NULL,
    plan_id     text NOT NULL,
    enstru_code text NOT NULL,
    name        text NOT NULL,
    name_kk     text NOT NULL,
    description text NOT NULL,
    unit        text NOT NULL,
    category_id integer
);

CREATE UNLOGGED TABLE stg_plan_katos (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    loc     text NOT NULL,
    plan_id text NOT NULL,
    kato    text NOT NULL
);

-- item_tier_rule decides, as of the signing date, why an item's supplier is or is not a domestic producer
-- (DESIGN.md §4). The first rule that holds wins; the tier follows from the rule (tier_of_rule).
-- +goose StatementBegin
-- A single expression without FROM, so the planner inlines it into the merge instead of calling it per row.
CREATE FUNCTION item_tier_rule(p_supplier_id bigint, p_signed_on date, p_enstru text, p_category_id integer)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN EXISTS (
            SELECT 1 FROM suppliers s JOIN producer_register r ON r.bin = s.bin
            WHERE s.id = p_supplier_id
              AND r.valid_from <= p_signed_on AND (r.valid_to IS NULL OR r.valid_to >= p_signed_on)
              AND ((r.enstru_prefix <> '' AND replace(p_enstru, '.', '') LIKE r.enstru_prefix || '%')
                   OR r.category_id = p_category_id
                   OR (r.enstru_prefix = '' AND r.category_id IS NULL)))
            THEN 'register'
        WHEN EXISTS (
            SELECT 1 FROM suppliers s JOIN origin_certificates oc ON oc.bin = s.bin
            WHERE s.id = p_supplier_id
              AND oc.issued <= p_signed_on AND oc.expires >= p_signed_on
              AND replace(p_enstru, '.', '') LIKE oc.enstru_prefix || '%')
            THEN 'certificate'
        WHEN (SELECT s.portal_producer FROM suppliers s WHERE s.id = p_supplier_id) THEN 'portal_flag'
        WHEN (SELECT s.resident FROM suppliers s WHERE s.id = p_supplier_id) THEN 'resident'
        ELSE 'non_resident'
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tier_of_rule(p_rule text) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_rule WHEN 'resident' THEN 2 WHEN 'non_resident' THEN 3 ELSE 1 END::smallint
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION tier_of_rule(text);
DROP FUNCTION item_tier_rule(bigint, date, text, integer);
DROP TABLE stg_plan_katos, stg_plans, stg_units, stg_contracts, stg_subjects;
