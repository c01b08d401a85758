-- name: StageSubjectsByIdentifier :many
-- The staged subjects a chunk of portal contracts names, each as its last row, as the merge takes it.
SELECT DISTINCT ON (s.identifier) s.identifier, s.bin, s.name_kk, s.name_ru, s.country, s.resident, s.producer,
    s.producer_stated, s.supplier_flag, s.national_company, s.buyer_type
FROM stg_subjects s
WHERE s.identifier = ANY(@identifiers::text[])
ORDER BY s.identifier, s.seq DESC;

-- name: StageSubjectsCopyFrom :copyfrom
INSERT INTO stg_subjects (loc, identifier, bin, name_kk, name_ru, country, resident, producer, producer_stated,
    supplier_flag, national_company, buyer_type)
VALUES (@loc, @identifier, @bin, @name_kk, @name_ru, @country, @resident, @producer, @producer_stated,
    @supplier_flag, @national_company, @buyer_type);
