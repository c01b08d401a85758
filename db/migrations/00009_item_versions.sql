-- +goose Up
-- Records that carry their contract's whole item list (the template's rows, OCDS releases and records) are
-- read as of their newest version in an import: each unit keeps the version of the record it came with,
-- and units of older versions are dropped before the merge. An OCDS items array also replaces the older
-- one whole, so the stored items a newer version no longer lists are removed (replaces_items); the
-- template keeps them, as documented for it. Portal units come apart from their contract, unversioned.
ALTER TABLE stg_contracts
    ADD COLUMN carries_items boolean NOT NULL DEFAULT false,
    ADD COLUMN replaces_items boolean NOT NULL DEFAULT false;
ALTER TABLE stg_units ADD COLUMN version timestamptz;
ALTER TABLE import_batches ADD COLUMN rows_removed bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_batches DROP COLUMN rows_removed;
ALTER TABLE stg_units DROP COLUMN version;
ALTER TABLE stg_contracts DROP COLUMN replaces_items, DROP COLUMN carries_items;
