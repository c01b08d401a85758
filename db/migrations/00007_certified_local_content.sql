-- +goose Up
-- Local content by the national methodology (DESIGN.md §5): Ki is the local-content fraction an ST-KZ
-- certificate gives the good, decided as of the contract's signing date. NULL: no valid certificate of the
-- supplier covers the item, which the methodology counts as 0; the published percentage stays beside it.
ALTER TABLE contract_items
    ADD COLUMN local_content_certified_bp integer CHECK (local_content_certified_bp BETWEEN 0 AND 10000),
    ADD COLUMN local_content_certified_value bigint NOT NULL DEFAULT 0;

-- +goose StatementBegin
-- The certificate that covers a good as of a date: of the supplier's certificates valid that day whose
-- ENSTRU prefix starts the good's code, the most specific, then the latest issued. Nothing links a delivery
-- to one batch's certificate, so the choice is a rule, stated here and in docs/import-reference.md.
CREATE FUNCTION item_certified_bp(p_supplier_id bigint, p_signed_on date, p_enstru text)
RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT oc.local_content_bp
    FROM suppliers s
    JOIN origin_certificates oc ON oc.bin = s.bin
    WHERE s.id = p_supplier_id
      AND oc.issued <= p_signed_on AND oc.expires >= p_signed_on
      AND replace(p_enstru, '.', '') LIKE oc.enstru_prefix || '%'
    ORDER BY length(oc.enstru_prefix) DESC, oc.issued DESC, oc.number
    LIMIT 1
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION item_certified_bp(bigint, date, text);
ALTER TABLE contract_items DROP COLUMN local_content_certified_value, DROP COLUMN local_content_certified_bp;
