-- A new version of a contract in another currency may change its rate (a new signing date, the portal's
-- exchange_rate): the items it does not carry, stored in tenge at the old rate, are priced again at the
-- new one. The merge keeps the old version's currency and rate for that.

-- +goose Up
ALTER TABLE stg_written_contracts ADD COLUMN currency text, ADD COLUMN old_currency text, ADD COLUMN old_rate numeric;

-- +goose Down
ALTER TABLE stg_written_contracts DROP COLUMN currency, DROP COLUMN old_currency, DROP COLUMN old_rate;
