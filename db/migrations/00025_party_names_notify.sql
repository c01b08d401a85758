-- A server keeps target pages, whose buyers and suppliers are shown by name, until a notification
-- (httpapi's progress cache): a rename that changes no figure must also make it forget them. Always, as
-- the rollup's triggers are: an import that trusts its references runs as a replica.

-- +goose Up
CREATE TRIGGER buyers_names_notify AFTER UPDATE OF name_kk, name_ru, name_en ON buyers
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER suppliers_names_notify AFTER UPDATE OF name_kk, name_ru, name_en ON suppliers
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
ALTER TABLE buyers ENABLE ALWAYS TRIGGER buyers_names_notify;
ALTER TABLE suppliers ENABLE ALWAYS TRIGGER suppliers_names_notify;

-- +goose Down
DROP TRIGGER suppliers_names_notify ON suppliers;
DROP TRIGGER buyers_names_notify ON buyers;
