-- The explorer's download reads a period's contracts by their signing date (contracts_signed_idx) and
-- their items in order, streaming: the view gains the contract's columns, so that a query needs no second
-- join with contracts, whose date the planner could not carry over to the view's. An item's signed_on is
-- its contract's (the import keeps them equal).

-- +goose Up
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
       i.text_id, i.quantity, i.unit,
       c.source AS contract_source, c.source_id AS contract_source_id, c.signed_on AS contract_signed_on,
       c.local_content_published_bp AS contract_local_content_published_bp
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
             ELSE i.local_content_certified_value END)::bigint AS local_content_certified_value,
       i.text_id, i.quantity, i.unit
FROM contract_items i
JOIN contracts c ON c.id = i.contract_id
JOIN contract_statuses st ON st.code = c.status
WHERE NOT i.deleted AND NOT c.deleted AND st.counts <> 'none'
  AND c.id NOT IN (SELECT id FROM replaced_contracts);
