-- name: FxRateMerge :one
-- Rates are upserted on (currency, date); a changed rate replaces the stored one. Contracts already stored
-- keep the rate they were priced at.
WITH src AS (
    SELECT DISTINCT ON (currency, rate_date) *
    FROM stg_fx_rates
    WHERE NOT rejected
    ORDER BY currency, rate_date, loc
), prev AS (
    SELECT f.currency, f.rate_date FROM fx_rates f JOIN src USING (currency, rate_date)
), up AS (
    INSERT INTO fx_rates AS f (currency, rate_date, rate)
    SELECT currency, rate_date, rate FROM src
    ON CONFLICT (currency, rate_date) DO UPDATE
    SET rate = EXCLUDED.rate
    WHERE f.rate <> EXCLUDED.rate
    RETURNING f.currency, f.rate_date
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM up)::bigint AS written,
       (SELECT count(*) FROM up JOIN prev USING (currency, rate_date))::bigint AS replaced;

-- name: FxRateStageCopyFrom :copyfrom
INSERT INTO stg_fx_rates (loc, currency, rate_date, rate) VALUES (@loc, @currency, @rate_date, @rate);

-- name: FxRateStageRejectConflicting :many
-- One currency with two different rates on the same day cannot be resolved: every copy is refused.
UPDATE stg_fx_rates s SET rejected = true
FROM (
    SELECT currency, rate_date, array_agg(loc ORDER BY loc) AS locs
    FROM stg_fx_rates
    GROUP BY currency, rate_date
    HAVING count(DISTINCT rate) > 1
) d
WHERE s.currency = d.currency AND s.rate_date = d.rate_date
RETURNING s.loc, s.currency, s.rate_date, d.locs::text[] AS locs;
