-- name: CountedItemExport :many
-- Every counted item of a filter, by signing date and contract, for the explorer's download; read row by
-- row through dbq.CountedItemExportRows, never as one slice. Buyers, suppliers and categories come as their
-- row ids, which the reader names from the lists it read before (BuyerListExportNames,
-- SupplierListExportNames, in the same snapshot): their names in every row cost the database a third of
-- the query (docs/performance.md § The download, ninth run). The filter is ShareFigures's. The period is
-- matched on the contract's date too, which is its items' and is indexed with the contract's id
-- (contracts_signed_idx): the store runs this with sorting off, so that the plan walks the period's
-- contracts in that order and streams, where a sort of the whole result would spill gigabytes to disk
-- before the first row. A contract's items come together, in the order the plan reads them: sorting them
-- as well cost a quarter of the query.
SELECT i.contract_source AS source, i.contract_source_id AS contract_id, i.signed_on, i.buyer_id, i.supplier_id,
       i.category_id, coalesce(i.region, '')::text AS region, i.kato, i.method,
       i.status, i.enstru_code, t.name AS item_name, i.quantity::text AS quantity, i.unit, i.value, i.tier, i.tier_rule,
       i.local_content_bp, i.local_content_certified_bp,
       i.contract_local_content_published_bp AS local_content_published_bp
FROM counted_items i
JOIN item_texts t ON t.id = i.text_id
WHERE (sqlc.narg(category_id)::integer IS NULL OR i.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR i.category_id IS NULL)
  AND i.contract_signed_on BETWEEN @date_from AND @date_to AND i.signed_on BETWEEN @date_from AND @date_to
  AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0
       OR i.buyer_id IN (SELECT b.id FROM buyers b WHERE b.buyer_type = ANY (@buyer_types::text[])))
  AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR i.tier = ANY (@tiers::smallint[]))
  AND (sqlc.narg(buyer_bin)::text IS NULL OR i.buyer_id IN (SELECT b.id FROM buyers b WHERE b.bin = sqlc.narg(buyer_bin)))
  AND (sqlc.narg(supplier_id)::text IS NULL
       OR i.supplier_id IN (SELECT s.id FROM suppliers s WHERE s.identifier = sqlc.narg(supplier_id)))
ORDER BY i.contract_signed_on, i.contract_id;

-- name: BuyerListExportNames :many
-- Every buyer as the download names it: BIN, name in Kazakh where known when kazakh, else in Russian, type.
SELECT id, bin, (CASE WHEN @kazakh::boolean AND name_kk <> '' THEN name_kk ELSE name_ru END)::text AS name, buyer_type
FROM buyers;

-- name: SupplierListExportNames :many
-- Every supplier as the download names it: identifier, name as BuyerListExportNames gives it, country.
SELECT id, identifier, (CASE WHEN @kazakh::boolean AND name_kk <> '' THEN name_kk ELSE name_ru END)::text AS name, country
FROM suppliers;
