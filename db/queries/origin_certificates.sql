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

-- name: CertificateListByBIN :many
SELECT number, enstru_prefix, local_content_bp, issued, expires FROM origin_certificates
WHERE bin = @bin
ORDER BY issued DESC, number;
