-- +goose Up
INSERT INTO regions (code, name_kk, name_ru, name_en) VALUES
    ('10', 'Абай облысы', 'Абайская область', 'Abai Region'),
    ('11', 'Ақмола облысы', 'Акмолинская область', 'Akmola Region'),
    ('15', 'Ақтөбе облысы', 'Актюбинская область', 'Aktobe Region'),
    ('19', 'Алматы облысы', 'Алматинская область', 'Almaty Region'),
    ('23', 'Атырау облысы', 'Атырауская область', 'Atyrau Region'),
    ('27', 'Батыс Қазақстан облысы', 'Западно-Казахстанская область', 'West Kazakhstan Region'),
    ('31', 'Жамбыл облысы', 'Жамбылская область', 'Jambyl Region'),
    ('33', 'Жетісу облысы', 'Область Жетісу', 'Jetisu Region'),
    ('35', 'Қарағанды облысы', 'Карагандинская область', 'Karaganda Region'),
    ('39', 'Қостанай облысы', 'Костанайская область', 'Kostanay Region'),
    ('43', 'Қызылорда облысы', 'Кызылординская область', 'Kyzylorda Region'),
    ('47', 'Маңғыстау облысы', 'Мангистауская область', 'Mangystau Region'),
    ('55', 'Павлодар облысы', 'Павлодарская область', 'Pavlodar Region'),
    ('59', 'Солтүстік Қазақстан облысы', 'Северо-Казахстанская область', 'North Kazakhstan Region'),
    ('61', 'Түркістан облысы', 'Туркестанская область', 'Turkestan Region'),
    ('62', 'Ұлытау облысы', 'Область Ұлытау', 'Ulytau Region'),
    ('63', 'Шығыс Қазақстан облысы', 'Восточно-Казахстанская область', 'East Kazakhstan Region'),
    ('71', 'Астана қаласы', 'город Астана', 'Astana'),
    ('75', 'Алматы қаласы', 'город Алматы', 'Almaty'),
    ('79', 'Шымкент қаласы', 'город Шымкент', 'Shymkent');

INSERT INTO categories (slug, name_kk, name_ru, name_en, light_industry, priority) VALUES
    ('school-uniforms', 'Мектеп формасы', 'Школьная форма', 'School uniforms', true, 10),
    ('workwear', 'Арнайы киім', 'Спецодежда', 'Workwear', true, 20),
    ('footwear', 'Аяқ киім', 'Обувь', 'Footwear', true, 30),
    ('furniture', 'Жиһаз', 'Мебель', 'Furniture', false, 40),
    ('computers', 'Компьютерлер', 'Компьютеры', 'Computers', false, 50);

INSERT INTO category_rules (category_id, kind, pattern)
SELECT c.id, r.kind, r.pattern
FROM (VALUES
    ('school-uniforms', 'keyword', 'костюм* школьн*'),
    ('school-uniforms', 'keyword', 'сарафан* школьн*'),
    ('school-uniforms', 'keyword', 'мектеп* форма*'),
    ('school-uniforms', 'keyword', 'оқушы* форма*'),
    ('school-uniforms', 'keyword', 'school uniform*'),
    ('school-uniforms', 'keyword', 'uniform* for school*'),
    ('school-uniforms', 'keyword', 'школьн* костюм*'),
    ('school-uniforms', 'keyword', 'школьн* сарафан*'),
    ('workwear', 'enstru_prefix', '1412'),
    ('workwear', 'keyword', 'спецодежд*'),
    ('workwear', 'keyword', 'специальн* одежд*'),
    ('workwear', 'keyword', 'рабоч* одежд*'),
    ('workwear', 'keyword', 'арнайы киім*'),
    ('workwear', 'keyword', 'жұмыс киім*'),
    ('workwear', 'keyword', 'workwear'),
    ('workwear', 'keyword', 'work clothing'),
    ('workwear', 'keyword', 'protective clothing'),
    ('footwear', 'enstru_prefix', '1520'),
    ('footwear', 'keyword', 'обув*'),
    ('footwear', 'keyword', 'спецобув*'),
    ('footwear', 'keyword', 'аяқ киім*'),
    ('footwear', 'keyword', 'аяқкиім*'),
    ('footwear', 'keyword', 'footwear'),
    ('footwear', 'keyword', 'boots'),
    ('footwear', 'keyword', 'shoes'),
    ('footwear', 'keyword', 'ботинк*'),
    ('footwear', 'keyword', 'сапог*'),
    ('furniture', 'enstru_prefix', '3101'),
    ('furniture', 'enstru_prefix', '3102'),
    ('furniture', 'enstru_prefix', '3109'),
    ('furniture', 'keyword', 'мебел*'),
    ('furniture', 'keyword', 'жиһаз*'),
    ('furniture', 'keyword', 'furniture'),
    ('furniture', 'keyword', 'парта'),
    ('furniture', 'keyword', 'парты'),
    ('furniture', 'keyword', 'парт'),
    ('computers', 'enstru_prefix', '2620'),
    ('computers', 'keyword', 'компьютер*'),
    ('computers', 'keyword', 'ноутбук*'),
    ('computers', 'keyword', 'computer*'),
    ('computers', 'keyword', 'laptop*')
) AS r (slug, kind, pattern)
JOIN categories c ON c.slug = r.slug;

-- "школьн* форм*" would also take "школьного формата" or "формирование школьного ...": the noun's case
-- forms are spelled out instead, in both word orders ("школьная форма", "форма школьная").
INSERT INTO category_rules (category_id, kind, pattern)
SELECT c.id, 'keyword', p.pattern
FROM categories c,
     unnest(ARRAY['форма', 'формы', 'форме', 'форму', 'формой', 'форм', 'формам', 'формами', 'формах']) AS f (form),
     LATERAL (VALUES ('школьн* ' || f.form), (f.form || ' школьн*'), ('ученическ* ' || f.form)) AS p (pattern)
WHERE c.slug = 'school-uniforms';

INSERT INTO targets (slug, name_kk, name_ru, name_en, category_id, region, metric, period)
SELECT 'school-uniforms-50',
       'Мектеп формасын сатып алудағы отандық өндірушілердің үлесі кемінде 50%',
       'Доля отечественных производителей в закупках школьной формы не менее 50%',
       'Domestic producers'' share of school-uniform purchases at least 50%',
       id, NULL, 'domestic_share_value', 'calendar_year'
FROM categories WHERE slug = 'school-uniforms';

INSERT INTO target_thresholds (target_id, effective_from, threshold_bp)
SELECT id, DATE '2016-01-01', 5000 FROM targets WHERE slug = 'school-uniforms-50';

-- +goose Down
DELETE FROM target_thresholds;
DELETE FROM targets;
DELETE FROM category_rules;
DELETE FROM categories;
DELETE FROM regions;
