-- name: ContractStatusList :many
SELECT scheme, code, symbol, name_kk, name_ru, name_en, counts FROM contract_statuses
ORDER BY scheme DESC, length(code), code;

-- name: ContractStatusUpsertPortal :one
-- The portal's own list names its statuses: names follow it; a status new to Ules is added as counting
-- nowhere until someone decides (docs/methodology.md), and the import says so.
INSERT INTO contract_statuses (scheme, code, symbol, name_kk, name_ru, name_en, counts)
VALUES ('portal', @code, @symbol, @name_kk, @name_ru, @name_ru, 'none')
ON CONFLICT (code) DO UPDATE
SET symbol = EXCLUDED.symbol, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru
WHERE contract_statuses.scheme = 'portal'
RETURNING (xmax = 0)::boolean AS added;
