-- +goose Up
-- Regions are the 20 first-level units of KATO (17 oblasts and 3 cities), keyed by the code's first two digits.
CREATE TABLE regions (
    code    text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name_kk text NOT NULL,
    name_ru text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE categories (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_kk        text NOT NULL,
    name_ru        text NOT NULL,
    name_en        text NOT NULL,
    light_industry boolean NOT NULL DEFAULT false,
    -- Lower priority is tried first, so a specific category (school uniforms) wins over a broad one (workwear).
    priority       integer NOT NULL DEFAULT 100
);

CREATE TABLE category_rules (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id integer NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('enstru_prefix', 'keyword')),
    pattern     text NOT NULL CHECK (pattern <> ''),
    UNIQUE (category_id, kind, pattern)
);

CREATE TABLE targets (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_kk     text NOT NULL,
    name_ru     text NOT NULL,
    name_en     text NOT NULL,
    category_id integer NOT NULL REFERENCES categories (id),
    -- NULL region means nationwide.
    region      text REFERENCES regions (code),
    metric      text NOT NULL CHECK (metric IN ('domestic_share_value', 'domestic_share_count', 'local_content_share')),
    period      text NOT NULL DEFAULT 'calendar_year' CHECK (period IN ('calendar_year'))
);

CREATE TABLE target_thresholds (
    target_id      integer NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    effective_from date NOT NULL,
    threshold_bp   integer NOT NULL CHECK (threshold_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (target_id, effective_from)
);

CREATE TABLE import_batches (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    format         text NOT NULL,
    source_name    text NOT NULL,
    sha256         text NOT NULL DEFAULT '',
    created_by     text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'committed', 'failed')),
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    rows_read      bigint NOT NULL DEFAULT 0,
    rows_loaded    bigint NOT NULL DEFAULT 0,
    rows_rejected  bigint NOT NULL DEFAULT 0,
    rows_replaced  bigint NOT NULL DEFAULT 0,
    rows_unchanged bigint NOT NULL DEFAULT 0,
    message        text NOT NULL DEFAULT ''
);

CREATE TABLE import_errors (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id bigint NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    location text NOT NULL,
    reason   text NOT NULL
);
CREATE INDEX import_errors_batch_idx ON import_errors (batch_id, id);

CREATE TABLE buyers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bin        text NOT NULL UNIQUE,
    name_kk    text NOT NULL DEFAULT '',
    name_ru    text NOT NULL DEFAULT '',
    name_en    text NOT NULL DEFAULT '',
    buyer_type text NOT NULL DEFAULT 'state_body'
        CHECK (buyer_type IN ('state_body', 'education', 'akimat', 'national_company', 'defence')),
    region     text REFERENCES regions (code)
);

CREATE TABLE suppliers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- BIN or IIN for Kazakhstani participants, the foreign tax number for non-residents.
    identifier       text NOT NULL UNIQUE,
    bin              text,
    name_kk          text NOT NULL DEFAULT '',
    name_ru          text NOT NULL DEFAULT '',
    name_en          text NOT NULL DEFAULT '',
    country          text NOT NULL DEFAULT '' CHECK (country ~ '^([A-Z]{2})?$'),
    resident         boolean NOT NULL,
    portal_producer  boolean NOT NULL DEFAULT false,
    portal_supplier  boolean NOT NULL DEFAULT false,
    national_company boolean NOT NULL DEFAULT false
);
CREATE INDEX suppliers_bin_idx ON suppliers (bin) WHERE bin IS NOT NULL;

