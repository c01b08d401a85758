-- name: CategoryGetBySlug :one
SELECT * FROM categories WHERE slug = @slug;

-- name: CategoryList :many
SELECT * FROM categories ORDER BY priority, slug;

-- name: CategoryRuleList :many
SELECT r.category_id, c.slug, c.priority, r.kind, r.pattern
FROM category_rules r
JOIN categories c ON c.id = r.category_id
ORDER BY c.priority, c.slug, r.kind, r.pattern;
