-- name: ItemTextIDList :many
SELECT id, digest FROM item_texts WHERE digest = ANY(@digests::bytea[]);

-- name: ItemTextInsert :exec
-- Texts of items the direct load writes, by their digest (itemTextDigest); those stored already stay.
INSERT INTO item_texts (digest, name, name_kk, description)
SELECT unnest(@digests::bytea[]), unnest(@names::text[]), unnest(@names_kk::text[]), unnest(@descriptions::text[])
ON CONFLICT (digest) DO NOTHING;

-- name: ItemTextMergeStaged :exec
-- The texts of the plan points staged units name, each stored once (item_texts) before the items that
-- refer to them.
INSERT INTO item_texts (digest, name, name_kk, description)
SELECT DISTINCT ON (d) d, name, name_kk, description
FROM (SELECT item_text_digest(name, name_kk, description) AS d, name, name_kk, description
      FROM stg_plans WHERE plan_id IN (SELECT plan_id FROM stg_units)) p
ON CONFLICT (digest) DO NOTHING;
