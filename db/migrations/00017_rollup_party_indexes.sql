-- +goose Up
-- A scope naming one buyer or supplier reads that party's items through the contracts' indexes
-- (store.planRead): indexes of the rollup's contracts by party cost the import more than they saved the
-- reads (docs/performance.md § Rollups).
DROP INDEX share_rollup_contracts_buyer_idx;
DROP INDEX share_rollup_contracts_supplier_idx;

-- +goose Down
CREATE INDEX share_rollup_contracts_buyer_idx ON share_rollup_contracts (buyer_id, month);
CREATE INDEX share_rollup_contracts_supplier_idx ON share_rollup_contracts (supplier_id, month);
