-- A source that says nothing of a supplier's producer flag (OCDS, a spreadsheet without the column) keeps
-- the flag stored: its false is silence, not a "no", and it had overwritten the portal's flag, and with
-- it the tiers of every stored item of the supplier.

-- +goose Up
ALTER TABLE stg_subjects ADD COLUMN producer_stated boolean NOT NULL DEFAULT true;

-- +goose Down
ALTER TABLE stg_subjects DROP COLUMN producer_stated;
