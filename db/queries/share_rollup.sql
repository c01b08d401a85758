-- name: ShareRollupRefresh :one
-- Recomputes the months the transaction's writes (or an earlier, unfinished one's) marked.
SELECT share_rollup_refresh()::integer AS months;

-- name: ShareRollupState :one
-- Whether the rollup is whole, and the first signing date of the counted items in the month a period
-- starts in and the last in the month it ends in; a month without any says 9999-12-31 and 0001-01-01, which
-- any period covers. With them the id of the scope's category, 0 for none or an unknown slug (ids start at
-- 1): one round trip less for every read of the rollup, which the overview makes for each target.
SELECT EXISTS (SELECT 1 FROM share_rollup_dirty)::boolean AS dirty,
       coalesce((SELECT first_signed FROM share_rollup_months WHERE month = @first_month::date),
                '9999-12-31')::date AS first_month_starts,
       coalesce((SELECT last_signed FROM share_rollup_months WHERE month = @last_month::date),
                '0001-01-01')::date AS last_month_ends,
       coalesce((SELECT id FROM categories WHERE slug = @category_slug::text), 0)::integer AS category_id;

-- name: ShareRollupFigures :many
-- ShareFigures over whole months, read from the rollup: the same filters except buyer and supplier, and
-- the same groupings except by buyer and supplier. Contracts are summed over cells less the cells a
-- contract with items in several of them added beyond its first (share_rollup_spans). The cells and the
-- spans are grouped apart: a count(DISTINCT) over both made the plan sort every cell (twice the time of
-- the overview's queries). share_sum adds bigints as bigints, where sum() accumulates in numeric.
WITH scoped AS NOT MATERIALIZED (
    SELECT * FROM share_rollup_cells c
    WHERE (sqlc.narg(category_id)::integer IS NULL OR c.category_id = sqlc.narg(category_id))
      AND (NOT @unclassified::boolean OR c.category_id IS NULL)
      AND c.month BETWEEN @month_from AND @month_to
      AND (cardinality(@regions::text[]) = 0 OR c.region = ANY (@regions::text[]))
      AND (cardinality(@buyer_types::text[]) = 0 OR c.buyer_type = ANY (@buyer_types::text[]))
      AND (cardinality(@methods::text[]) = 0 OR c.method = ANY (@methods::text[]))
      AND (cardinality(@tiers::smallint[]) = 0 OR c.tier = ANY (@tiers::smallint[]))
), raw AS (
    -- Grouped first by the dimension's own value, so that the text key is built once a group, not once a
    -- cell (to_char of every cell's month was half the query); months group into years below.
    SELECT CASE WHEN sqlc.arg(group_by)::text IN ('month', 'year') THEN r.month END AS month,
           CASE WHEN sqlc.arg(group_by)::text = 'category' THEN r.category_id END AS category_id,
           CASE WHEN sqlc.arg(group_by)::text = 'region' THEN r.region END AS region,
           CASE WHEN sqlc.arg(group_by)::text = 'buyer_type' THEN r.buyer_type END AS buyer_type,
           CASE WHEN sqlc.arg(group_by)::text = 'method' THEN r.method END AS method,
           CASE WHEN sqlc.arg(group_by)::text = 'tier' THEN r.tier END AS tier,
           share_sum(r.total) AS total,
           share_sum(r.total) FILTER (WHERE r.tier = 1) AS domestic,
           share_sum(r.local_content) AS local_content,
           share_sum(r.local_content_certified) AS local_content_certified,
           share_sum(r.items) AS items,
           share_sum(r.items) FILTER (WHERE r.tier = 1) AS domestic_items,
           share_sum(r.contracts) AS contracts,
           share_sum(r.contracts) FILTER (WHERE r.tier = 1) AS domestic_contracts
    FROM scoped r
    WHERE r.spanning IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6
), cells AS (
    SELECT share_group_key(sqlc.arg(group_by)::text, w.month, w.category_id, w.region, NULL, w.buyer_type, NULL,
                           w.method, w.tier) AS key,
           share_sum(w.total) AS total, share_sum(w.domestic) AS domestic,
           share_sum(w.local_content) AS local_content,
           share_sum(w.local_content_certified) AS local_content_certified,
           share_sum(w.items) AS items, share_sum(w.domestic_items) AS domestic_items,
           share_sum(w.contracts) AS contracts, share_sum(w.domestic_contracts) AS domestic_contracts
    FROM raw w
    GROUP BY 1
), spans AS (
    -- Every cell of a spanning contract counted it once; all but one of them too many.
    SELECT share_group_key(sqlc.arg(group_by)::text, s.month, s.category_id, s.region, NULL, s.buyer_type, NULL,
                           s.method, s.tier) AS key,
           count(*) - count(DISTINCT s.spanning) AS twice,
           count(*) FILTER (WHERE s.tier = 1) - count(DISTINCT s.spanning) FILTER (WHERE s.tier = 1) AS domestic_twice
    FROM scoped s
    WHERE s.spanning IS NOT NULL
    GROUP BY 1
)
SELECT c.key::text AS key, c.total::bigint AS total, c.domestic::bigint AS domestic,
       c.local_content::bigint AS local_content, c.local_content_certified::bigint AS local_content_certified,
       c.items::bigint AS items, c.domestic_items::bigint AS domestic_items,
       (c.contracts - coalesce(s.twice, 0))::bigint AS contracts,
       (c.domestic_contracts - coalesce(s.domestic_twice, 0))::bigint AS domestic_contracts
FROM cells c
LEFT JOIN spans s ON s.key = c.key
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
-- contract with several rows (shared) is counted once per group: its rows are summed first (a contract has
-- one buyer and one supplier), by hashing, where count(DISTINCT) sorted a year's 150,000 contracts at
-- 10,000,000 items. The others, nearly all, go to their party as they are. A scope naming a buyer or a
-- supplier reads its items (store.planRead).
WITH scoped AS NOT MATERIALIZED (
    SELECT CASE WHEN sqlc.arg(group_by)::text = 'buyer' THEN r.buyer_id ELSE r.supplier_id END AS party, r.*
    FROM share_rollup_contracts r
    WHERE (sqlc.narg(category_id)::integer IS NULL OR r.category_id = sqlc.narg(category_id))
      AND (NOT @unclassified::boolean OR r.category_id IS NULL)
      AND r.month BETWEEN @month_from AND @month_to
      AND (cardinality(@regions::text[]) = 0 OR r.region = ANY (@regions::text[]))
      AND (cardinality(@buyer_types::text[]) = 0 OR r.buyer_type = ANY (@buyer_types::text[]))
      AND (cardinality(@methods::text[]) = 0 OR r.method = ANY (@methods::text[]))
      AND (cardinality(@tiers::smallint[]) = 0 OR r.tier = ANY (@tiers::smallint[]))
), per_contract AS (
    SELECT r.party,
           share_sum(r.total) AS total,
           coalesce(share_sum(r.total) FILTER (WHERE r.tier = 1), 0) AS domestic,
           share_sum(r.local_content) AS local_content,
           share_sum(r.local_content_certified) AS local_content_certified,
           share_sum(r.items) AS items,
           coalesce(share_sum(r.items) FILTER (WHERE r.tier = 1), 0) AS domestic_items,
           bool_or(r.tier = 1) AS domestic_contract
    FROM scoped r
    WHERE r.shared
    GROUP BY r.contract_id, r.party
    UNION ALL
    SELECT r.party, r.total, CASE WHEN r.tier = 1 THEN r.total ELSE 0 END, r.local_content, r.local_content_certified,
           r.items, CASE WHEN r.tier = 1 THEN r.items ELSE 0 END, r.tier = 1
    FROM scoped r
    WHERE NOT r.shared
), per_party AS (
    SELECT party,
           share_sum(total) AS total, share_sum(domestic) AS domestic, share_sum(local_content) AS local_content,
           share_sum(local_content_certified) AS local_content_certified, share_sum(items) AS items,
           share_sum(domestic_items) AS domestic_items, count(*) AS contracts,
           count(*) FILTER (WHERE domestic_contract) AS domestic_contracts
    FROM per_contract
    GROUP BY party
)
SELECT
    (CASE WHEN sqlc.arg(group_by)::text = 'buyer'
          THEN (SELECT b.bin FROM buyers b WHERE b.id = p.party)
          ELSE (SELECT s.identifier FROM suppliers s WHERE s.id = p.party) END)::text AS key,
    p.total::bigint AS total,
    p.domestic::bigint AS domestic,
    p.local_content::bigint AS local_content,
    p.local_content_certified::bigint AS local_content_certified,
    p.items::bigint AS items,
    p.domestic_items::bigint AS domestic_items,
    p.contracts::bigint AS contracts,
    p.domestic_contracts::bigint AS domestic_contracts
FROM per_party p
ORDER BY 1;

-- name: ShareRollupContractsShare :exec
-- Marks shared the rows of contracts a direct load wrote one row of and found more of later (see
-- share_rollup_contracts.shared); each contract's month narrows the search to the month index.
UPDATE share_rollup_contracts r SET shared = true
FROM (SELECT unnest(@contract_ids::bigint[]) AS contract_id, unnest(@months::date[]) AS month) c
WHERE r.month = c.month AND r.contract_id = c.contract_id AND NOT r.shared;
