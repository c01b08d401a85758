-- +goose Up
-- What decides an item's tier and certified local content beyond the source's flags: the supplier on the
-- producer register, or holding ST-KZ certificates. The merges call item_tier_rule and item_certified_bp
-- only where these hold; the view spells the look-ups once for both merges.
CREATE VIEW supplier_references AS
SELECT s.id, s.portal_producer, s.resident,
       EXISTS (SELECT 1 FROM producer_register r WHERE r.bin = s.bin) AS on_register,
       EXISTS (SELECT 1 FROM origin_certificates oc WHERE oc.bin = s.bin) AS certified
FROM suppliers s;

-- +goose Down
DROP VIEW supplier_references;
