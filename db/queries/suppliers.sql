-- name: SupplierBINListRegisteredOrCertified :many
-- Suppliers on the register or holding certificates: their items need the look-ups of supplier_tier_rule.
SELECT bin FROM producer_register UNION SELECT bin FROM origin_certificates;

-- name: SupplierIdentifierListPortalProducer :many
-- Suppliers stored as domestic producers: a record that does not state the flag keeps it, so the direct
-- load, which decides tiers from the record's flags, stages theirs.
SELECT identifier FROM suppliers WHERE portal_producer;

-- name: SupplierIDsByBIN :many
SELECT id FROM suppliers WHERE bin = ANY(@bins::text[]) ORDER BY id;

-- name: SupplierMergeStaged :many
-- Returns the suppliers it inserted or changed: items the direct load gave them may need new tiers.
-- retier marks a supplier stored before whose BIN, residency or producer flag changed: the tiers of its
-- items of every import follow from them (supplier_tier_rule).
WITH before AS (
    SELECT id, bin, resident, portal_producer FROM suppliers
    WHERE identifier IN (SELECT supplier_key FROM stg_contracts WHERE NOT rejected)
)
INSERT INTO suppliers AS sp (identifier, bin, name_kk, name_ru, country, resident, portal_producer, portal_supplier,
    national_company)
SELECT DISTINCT ON (s.identifier) s.identifier, s.bin, s.name_kk, s.name_ru, s.country, s.resident,
    -- A flag the source does not state is the stored one's.
    CASE WHEN s.producer OR s.producer_stated THEN s.producer ELSE coalesce(o.portal_producer, false) END,
    s.supplier_flag, s.national_company
FROM stg_subjects s
LEFT JOIN suppliers o ON o.identifier = s.identifier
WHERE s.identifier IN (SELECT supplier_key FROM stg_contracts WHERE NOT rejected)
ORDER BY s.identifier, s.seq DESC
ON CONFLICT (identifier) DO UPDATE
SET bin = EXCLUDED.bin, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, country = EXCLUDED.country,
    resident = EXCLUDED.resident, portal_producer = EXCLUDED.portal_producer,
    portal_supplier = EXCLUDED.portal_supplier, national_company = EXCLUDED.national_company
WHERE (sp.bin, sp.name_kk, sp.name_ru, sp.country, sp.resident, sp.portal_producer, sp.portal_supplier,
       sp.national_company)
    IS DISTINCT FROM (EXCLUDED.bin, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.country, EXCLUDED.resident,
       EXCLUDED.portal_producer, EXCLUDED.portal_supplier, EXCLUDED.national_company)
RETURNING sp.id, EXISTS (
    SELECT 1 FROM before b
    WHERE b.id = sp.id AND (b.bin, b.resident, b.portal_producer) IS DISTINCT FROM (sp.bin, sp.resident, sp.portal_producer)
)::boolean AS retier;

-- name: SupplierNamesByIdentifier :many
SELECT identifier, bin, name_kk, name_ru, name_en, country, resident FROM suppliers
WHERE identifier = ANY(@identifiers::text[]);

-- name: SupplierUpsert :many
-- retier as in SupplierMergeStaged.
WITH before AS (
    SELECT id, bin, resident, portal_producer FROM suppliers WHERE identifier = ANY(@identifiers::text[])
)
INSERT INTO suppliers AS s (identifier, bin, name_kk, name_ru, country, resident, portal_producer, portal_supplier,
    national_company)
SELECT v.identifier, v.bin, v.name_kk, v.name_ru, v.country, v.resident,
    -- A flag the source does not state is the stored one's.
    CASE WHEN v.producer OR v.stated THEN v.producer ELSE coalesce(o.portal_producer, false) END,
    v.supplier_flag, v.national_company
FROM (
    SELECT unnest(@identifiers::text[]) AS identifier, nullif(unnest(@bins::text[]), '') AS bin,
        unnest(@names_kk::text[]) AS name_kk, unnest(@names_ru::text[]) AS name_ru, unnest(@countries::text[]) AS country,
        unnest(@residents::boolean[]) AS resident, unnest(@producers::boolean[]) AS producer,
        unnest(@producers_stated::boolean[]) AS stated, unnest(@supplier_flags::boolean[]) AS supplier_flag,
        unnest(@national_companies::boolean[]) AS national_company
) v
LEFT JOIN suppliers o ON o.identifier = v.identifier
ON CONFLICT (identifier) DO UPDATE
SET bin = EXCLUDED.bin, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, country = EXCLUDED.country,
    resident = EXCLUDED.resident, portal_producer = EXCLUDED.portal_producer,
    portal_supplier = EXCLUDED.portal_supplier, national_company = EXCLUDED.national_company
RETURNING s.id, s.identifier, EXISTS (
    SELECT 1 FROM before b
    WHERE b.id = s.id AND (b.bin, b.resident, b.portal_producer) IS DISTINCT FROM (s.bin, s.resident, s.portal_producer)
)::boolean AS retier;

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
