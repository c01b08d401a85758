-- name: StageUnitsCopyFrom :copyfrom
INSERT INTO stg_units (loc, source_id, contract_source_id, plan_id, quantity, unit_price, value, value_alt,
    local_content_bp, deleted, version)
VALUES (@loc, @source_id, @contract_source_id, @plan_id, @quantity, @unit_price, @value, @value_alt,
    @local_content_bp, @deleted, @version);

-- name: StageUnitsDelete :exec
DELETE FROM stg_units WHERE loc = ANY(@locs::text[]);

-- name: StageUnitsDropOlderVersions :execrows
-- A record that carries its contract's items (the template, OCDS) states them as of its version: of the
-- versions of a contract one import carries, the newest one's units are its items, and the others' go.
DELETE FROM stg_units u
USING (
    SELECT source_id, max(updated_at) AS newest
    FROM stg_contracts
    WHERE carries_items
    GROUP BY source_id
    HAVING count(DISTINCT updated_at) + bool_or(updated_at IS NULL)::int > 1
) v
WHERE u.contract_source_id = v.source_id AND u.version IS DISTINCT FROM v.newest;

-- name: StageUnitsInvalid :many
-- Units of a contract rejected above are dropped with it (the contract's error covers them); a unit whose
-- contract is nowhere is an error of its own, and so is a new unit whose plan point is missing. A unit
-- already stored may come without its plan point (an incremental fetch carries only what changed): it
-- keeps the product it has.
SELECT u.loc, u.contract_source_id, u.plan_id, (p.plan_id IS NULL AND ex.contract_id IS NULL)::boolean AS plan_missing
FROM stg_units u
LEFT JOIN (SELECT DISTINCT source_id FROM stg_contracts) sc ON sc.source_id = u.contract_source_id
LEFT JOIN contracts k ON k.source = @source AND k.source_id = u.contract_source_id
LEFT JOIN contract_items ex ON ex.contract_id = k.id AND ex.source_id = u.source_id
LEFT JOIN (SELECT DISTINCT plan_id FROM stg_plans) p ON p.plan_id = u.plan_id
WHERE (sc.source_id IS NULL AND k.id IS NULL) OR (p.plan_id IS NULL AND ex.contract_id IS NULL)
ORDER BY u.loc;
