-- name: TradeMethodUpsert :exec
INSERT INTO trade_methods (code, symbol, name_kk, name_ru, in_law)
VALUES (@code, @symbol, @name_kk, @name_ru, @in_law)
ON CONFLICT (code) DO UPDATE
SET symbol = EXCLUDED.symbol, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, in_law = EXCLUDED.in_law;

-- name: TradeMethodList :many
SELECT code, symbol, name_kk, name_ru, name_en FROM trade_methods ORDER BY code;
