-- name: SupplierBINListRegisteredOrCertified :many
-- Suppliers on the register or holding certificates: their items need the look-ups of supplier_tier_rule.
SELECT bin FROM producer_register UNION SELECT bin FROM origin_certificates;

-- name: SupplierIDsByBIN :many
SELECT id FROM suppliers WHERE bin = ANY(@bins::text[]) ORDER BY id;

-- name: SupplierMergeStaged :many
-- Returns the suppliers it inserted or changed: items the direct load gave them may need new tiers.
INSERT INTO suppliers (identifier, bin, name_kk, name_ru, country, resident, portal_producer, portal_supplier,
    national_company)
SELECT DISTINCT ON (s.identifier) s.identifier, s.bin, s.name_kk, s.name_ru, s.country, s.resident, s.producer,
    s.supplier_flag, s.national_company
FROM stg_subjects s
WHERE s.identifier IN (SELECT supplier_key FROM stg_contracts WHERE NOT rejected)
ORDER BY s.identifier, s.seq DESC
ON CONFLICT (identifier) DO UPDATE
SET bin = EXCLUDED.bin, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, country = EXCLUDED.country,
    resident = EXCLUDED.resident, portal_producer = EXCLUDED.portal_producer,
    portal_supplier = EXCLUDED.portal_supplier, national_company = EXCLUDED.national_company
WHERE (suppliers.bin, suppliers.name_kk, suppliers.name_ru, suppliers.country, suppliers.resident,
       suppliers.portal_producer, suppliers.portal_supplier, suppliers.national_company)
    IS DISTINCT FROM (EXCLUDED.bin, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.country, EXCLUDED.resident,
       EXCLUDED.portal_producer, EXCLUDED.portal_supplier, EXCLUDED.national_company)
RETURNING suppliers.id;

-- name: SupplierNamesByIdentifier :many
SELECT identifier, bin, name_kk, name_ru, name_en, country, resident FROM suppliers
WHERE identifier = ANY(@identifiers::text[]);

-- name: SupplierUpsert :many
INSERT INTO suppliers AS s (identifier, bin, name_kk, name_ru, country, resident, portal_producer, portal_supplier,
    national_company)
SELECT unnest(@identifiers::text[]), nullif(unnest(@bins::text[]), ''), unnest(@names_kk::text[]),
    unnest(@names_ru::text[]), unnest(@countries::text[]), unnest(@residents::boolean[]),
    unnest(@producers::boolean[]), unnest(@supplier_flags::boolean[]), unnest(@national_companies::boolean[])
ON CONFLICT (identifier) DO UPDATE
SET bin = EXCLUDED.bin, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, country = EXCLUDED.country,
    resident = EXCLUDED.resident, portal_producer = EXCLUDED.portal_producer,
    portal_supplier = EXCLUDED.portal_supplier, national_company = EXCLUDED.national_company
RETURNING s.id, s.identifier;

-- name: SupplierGetByIdentifier :one
SELECT * FROM suppliers WHERE identifier = @identifier;

-- name: SupplierTierHistory :many
-- What decided a supplier's tier, year by year: the rule, and the counted items and value it decided.
SELECT extract(year FROM i.signed_on)::integer AS year, i.tier, i.tier_rule, count(*)::bigint AS items,
       sum(i.value)::bigint AS value
FROM counted_items i
WHERE i.supplier_id = @supplier_id
GROUP BY 1, 2, 3
ORDER BY 1 DESC, 2, 3;
