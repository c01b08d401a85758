-- +goose Up
-- A target's basis (what the goal rests on) in the three languages, as its name is. The one text stored
-- before becomes the English one; a page in another language shows it until that language's is given.
ALTER TABLE targets RENAME COLUMN basis TO basis_en;
ALTER TABLE targets ADD COLUMN basis_kk text NOT NULL DEFAULT '', ADD COLUMN basis_ru text NOT NULL DEFAULT '';
UPDATE targets SET
    basis_kk = 'Мектеп формасы бойынша талқыланған мақсат: отандық өндірушілер 37 миллиард теңгеден асатын нарықтың 7%-ынан аспайтын үлесін алады',
    basis_ru = 'Цель, обсуждаемая по школьной форме: отечественные производители занимают не более 7% рынка объёмом более 37 млрд тенге'
WHERE slug = 'school-uniforms-50'
  AND basis_en = 'Goal discussed for school uniforms: domestic producers hold no more than 7% of a market over 37 billion tenge';

-- +goose Down
ALTER TABLE targets DROP COLUMN basis_kk, DROP COLUMN basis_ru;
ALTER TABLE targets RENAME COLUMN basis_en TO basis;
