-- name: StageContractsCopyFrom :copyfrom
INSERT INTO stg_contracts (loc, source_id, customer_bin, supplier_key, signed_on, fiscal_year, method, status, currency,
    exchange_rate, total, total_alt, local_content_bp, description, deleted, updated_at, carries_items, replaces_items,
    paid, root_source_id)
VALUES (@loc, @source_id, @customer_bin, @supplier_key, @signed_on, @fiscal_year, @method, @status, @currency,
    @exchange_rate, @total, @total_alt, @local_content_bp, @description, @deleted, @updated_at, @carries_items,
    @replaces_items, @paid, @root_source_id);

-- name: StageContractsRejectConflicting :many
-- A contract repeated with different contract-level fields and the same version cannot be resolved.
UPDATE stg_contracts c SET rejected = true
FROM (
    SELECT source_id, updated_at
    FROM stg_contracts
    GROUP BY source_id, updated_at
    HAVING count(DISTINCT (customer_bin, supplier_key, signed_on, currency, exchange_rate, total, total_alt,
                            local_content_bp, deleted, status, paid, root_source_id)) > 1
) d
WHERE c.source_id = d.source_id AND c.updated_at IS NOT DISTINCT FROM d.updated_at
RETURNING c.loc, c.source_id;

-- name: StageContractsRejectOversized :many
-- Converted to tiyn, the contract total or one of its units must fit in a bigint; a larger figure is a typo
-- (an amount or a rate), refused here with its location rather than failing the whole merge.
UPDATE stg_contracts c SET rejected = true
FROM (
    SELECT sc.loc,
           greatest(coalesce(sc.total, 0), coalesce(sc.total_alt, 0), coalesce(sc.paid, 0), coalesce(u.largest, 0))::numeric
             * CASE WHEN sc.currency = 'KZT' THEN 1
                    WHEN coalesce(sc.exchange_rate, 0) > 0 THEN sc.exchange_rate
                    ELSE coalesce(f.rate, 1)
               END AS largest
    FROM stg_contracts sc
    LEFT JOIN (
        SELECT contract_source_id, max(greatest(value, coalesce(value_alt, 0), coalesce(unit_price, 0))) AS largest
        FROM stg_units
        GROUP BY contract_source_id
    ) u ON u.contract_source_id = sc.source_id
    LEFT JOIN fx_rates f ON f.currency = sc.currency AND f.rate_date = sc.signed_on
    WHERE NOT sc.rejected
) x
WHERE c.loc = x.loc AND x.largest >= 9000000000000000000
RETURNING c.loc, c.source_id;

-- name: StageContractsRejectRepeatedItems :many
-- An item given twice in a record that carries its items (two template rows with the same contract_id and
-- item_id) would be stored once but summed twice into the contract's total: the contract is refused, and
-- each repeat is reported with the place of the first.
WITH rep AS (
    SELECT u.contract_source_id, u.source_id, array_agg(u.loc ORDER BY u.seq)::text[] AS locs
    FROM stg_units u
    WHERE u.contract_source_id IN (SELECT source_id FROM stg_contracts WHERE carries_items)
    GROUP BY u.contract_source_id, u.source_id, u.version
    HAVING count(*) > 1
), refused AS (
    UPDATE stg_contracts c SET rejected = true
    WHERE c.source_id IN (SELECT contract_source_id FROM rep) AND NOT c.rejected
    RETURNING 1
)
SELECT rep.contract_source_id, rep.source_id, rep.locs, (SELECT count(*) FROM refused)::bigint AS refused
FROM rep
ORDER BY rep.locs[1];

-- name: StageContractsRejectUnpriced :many
-- A foreign-currency contract needs the rate it was signed at: its own or one from fx_rates.
UPDATE stg_contracts c SET rejected = true
WHERE NOT c.rejected AND c.currency <> 'KZT'
  AND coalesce(c.exchange_rate, 0) <= 0
  AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = c.currency AND f.rate_date = c.signed_on)
RETURNING c.loc, c.currency, c.signed_on;

-- name: StageContractsRejectWithoutParties :many
UPDATE stg_contracts c SET rejected = true
FROM (
    SELECT sc.loc, (sb.identifier IS NOT NULL OR b.bin IS NOT NULL) AS has_buyer,
           (ss.identifier IS NOT NULL OR p.identifier IS NOT NULL) AS has_supplier
    FROM stg_contracts sc
    LEFT JOIN (SELECT DISTINCT identifier FROM stg_subjects) sb ON sb.identifier = sc.customer_bin
    LEFT JOIN buyers b ON b.bin = sc.customer_bin
    LEFT JOIN (SELECT DISTINCT identifier FROM stg_subjects) ss ON ss.identifier = sc.supplier_key
    LEFT JOIN suppliers p ON p.identifier = sc.supplier_key
    WHERE NOT sc.rejected
) p
WHERE c.loc = p.loc AND NOT (p.has_buyer AND p.has_supplier)
RETURNING c.loc, c.customer_bin, c.supplier_key, p.has_buyer::boolean AS has_buyer, p.has_supplier::boolean AS has_supplier;
