-- name: CertificateMerge :one
-- Certificates are upserted on their number; one stored exactly as read is left alone. bins lists the holders
-- whose certificates changed, the previous holder too when a correction moved a certificate to another BIN.
WITH src AS (
    SELECT DISTINCT ON (number) *
    FROM stg_certificates
    WHERE NOT rejected
    ORDER BY number, loc
), prev AS (
    SELECT oc.number, oc.bin FROM origin_certificates oc WHERE oc.number IN (SELECT number FROM src)
), up AS (
    INSERT INTO origin_certificates AS oc (number, bin, enstru_prefix, local_content_bp, issued, expires, batch_id)
    SELECT number, bin, enstru_prefix, local_content_bp, issued, expires, @batch_id FROM src
    ON CONFLICT (number) DO UPDATE
    SET bin = EXCLUDED.bin, enstru_prefix = EXCLUDED.enstru_prefix, local_content_bp = EXCLUDED.local_content_bp,
        issued = EXCLUDED.issued, expires = EXCLUDED.expires, batch_id = EXCLUDED.batch_id
    WHERE (oc.bin, oc.enstru_prefix, oc.local_content_bp, oc.issued, oc.expires)
        IS DISTINCT FROM (EXCLUDED.bin, EXCLUDED.enstru_prefix, EXCLUDED.local_content_bp, EXCLUDED.issued,
                          EXCLUDED.expires)
    RETURNING oc.number, oc.bin
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM up)::bigint AS written,
       (SELECT count(*) FROM up JOIN prev USING (number))::bigint AS replaced,
       coalesce((SELECT array_agg(DISTINCT b.bin ORDER BY b.bin) FROM (
           SELECT up.bin FROM up
           UNION
           SELECT prev.bin FROM prev JOIN up USING (number)
       ) b), '{}')::text[] AS bins;

-- name: CertificateStageCopyFrom :copyfrom
INSERT INTO stg_certificates (loc, number, bin, enstru_prefix, local_content_bp, issued, expires)
VALUES (@loc, @number, @bin, @enstru_prefix, @local_content_bp, @issued, @expires);

-- name: CertificateStageRejectConflicting :many
-- A certificate number given twice with different contents cannot be resolved: every copy is refused.
UPDATE stg_certificates s SET rejected = true
FROM (
    SELECT number, array_agg(loc ORDER BY loc) AS locs
    FROM stg_certificates
    GROUP BY number
    HAVING count(DISTINCT (bin, enstru_prefix, local_content_bp, issued, expires)) > 1
) d
WHERE s.number = d.number
RETURNING s.loc, s.number, d.locs::text[] AS locs;

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

-- name: RegisterMerge :one
-- Entries are upserted on (bin, enstru_prefix, category_id, valid_from); one stored exactly as read is left
-- alone. bins lists the producers whose entries changed.
WITH src AS (
    SELECT DISTINCT ON (bin, enstru_prefix, category_id, valid_from) *
    FROM stg_register
    WHERE NOT rejected
    ORDER BY bin, enstru_prefix, category_id, valid_from, loc
), prev AS (
    SELECT p.id
    FROM producer_register p
    JOIN src ON src.bin = p.bin AND src.enstru_prefix = p.enstru_prefix
        AND src.category_id IS NOT DISTINCT FROM p.category_id AND src.valid_from = p.valid_from
), up AS (
    INSERT INTO producer_register AS p (bin, enstru_prefix, category_id, valid_from, valid_to, source, capacity,
        capacity_unit, batch_id)
    SELECT bin, enstru_prefix, category_id, valid_from, valid_to, source, capacity, capacity_unit, @batch_id
    FROM src
    ON CONFLICT (bin, enstru_prefix, category_id, valid_from) DO UPDATE
    SET valid_to = EXCLUDED.valid_to, source = EXCLUDED.source, capacity = EXCLUDED.capacity,
        capacity_unit = EXCLUDED.capacity_unit, batch_id = EXCLUDED.batch_id
    WHERE (p.valid_to, p.source, p.capacity, p.capacity_unit)
        IS DISTINCT FROM (EXCLUDED.valid_to, EXCLUDED.source, EXCLUDED.capacity, EXCLUDED.capacity_unit)
    RETURNING p.id, p.bin
)
SELECT (SELECT count(*) FROM src)::bigint AS staged,
       (SELECT count(*) FROM up)::bigint AS written,
       (SELECT count(*) FROM up WHERE up.id IN (SELECT id FROM prev))::bigint AS replaced,
       coalesce((SELECT array_agg(DISTINCT up.bin ORDER BY up.bin) FROM up), '{}')::text[] AS bins;

-- name: RegisterStageCopyFrom :copyfrom
INSERT INTO stg_register (loc, bin, enstru_prefix, category_id, valid_from, valid_to, capacity, capacity_unit, source)
VALUES (@loc, @bin, @enstru_prefix, @category_id, @valid_from, @valid_to, @capacity, @capacity_unit, @source);

-- name: RegisterStageRejectConflicting :many
-- One register entry (producer, scope, start) given twice with different contents cannot be resolved: every
-- copy is refused.
UPDATE stg_register s SET rejected = true
FROM (
    SELECT bin, enstru_prefix, category_id, valid_from, array_agg(loc ORDER BY loc) AS locs
    FROM stg_register
    GROUP BY bin, enstru_prefix, category_id, valid_from
    HAVING count(DISTINCT (valid_to, capacity, capacity_unit, source)) > 1
) d
WHERE s.bin = d.bin AND s.enstru_prefix = d.enstru_prefix AND s.category_id IS NOT DISTINCT FROM d.category_id
  AND s.valid_from = d.valid_from
RETURNING s.loc, s.bin, d.locs::text[] AS locs;
