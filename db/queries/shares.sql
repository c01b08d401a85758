-- name: ShareFigures :many
-- Figures for one scope, grouped by group_by ('' for one total row). Dates are signing dates, inclusive;
-- an empty list or a NULL filters nothing.
SELECT
    share_group_key(sqlc.arg(group_by)::text, i.signed_on, i.category_id, i.region, b.bin, b.buyer_type, s.identifier,
                    i.method, i.tier)::text AS key,
    coalesce(sum(i.value), 0)::bigint AS total,
    coalesce(sum(i.value) FILTER (WHERE i.tier = 1), 0)::bigint AS domestic,
    coalesce(sum(i.local_content_value), 0)::bigint AS local_content,
    coalesce(sum(i.local_content_certified_value), 0)::bigint AS local_content_certified,
    count(*)::bigint AS items,
    (count(*) FILTER (WHERE i.tier = 1))::bigint AS domestic_items,
    count(DISTINCT i.contract_id)::bigint AS contracts,
    (count(DISTINCT i.contract_id) FILTER (WHERE i.tier = 1))::bigint AS domestic_contracts
FROM counted_items i
JOIN buyers b ON b.id = i.buyer_id
JOIN suppliers s ON s.id = i.supplier_id
WHERE (sqlc.narg(category_id)::integer IS NULL OR i.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR i.category_id IS NULL)
  AND i.signed_on BETWEEN @date_from AND @date_to
  AND (cardinality(@regions::text[]) = 0 OR i.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0 OR b.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR i.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR i.tier = ANY (@tiers::smallint[]))
  AND (sqlc.narg(buyer_bin)::text IS NULL OR b.bin = sqlc.narg(buyer_bin))
  AND (sqlc.narg(supplier_id)::text IS NULL OR s.identifier = sqlc.narg(supplier_id))
GROUP BY 1
ORDER BY 1;
