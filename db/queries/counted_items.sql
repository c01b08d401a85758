-- name: CountedItemExport :many
-- Every counted item of a filter, by signing date and contract, for the explorer's download; read row by
-- row through dbq.CountedItemExportRows, never as one slice. Names are in Kazakh where known when kazakh,
-- else in Russian. The filter is ShareFigures's. The period is matched on the contract's date too, which is
-- its items' and is indexed with the contract's id (contracts_signed_idx): the store runs this with
-- sorting off, so that the plan walks the period's contracts in that order and streams, where a sort of
-- the whole result would spill gigabytes to disk before the first row. A contract's items come together,
-- in the order the plan reads them: sorting them as well cost a quarter of the query.
SELECT i.contract_source AS source, i.contract_source_id AS contract_id, i.signed_on, b.bin AS buyer_bin,
       (CASE WHEN @kazakh::boolean AND b.name_kk <> '' THEN b.name_kk ELSE b.name_ru END)::text AS buyer_name,
       b.buyer_type, s.identifier AS supplier_id,
       (CASE WHEN @kazakh::boolean AND s.name_kk <> '' THEN s.name_kk ELSE s.name_ru END)::text AS supplier_name,
       s.country AS supplier_country,
       coalesce(cat.slug, '')::text AS category, coalesce(i.region, '')::text AS region, i.kato, i.method,
       i.status, i.enstru_code, t.name AS item_name, i.quantity::text AS quantity, i.unit, i.value, i.tier, i.tier_rule,
       i.local_content_bp, i.local_content_certified_bp,
       i.contract_local_content_published_bp AS local_content_published_bp
FROM counted_items i
JOIN buyers b ON b.id = i.buyer_id
JOIN suppliers s ON s.id = i.supplier_id
JOIN item_texts t ON t.id = i.text_id
LEFT JOIN categories cat ON cat.id = i.category_id
WHERE (sqlc.narg(category_id)::integer IS NULL OR i.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR i.category_id IS NULL)
  AND i.contract_signed_on BETWEEN @date_from AND @date_to AND i.signed_on BETWEEN @date_from AND @date_to
  AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR i.tier = ANY (@tiers::smallint[]))
  AND (sqlc.narg(buyer_bin)::text IS NULL OR b.bin = sqlc.narg(buyer_bin))
  AND (sqlc.narg(supplier_id)::text IS NULL OR s.identifier = sqlc.narg(supplier_id))
ORDER BY i.contract_signed_on, i.contract_id;
