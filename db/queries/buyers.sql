-- name: BuyerMergeStaged :execrows
INSERT INTO buyers (bin, name_kk, name_ru, buyer_type)
SELECT DISTINCT ON (s.identifier) s.identifier, s.name_kk, s.name_ru, s.buyer_type
FROM stg_subjects s
WHERE s.identifier IN (SELECT customer_bin FROM stg_contracts WHERE NOT rejected)
ORDER BY s.identifier, s.seq DESC
ON CONFLICT (bin) DO UPDATE
SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, buyer_type = EXCLUDED.buyer_type
WHERE (buyers.name_kk, buyers.name_ru, buyers.buyer_type)
    IS DISTINCT FROM (EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.buyer_type);

-- name: BuyerNamesByBIN :many
SELECT bin, name_kk, name_ru, name_en, buyer_type, region FROM buyers WHERE bin = ANY(@bins::text[]);

-- name: BuyerSetRegions :execrows
-- The regions the direct load counted for buyers whose every item it loaded (see BuyerSetRegionsOfBatch).
UPDATE buyers b SET region = r.region
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@regions::text[]) AS region) r
WHERE b.id = r.id AND b.region IS DISTINCT FROM r.region;

-- name: BuyerSetRegionsOfBatch :execrows
-- Buyers carry no region on the portal; the region they most often deliver to stands in for it, the first
-- in code order on a tie (as mode() would pick). Counting per buyer and region hashes; mode() sorted every
-- item of the batch's buyers, 1.3 s at a million. The direct load counts the buyers whose every item it
-- loaded itself (BuyerSetRegions); they are left out here.
UPDATE buyers b SET region = m.region
FROM (
    SELECT DISTINCT ON (c.buyer_id) c.buyer_id, c.region
    FROM (
        SELECT k.buyer_id, i.region, count(*) AS items
        FROM contract_items i
        JOIN contracts k ON k.id = i.contract_id
        WHERE i.region IS NOT NULL AND NOT i.deleted AND NOT k.deleted
          AND k.buyer_id IN (SELECT t.buyer_id FROM contracts t
                             WHERE t.batch_id = @batch_id AND t.buyer_id <> ALL(@counted::bigint[]))
        GROUP BY k.buyer_id, i.region
    ) c
    ORDER BY c.buyer_id, c.items DESC, c.region
) m
WHERE b.id = m.buyer_id AND b.region IS DISTINCT FROM m.region;

-- name: BuyerUpsert :many
INSERT INTO buyers AS b (bin, name_kk, name_ru, buyer_type)
-- Set-returning calls side by side in one SELECT list run in step (sqlc knows only one-argument unnest).
SELECT unnest(@bins::text[]), unnest(@names_kk::text[]), unnest(@names_ru::text[]), unnest(@buyer_types::text[])
ON CONFLICT (bin) DO UPDATE
SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, buyer_type = EXCLUDED.buyer_type
-- xmax is 0 on a row this statement inserted: a buyer new to the database, whose items are all this import's.
RETURNING b.id, b.bin, (b.xmax = 0)::boolean AS inserted;

-- name: BuyerGetByBIN :one
SELECT b.*, coalesce(r.name_kk, '')::text AS region_name_kk, coalesce(r.name_ru, '')::text AS region_name_ru,
       coalesce(r.name_en, '')::text AS region_name_en
FROM buyers b LEFT JOIN regions r ON r.code = b.region
WHERE b.bin = @bin;
