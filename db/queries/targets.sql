-- name: TargetGetBySlug :one
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id WHERE t.slug = @slug;

-- name: TargetList :many
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id ORDER BY t.slug;

-- name: TargetThresholdList :many
SELECT target_id, effective_from, threshold_bp FROM target_thresholds ORDER BY target_id, effective_from;

-- name: TargetUpsert :one
-- A target applied again keeps its id, so links to it survive; its schedule is replaced whole.
INSERT INTO targets (slug, name_kk, name_ru, name_en, category_id, regions, buyer_types, methods, metric, period,
    ends_on, basis_kk, basis_ru, basis_en)
VALUES (@slug, @name_kk, @name_ru, @name_en, @category_id, @regions, @buyer_types, @methods, @metric, @period,
    sqlc.narg(ends_on), @basis_kk, @basis_ru, @basis_en)
ON CONFLICT (slug) DO UPDATE SET
    name_kk = excluded.name_kk, name_ru = excluded.name_ru, name_en = excluded.name_en,
    category_id = excluded.category_id, regions = excluded.regions, buyer_types = excluded.buyer_types,
    methods = excluded.methods, metric = excluded.metric, period = excluded.period, ends_on = excluded.ends_on,
    basis_kk = excluded.basis_kk, basis_ru = excluded.basis_ru, basis_en = excluded.basis_en, updated_at = now()
RETURNING id, (xmax = 0)::boolean AS inserted;

-- name: TargetThresholdDeleteByTarget :exec
DELETE FROM target_thresholds WHERE target_id = @target_id;

-- name: TargetThresholdInsert :exec
INSERT INTO target_thresholds (target_id, effective_from, threshold_bp) VALUES (@target_id, @effective_from, @threshold_bp);

-- name: TargetDeleteBySlug :execrows
DELETE FROM targets WHERE slug = @slug;
