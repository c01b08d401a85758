-- +goose Up
-- supplier_tier_rule is the one statement in SQL of who is a domestic producer; internal/tier.Decide says the
-- same in Go (TestGoAndSQLAgree holds them together). Every merge and refresh calls it; item_tier_rule,
-- which it replaces, looked the supplier up by id three times per item.
CREATE OR REPLACE VIEW supplier_references AS
SELECT s.id, s.portal_producer, s.resident,
       EXISTS (SELECT 1 FROM producer_register r WHERE r.bin = s.bin) AS on_register,
       EXISTS (SELECT 1 FROM origin_certificates oc WHERE oc.bin = s.bin) AS certified,
       s.bin
FROM suppliers s;

-- p_referenced says whether the BIN has any register entry or certificate at all (supplier_references):
-- false skips both look-ups, which per item dominated the merge; true is always correct.
-- A single expression without FROM, so the planner inlines it into the queries that call it. coalesce and
-- CASE evaluate only the arguments they need, so the look-ups run only for a referenced supplier.
-- +goose StatementBegin
CREATE FUNCTION supplier_tier_rule(p_referenced boolean, p_bin text, p_portal_producer boolean,
    p_resident boolean, p_signed_on date, p_enstru text, p_category_id integer)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        CASE WHEN p_referenced THEN
            CASE
                WHEN EXISTS (
                    SELECT 1 FROM producer_register r
                    WHERE r.bin = p_bin
                      AND r.valid_from <= p_signed_on AND (r.valid_to IS NULL OR r.valid_to >= p_signed_on)
                      AND ((r.enstru_prefix <> '' AND replace(p_enstru, '.', '') LIKE r.enstru_prefix || '%')
                           OR r.category_id = p_category_id
                           OR (r.enstru_prefix = '' AND r.category_id IS NULL)))
                    THEN 'register'
                WHEN EXISTS (
                    SELECT 1 FROM origin_certificates oc
                    WHERE oc.bin = p_bin
                      AND oc.issued <= p_signed_on AND oc.expires >= p_signed_on
                      AND replace(p_enstru, '.', '') LIKE oc.enstru_prefix || '%')
                    THEN 'certificate'
            END
        END,
        CASE WHEN p_portal_producer THEN 'portal_flag' WHEN p_resident THEN 'resident' ELSE 'non_resident' END)
$$;
-- +goose StatementEnd

DROP FUNCTION item_tier_rule(bigint, date, text, integer);

-- +goose Down
-- +goose StatementBegin
CREATE FUNCTION item_tier_rule(p_supplier_id bigint, p_signed_on date, p_enstru text, p_category_id integer)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN EXISTS (
            SELECT 1 FROM suppliers s JOIN producer_register r ON r.bin = s.bin
            WHERE s.id = p_supplier_id
              AND r.valid_from <= p_signed_on AND (r.valid_to IS NULL OR r.valid_to >= p_signed_on)
              AND ((r.enstru_prefix <> '' AND replace(p_enstru, '.', '') LIKE r.enstru_prefix || '%')
                   OR r.category_id = p_category_id
                   OR (r.enstru_prefix = '' AND r.category_id IS NULL)))
            THEN 'register'
        WHEN EXISTS (
            SELECT 1 FROM suppliers s JOIN origin_certificates oc ON oc.bin = s.bin
            WHERE s.id = p_supplier_id
              AND oc.issued <= p_signed_on AND oc.expires >= p_signed_on
              AND replace(p_enstru, '.', '') LIKE oc.enstru_prefix || '%')
            THEN 'certificate'
        WHEN (SELECT s.portal_producer FROM suppliers s WHERE s.id = p_supplier_id) THEN 'portal_flag'
        WHEN (SELECT s.resident FROM suppliers s WHERE s.id = p_supplier_id) THEN 'resident'
        ELSE 'non_resident'
    END
$$;
-- +goose StatementEnd
DROP FUNCTION supplier_tier_rule(boolean, text, boolean, boolean, date, text, integer);
DROP VIEW supplier_references;
CREATE VIEW supplier_references AS
SELECT s.id, s.portal_producer, s.resident,
       EXISTS (SELECT 1 FROM producer_register r WHERE r.bin = s.bin) AS on_register,
       EXISTS (SELECT 1 FROM origin_certificates oc WHERE oc.bin = s.bin) AS certified
FROM suppliers s;
