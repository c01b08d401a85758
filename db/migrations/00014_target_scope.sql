-- +goose Up
-- A target is defined by its users (ules target apply): a scope of a category and, each optional, regions,
-- buyer types and procurement methods (an empty list means all), and a measurement period of a calendar
-- year or of the whole span of its schedule, which then needs an end.
ALTER TABLE targets
    ADD COLUMN regions     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN buyer_types text[] NOT NULL DEFAULT '{}',
    ADD COLUMN methods     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN ends_on     date,
    ADD COLUMN basis       text NOT NULL DEFAULT '',
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();
UPDATE targets SET regions = ARRAY[region] WHERE region IS NOT NULL;
ALTER TABLE targets DROP COLUMN region;
ALTER TABLE targets DROP CONSTRAINT targets_period_check;
ALTER TABLE targets ADD CONSTRAINT targets_period_check CHECK (
    (period = 'calendar_year' AND ends_on IS NULL) OR (period = 'schedule' AND ends_on IS NOT NULL));
ALTER TABLE targets ADD CONSTRAINT targets_buyer_types_check CHECK (
    buyer_types <@ ARRAY['state_body', 'education', 'akimat', 'national_company', 'defence']);
ALTER TABLE targets ADD CONSTRAINT targets_regions_check CHECK (
    array_to_string(regions, ',') ~ '^([0-9]{2}(,[0-9]{2})*)?$');

UPDATE targets SET basis = 'Goal discussed for school uniforms: domestic producers hold no more than 7% of a market over 37 billion tenge'
WHERE slug = 'school-uniforms-50';

-- +goose Down
ALTER TABLE targets DROP CONSTRAINT targets_regions_check, DROP CONSTRAINT targets_buyer_types_check,
    DROP CONSTRAINT targets_period_check;
DELETE FROM targets WHERE period <> 'calendar_year' OR cardinality(regions) > 1 OR buyer_types <> '{}' OR methods <> '{}';
ALTER TABLE targets ADD COLUMN region text REFERENCES regions (code);
UPDATE targets SET region = regions[1];
ALTER TABLE targets ADD CONSTRAINT targets_period_check CHECK (period IN ('calendar_year'));
ALTER TABLE targets DROP COLUMN regions, DROP COLUMN buyer_types, DROP COLUMN methods, DROP COLUMN ends_on,
    DROP COLUMN basis, DROP COLUMN updated_at;
