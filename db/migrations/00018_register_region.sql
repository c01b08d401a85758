-- +goose Up
-- Where a registered producer is, as a region (the first two digits of its KATO code): "who could supply"
-- shows it beside the spare capacity. Optional: the register's published lists do not always carry it.
ALTER TABLE producer_register ADD COLUMN region text REFERENCES regions (code);
ALTER TABLE stg_register ADD COLUMN region text;

-- +goose Down
ALTER TABLE stg_register DROP COLUMN region;
ALTER TABLE producer_register DROP COLUMN region;
