-- +goose Up
-- The explorer's download lists counted items one by one, with their name, quantity and unit: the view
-- gains those columns, at its end as a view must.
CREATE OR REPLACE VIEW counted_items AS
SELECT i.contract_id, i.source_id, i.signed_on, i.enstru_code, i.category_id, i.region, i.kato, i.tier,
       i.tier_rule, i.local_content_bp, i.local_content_certified_bp,
       c.buyer_id, c.supplier_id, c.method, c.status, st.counts,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.value::numeric * c.paid / c.total) ELSE i.value END)::bigint AS value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_value::numeric * c.paid / c.total) ELSE i.local_content_value END)::bigint
           AS local_content_value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_certified_value::numeric * c.paid / c.total)
             ELSE i.local_content_certified_value END)::bigint AS local_content_certified_value,
       i.text_id, i.quantity, i.unit
FROM contract_items i
JOIN contracts c ON c.id = i.contract_id
JOIN contract_statuses st ON st.code = c.status
WHERE NOT i.deleted AND NOT c.deleted AND st.counts <> 'none'
  AND c.id NOT IN (SELECT id FROM replaced_contracts);


-- +goose Down
DROP VIEW counted_items;
CREATE VIEW counted_items AS
SELECT i.contract_id, i.source_id, i.signed_on, i.enstru_code, i.category_id, i.region, i.kato, i.tier,
       i.tier_rule, i.local_content_bp, i.local_content_certified_bp,
       c.buyer_id, c.supplier_id, c.method, c.status, st.counts,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.value::numeric * c.paid / c.total) ELSE i.value END)::bigint AS value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_value::numeric * c.paid / c.total) ELSE i.local_content_value END)::bigint
           AS local_content_value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_certified_value::numeric * c.paid / c.total)
             ELSE i.local_content_certified_value END)::bigint AS local_content_certified_value
FROM contract_items i
JOIN contracts c ON c.id = i.contract_id
JOIN contract_statuses st ON st.code = c.status
WHERE NOT i.deleted AND NOT c.deleted AND st.counts <> 'none'
  AND c.id NOT IN (SELECT id FROM replaced_contracts);

