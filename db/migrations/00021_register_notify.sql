-- A target page's "who could supply" is the register's capacity less what each producer won: servers that
-- keep the page (httpapi's progress cache) forget it when the register changes, as when the figures do.

-- +goose Up
CREATE TRIGGER producer_register_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON producer_register
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();

-- +goose Down
DROP TRIGGER producer_register_notify ON producer_register;