CREATE TABLE producer_register (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bin           text NOT NULL,
    -- Scope: an ENSTRU prefix (digits only), a category, or neither for every product of the producer.
    enstru_prefix text NOT NULL DEFAULT '' CHECK (enstru_prefix ~ '^[0-9]*$'),
    category_id   integer REFERENCES categories (id),
    valid_from    date NOT NULL,
    valid_to      date,
    source        text NOT NULL DEFAULT '',
    capacity      numeric,
    capacity_unit text NOT NULL DEFAULT '',
    batch_id      bigint REFERENCES import_batches (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX producer_register_bin_idx ON producer_register (bin);

CREATE TABLE origin_certificates (
    number           text PRIMARY KEY,
    bin              text NOT NULL,
    enstru_prefix    text NOT NULL CHECK (enstru_prefix ~ '^[0-9]+$'),
    local_content_bp integer NOT NULL CHECK (local_content_bp BETWEEN 0 AND 10000),
    issued           date NOT NULL,
    expires          date NOT NULL CHECK (expires >= issued),
    batch_id         bigint REFERENCES import_batches (id)
);
CREATE INDEX origin_certificates_bin_idx ON origin_certificates (bin);

CREATE TABLE fx_rates (
    currency  text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    rate_date date NOT NULL,
    -- Tenge per one unit of the currency.
    rate      numeric NOT NULL CHECK (rate > 0),
    PRIMARY KEY (currency, rate_date)
);

CREATE TABLE contracts (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source             text NOT NULL,
    source_id          text NOT NULL,
    buyer_id           bigint NOT NULL REFERENCES buyers (id),
    supplier_id        bigint NOT NULL REFERENCES suppliers (id),
    signed_on          date NOT NULL,
    fiscal_year        integer,
    method             text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT '',
    currency           text NOT NULL DEFAULT 'KZT' CHECK (currency ~ '^[A-Z]{3}$'),
    exchange_rate      numeric,
    -- Headline total in KZT tiyn (the portal's contract_sum_wnds); total_alt keeps the other published sum.
    total              bigint NOT NULL,
    total_alt          bigint,
    local_content_published_bp integer CHECK (local_content_published_bp BETWEEN 0 AND 10000),
    description        text NOT NULL DEFAULT '',
    deleted            boolean NOT NULL DEFAULT false,
    source_updated_at  timestamptz,
    batch_id           bigint REFERENCES import_batches (id),
    UNIQUE (source, source_id)
);
CREATE INDEX contracts_signed_idx ON contracts (signed_on);
CREATE INDEX contracts_buyer_idx ON contracts (buyer_id);
CREATE INDEX contracts_supplier_idx ON contracts (supplier_id);
CREATE INDEX contracts_batch_idx ON contracts (batch_id);

-- Replaced contract versions are recorded so every change an import made can be explained.
CREATE TABLE contract_replacements (
    contract_id  bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    batch_id     bigint NOT NULL REFERENCES import_batches (id),
    old_batch_id bigint REFERENCES import_batches (id),
    old_updated_at timestamptz,
    new_updated_at timestamptz,
    PRIMARY KEY (contract_id, batch_id)
);

CREATE TABLE contract_items (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id         bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    source_id           text NOT NULL,
    -- Denormalised from the contract: every share query filters on it.
    signed_on           date NOT NULL,
    enstru_code         text NOT NULL DEFAULT '',
    name                text NOT NULL DEFAULT '',
    name_kk             text NOT NULL DEFAULT '',
    description         text NOT NULL DEFAULT '',
    quantity            numeric NOT NULL DEFAULT 0,
    unit                text NOT NULL DEFAULT '',
    unit_price          bigint,
    -- Headline value in KZT tiyn (the portal's total_sum_wnds); value_alt keeps the other published sum.
    value               bigint NOT NULL,
    value_alt           bigint,
    local_content_bp    integer CHECK (local_content_bp BETWEEN 0 AND 10000),
    local_content_value bigint NOT NULL DEFAULT 0,
    kato                text NOT NULL DEFAULT '',
    -- region and category_id are set by the import from the regions table and the category rules; foreign
    -- keys to those small reference tables cost more than the rest of the insert, and Citus would want
    -- them as reference tables anyway.
    region              text,
    category_id         integer,
    -- 1 domestic producer, 2 resident supplier, 3 non-resident; tier_rule names the rule that decided.
    tier                smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
    tier_rule           text NOT NULL,
    deleted             boolean NOT NULL DEFAULT false,
    UNIQUE (contract_id, source_id)
);
CREATE INDEX contract_items_category_idx ON contract_items (category_id, signed_on) WHERE NOT deleted;

-- +goose Down
DROP TABLE contract_items, contract_replacements, contracts, fx_rates, origin_certificates, producer_register,
    suppliers, buyers, import_errors, import_batches, target_thresholds, targets, category_rules, categories, regions;
