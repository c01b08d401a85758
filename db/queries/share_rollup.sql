-- name: ShareRollupRefresh :one
-- Recomputes the months the transaction's writes (or an earlier, unfinished one's) marked.
SELECT share_rollup_refresh()::integer AS months;

-- name: ShareRollupState :one
-- Whether the rollup is whole, and the first signing date of the counted items in the month a period
-- starts in and the last in the month it ends in; a month without any says 9999-12-31 and 0001-01-01, which
-- any period covers.
SELECT EXISTS (SELECT 1 FROM share_rollup_dirty)::boolean AS dirty,
       coalesce((SELECT first_signed FROM share_rollup_months WHERE month = @first_month::date),
                '9999-12-31')::date AS first_month_starts,
       coalesce((SELECT last_signed FROM share_rollup_months WHERE month = @last_month::date),
                '0001-01-01')::date AS last_month_ends;

-- name: ShareRollupFigures :many
-- ShareFigures over whole months, read from the rollup: the same filters except buyer and supplier, and
-- the same groupings except by buyer and supplier. Contracts are summed over cells less the cells a
-- contract with items in several of them added beyond its first.
SELECT
    share_group_key(sqlc.arg(group_by)::text, c.month, c.category_id, c.region, NULL, c.buyer_type, NULL, c.method,
                    c.tier)::text AS key,
    coalesce(sum(c.total), 0)::bigint AS total,
    coalesce(sum(c.total) FILTER (WHERE c.tier = 1), 0)::bigint AS domestic,
    coalesce(sum(c.local_content), 0)::bigint AS local_content,
    coalesce(sum(c.local_content_certified), 0)::bigint AS local_content_certified,
    coalesce(sum(c.items), 0)::bigint AS items,
    coalesce(sum(c.items) FILTER (WHERE c.tier = 1), 0)::bigint AS domestic_items,
    (coalesce(sum(c.contracts), 0) - count(c.spanning) + count(DISTINCT c.spanning))::bigint AS contracts,
    (coalesce(sum(c.contracts) FILTER (WHERE c.tier = 1), 0)
        - count(c.spanning) FILTER (WHERE c.tier = 1)
        + count(DISTINCT c.spanning) FILTER (WHERE c.tier = 1))::bigint AS domestic_contracts
FROM share_rollup_cells c
WHERE (sqlc.narg(category_id)::integer IS NULL OR c.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR c.category_id IS NULL)
  AND c.month BETWEEN @month_from AND @month_to
  AND (cardinality(@regions::text[]) = 0 OR c.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0 OR c.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR c.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR c.tier = ANY (@tiers::smallint[]))
GROUP BY 1
ORDER BY 1;

-- name: ShareRollupMark :exec
SELECT share_rollup_mark(@months::date[]);

-- name: ShareRollupMonthsWiden :exec
-- A direct load's signing dates by month, widening what the months held.
INSERT INTO share_rollup_months AS m (month, first_signed, last_signed)
SELECT unnest(@months::date[]), unnest(@firsts::date[]), unnest(@lasts::date[])
ON CONFLICT (month) DO UPDATE
SET first_signed = least(m.first_signed, EXCLUDED.first_signed),
    last_signed = greatest(m.last_signed, EXCLUDED.last_signed);

-- name: ShareRollupHolds :one
SELECT EXISTS (SELECT 1 FROM share_rollup)::boolean AS holds;

-- name: ShareRollupContractFigures :many
-- ShareFigures over whole months from the rollup's contracts, for the groupings by buyer and supplier. A
-- contract may have several rows; it is counted once per group. A scope naming a buyer or a supplier reads
-- its items (store.planRead).
SELECT
    share_group_key(sqlc.arg(group_by)::text, r.month, r.category_id, r.region, b.bin, r.buyer_type, s.identifier,
                    r.method, r.tier)::text AS key,
    coalesce(share_sum(r.total), 0)::bigint AS total,
    coalesce(share_sum(r.total) FILTER (WHERE r.tier = 1), 0)::bigint AS domestic,
    coalesce(share_sum(r.local_content), 0)::bigint AS local_content,
    coalesce(share_sum(r.local_content_certified), 0)::bigint AS local_content_certified,
    coalesce(share_sum(r.items), 0)::bigint AS items,
    coalesce(share_sum(r.items) FILTER (WHERE r.tier = 1), 0)::bigint AS domestic_items,
    count(DISTINCT r.contract_id)::bigint AS contracts,
    (count(DISTINCT r.contract_id) FILTER (WHERE r.tier = 1))::bigint AS domestic_contracts
FROM share_rollup_contracts r
JOIN buyers b ON b.id = r.buyer_id
JOIN suppliers s ON s.id = r.supplier_id
WHERE (sqlc.narg(category_id)::integer IS NULL OR r.category_id = sqlc.narg(category_id))
  AND (NOT @unclassified::boolean OR r.category_id IS NULL)
  AND r.month BETWEEN @month_from AND @month_to
  AND (cardinality(@regions::text[]) = 0 OR r.region = ANY (@regions::text[]))
  AND (cardinality(@buyer_types::text[]) = 0 OR r.buyer_type = ANY (@buyer_types::text[]))
  AND (cardinality(@methods::text[]) = 0 OR r.method = ANY (@methods::text[]))
  AND (cardinality(@tiers::smallint[]) = 0 OR r.tier = ANY (@tiers::smallint[]))
GROUP BY 1
ORDER BY 1;
