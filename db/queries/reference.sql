-- name: BuyerNamesByBIN :many
SELECT bin, name_kk, name_ru, name_en, buyer_type, region FROM buyers WHERE bin = ANY(@bins::text[]);

-- name: CategoryGetBySlug :one
SELECT * FROM categories WHERE slug = @slug;

-- name: CategoryList :many
SELECT * FROM categories ORDER BY priority, slug;

-- name: CategoryRuleList :many
SELECT r.category_id, c.slug, c.priority, r.kind, r.pattern
FROM category_rules r
JOIN categories c ON c.id = r.category_id
ORDER BY c.priority, c.slug, r.kind, r.pattern;

-- name: RegionList :many
SELECT * FROM regions ORDER BY code;

-- name: SupplierIDsByBIN :many
SELECT id FROM suppliers WHERE bin = ANY(@bins::text[]) ORDER BY id;

-- name: SupplierNamesByIdentifier :many
SELECT identifier, bin, name_kk, name_ru, name_en, country, resident FROM suppliers
WHERE identifier = ANY(@identifiers::text[]);

-- name: TargetGetBySlug :one
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id WHERE t.slug = @slug;

-- name: TargetList :many
SELECT t.*, c.slug AS category_slug FROM targets t JOIN categories c ON c.id = t.category_id ORDER BY t.slug;

-- name: TargetThresholdList :many
SELECT target_id, effective_from, threshold_bp FROM target_thresholds ORDER BY target_id, effective_from;
