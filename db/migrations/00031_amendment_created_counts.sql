-- +goose Up
-- A contract in 450 ("Создано доп.соглашение") is in force while its amendment is drafted: it counts at its
-- value until a version that replaces it (an amendment in force) is stored, as any counted version does.
-- Counting it nowhere had dropped the whole contract from the figures for as long as the amendment was a
-- draft, or for good when the amendment was not imported. The status trigger marks every month.
UPDATE contract_statuses SET counts = 'value' WHERE code = '450';
SELECT share_rollup_refresh();

-- +goose Down
UPDATE contract_statuses SET counts = 'none' WHERE code = '450';
SELECT share_rollup_refresh();
