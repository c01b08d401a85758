-- name: RegionCodeList :many
SELECT code FROM regions;

-- name: RegionList :many
SELECT * FROM regions ORDER BY code;
