-- name: CountedItemExport :many
-- Every counted item of a filter, contract by contract, for the explorer's download; read row by row through
-- dbq.CountedItemExportEach, never as one slice. The filter is ShareFigures's.
SELECT c.source, c.source_id AS contract_id, i.signed_on, b.bin AS buyer_bin, b.name_ru AS buyer_name_ru,
       b.name_kk AS buyer_name_kk, b.buyer_type, s.identifier AS supplier_id, s.name_ru AS supplier_name_ru,
       s.name_kk AS supplier_name_kk, s.country AS supplier_country, coalesce(cat.slug, '')::text AS category,
       coalesce(i.region, '')::text AS region, i.kato, i.method, i.status, i.enstru_code, t.name AS item_name,
       i.quantity, i.unit, i.value, i.tier, i.tier_rule, i.local_content_bp, i.local_content_certified_bp,
       c.local_content_published_bp
FROM counted_items i
JOIN contracts c ON c.id = i.contract_id
JOIN buyers b ON b.id = i.buyer_id
JOIN suppliers s ON s.id = i.supplier_id
JOIN item_texts t ON t.id = i.text_id
LEFT JOIN categories cat ON cat.id = i.category_id
WHERE (sqlc.narg(category_id)::integer IS NULL OR i.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR i.category_id IS NULL)
  AND i.signed_on BETWEEN @date_from AND @date_to
  AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR i.tier = ANY (@tiers::smallint[]))
  AND (sqlc.narg(buyer_bin)::text IS NULL OR b.bin = sqlc.narg(buyer_bin))
  AND (sqlc.narg(supplier_id)::text IS NULL OR s.identifier = sqlc.narg(supplier_id))
ORDER BY i.contract_id, i.source_id;
