-- +goose Up
-- Reference-data imports (producer register, ST-KZ certificates, exchange rates) stage their rows like the
-- procurement imports: session-local temporary copies of these tables (CREATE TEMP TABLE ... (LIKE ...)) shadow
-- them through search_path for one transaction. The definitions live here so sqlc can check the merges.
CREATE UNLOGGED TABLE stg_register (
    loc           text NOT NULL,
    bin           text NOT NULL,
    enstru_prefix text NOT NULL,
    category_id   integer,
    valid_from    date NOT NULL,
    valid_to      date,
    capacity      numeric,
    capacity_unit text NOT NULL,
    source        text NOT NULL,
    rejected      boolean NOT NULL DEFAULT false
);

CREATE UNLOGGED TABLE stg_certificates (
    loc              text NOT NULL,
    number           text NOT NULL,
    bin              text NOT NULL,
    enstru_prefix    text NOT NULL,
    local_content_bp integer NOT NULL,
    issued           date NOT NULL,
    expires          date NOT NULL,
    rejected         boolean NOT NULL DEFAULT false
);

CREATE UNLOGGED TABLE stg_fx_rates (
    loc       text NOT NULL,
    currency  text NOT NULL,
    rate_date date NOT NULL,
    rate      numeric NOT NULL,
    rejected  boolean NOT NULL DEFAULT false
);

-- A register entry is identified by its producer, scope and start: re-importing the register updates entries
-- in place (a new valid_to, capacity or source) instead of adding copies. Rows loaded before this key existed
-- keep their newest copy.
DELETE FROM producer_register a
USING producer_register b
WHERE a.id < b.id AND a.bin = b.bin AND a.enstru_prefix = b.enstru_prefix
  AND a.category_id IS NOT DISTINCT FROM b.category_id AND a.valid_from = b.valid_from;
CREATE UNIQUE INDEX producer_register_key ON producer_register (bin, enstru_prefix, category_id, valid_from)
    NULLS NOT DISTINCT;

-- +goose Down
DROP INDEX producer_register_key;
DROP TABLE stg_fx_rates, stg_certificates, stg_register;
