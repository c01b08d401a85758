-- name: DirectSeenContracts :many
-- Which of a chunk's contracts this import cannot create directly: stored already (by an earlier batch, or
-- by this one, loaded directly) or staged by this import.
SELECT k.source_id, (k.batch_id IS NOT DISTINCT FROM @batch_id::bigint)::boolean AS this_batch
FROM contracts k
WHERE k.source = @source AND k.source_id = ANY(@source_ids::text[])
UNION ALL
SELECT DISTINCT s.source_id, false
FROM stg_contracts s
WHERE s.source_id = ANY(@source_ids::text[]);

-- name: DirectSourceHasContracts :one
-- Whether an earlier batch stored a contract of the source: when none did, a chunk's contracts need looking
-- up only when this import staged or loaded one of the same id before (directLoader.known).
SELECT EXISTS (SELECT 1 FROM contracts WHERE source = @source)::boolean AS stored;

-- name: DirectReserveContractIDs :one
-- The last of n consecutive contract ids taken in one call (a call per id cost a tenth of a load). Only
-- imports insert contracts, and they run one at a time (ImportLockTry), so no other caller can take an id
-- between nextval and setval; one that did would fail the COPY on the primary key, not corrupt anything.
SELECT setval(pg_get_serial_sequence('contracts', 'id'),
              nextval(pg_get_serial_sequence('contracts', 'id')) + sqlc.arg(n)::bigint - 1)::bigint AS last_id;

-- name: DirectReferencedBINs :many
-- Suppliers on the register or holding certificates: their items need the look-ups of supplier_tier_rule.
SELECT bin FROM producer_register UNION SELECT bin FROM origin_certificates;

-- name: DirectRegionCodes :many
SELECT code FROM regions;

-- name: DirectUpsertBuyers :many
INSERT INTO buyers AS b (bin, name_kk, name_ru, buyer_type)
-- Set-returning calls side by side in one SELECT list run in step (sqlc knows only one-argument unnest).
SELECT unnest(@bins::text[]), unnest(@names_kk::text[]), unnest(@names_ru::text[]), unnest(@buyer_types::text[])
ON CONFLICT (bin) DO UPDATE
SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, buyer_type = EXCLUDED.buyer_type
-- xmax is 0 on a row this statement inserted: a buyer new to the database, whose items are all this import's.
RETURNING b.id, b.bin, (b.xmax = 0)::boolean AS inserted;

-- name: DirectUpsertSuppliers :many
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

-- name: DirectStagedSubjects :many
-- The staged subjects a chunk of portal contracts names, each as its last row, as the merge takes it.
SELECT DISTINCT ON (s.identifier) s.identifier, s.bin, s.name_kk, s.name_ru, s.country, s.resident, s.producer,
    s.supplier_flag, s.national_company, s.buyer_type
FROM stg_subjects s
WHERE s.identifier = ANY(@identifiers::text[])
ORDER BY s.identifier, s.seq DESC;

-- name: DirectStagedUnitLoaded :one
-- Whether a unit staged for a contract this batch loaded directly was also loaded directly: the merge
-- would let the staged copy win whichever came last, so the export is read again staged.
SELECT EXISTS (
    SELECT 1
    FROM stg_units u
    JOIN contracts k ON k.source = @source AND k.source_id = u.contract_source_id AND k.batch_id = @batch_id
    JOIN contract_items i ON i.contract_id = k.id AND i.source_id = u.source_id
)::boolean AS loaded;

-- name: DirectSetBuyerRegions :execrows
-- The regions the direct load counted for buyers whose every item it loaded (see ImportSetBuyerRegions).
UPDATE buyers b SET region = r.region
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@regions::text[]) AS region) r
WHERE b.id = r.id AND b.region IS DISTINCT FROM r.region;

-- name: DirectInsertItemTexts :exec
-- Texts of items the direct load writes, by their digest (itemTextDigest); those stored already stay.
INSERT INTO item_texts (digest, name, name_kk, description)
SELECT unnest(@digests::bytea[]), unnest(@names::text[]), unnest(@names_kk::text[]), unnest(@descriptions::text[])
ON CONFLICT (digest) DO NOTHING;

-- name: DirectItemTextIDs :many
SELECT id, digest FROM item_texts WHERE digest = ANY(@digests::bytea[]);
