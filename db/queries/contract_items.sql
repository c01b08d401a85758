-- name: ContractItemTiersRefresh :execrows
-- The items of these suppliers (of one batch, or all of them) have their tier and certified local content
-- decided again as of their signing dates: after a supplier's flags or BIN changed during an import, or the
-- producer register or the certificates changed. Items that stay the same are not written.
UPDATE contract_items i
SET tier = tier_of_rule(d.rule), tier_rule = d.rule, local_content_certified_bp = d.certified_bp,
    local_content_certified_value = round(i.value * coalesce(d.certified_bp, 0) / 10000.0)::bigint
FROM (
    SELECT ci.contract_id, ci.source_id,
           supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident,
                              k.signed_on, ci.enstru_code, ci.category_id) AS rule,
           item_certified_bp(k.supplier_id, k.signed_on, ci.enstru_code) AS certified_bp
    FROM supplier_references sp
    JOIN contracts k ON k.supplier_id = sp.id
    JOIN contract_items ci ON ci.contract_id = k.id
    WHERE sp.id = ANY(@supplier_ids::bigint[])
      AND (sqlc.narg(batch_id)::bigint IS NULL OR k.batch_id = sqlc.narg(batch_id))
) d
WHERE (i.contract_id, i.source_id) = (d.contract_id, d.source_id)
  AND (i.tier_rule, i.local_content_certified_bp) IS DISTINCT FROM (d.rule, d.certified_bp);
