-- +goose Up
-- Spreadsheet contracts stored before kept their procurement method as written: each becomes the portal's
-- code it names, as the import now stores it (loader.methodAliases: codes first, then a symbol or name that
-- names one method only), so that a target scoped to a method counts them.
UPDATE contracts k SET method = m.code
FROM (
    SELECT lower(code) AS alias, code FROM trade_methods
    UNION ALL
    SELECT alias, min(code)
    FROM (
        SELECT DISTINCT lower(trim(n)) AS alias, code
        FROM trade_methods, unnest(ARRAY[symbol, name_ru, name_kk, name_en]) n
        WHERE trim(n) <> ''
    ) x
    WHERE alias NOT IN (SELECT lower(code) FROM trade_methods)
    GROUP BY alias
    HAVING count(*) = 1
) m
WHERE k.source = 'csv' AND lower(trim(k.method)) = m.alias AND k.method <> m.code;
-- The months those contracts lie in were marked; the rollup is whole again before the server reads it.
SELECT share_rollup_refresh();

-- +goose Down
-- What each contract's method was written as is not kept; the codes stay.
SELECT 1;
