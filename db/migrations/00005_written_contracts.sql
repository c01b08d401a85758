-- +goose Up
-- The contracts one import wrote, with what their items inherit. fresh marks contracts the import created
-- (none was stored and no copy of it was rejected): their units are inserted without conflict checks,
-- which is most of an initial load. A session-local temporary copy shadows it like the other stg_ tables.
CREATE UNLOGGED TABLE stg_written_contracts (
    contract_id bigint NOT NULL,
    source_id   text NOT NULL,
    signed_on   date NOT NULL,
    supplier_id bigint NOT NULL,
    rate        numeric,
    fresh       boolean NOT NULL
);

-- +goose Down
DROP TABLE stg_written_contracts;
