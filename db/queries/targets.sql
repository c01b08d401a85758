-- name: TargetGetBySlug :one
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id WHERE t.slug = @slug;

-- name: TargetList :many
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id ORDER BY t.slug;

-- name: TargetThresholdList :many
SELECT target_id, effective_from, threshold_bp FROM target_thresholds ORDER BY target_id, effective_from;
