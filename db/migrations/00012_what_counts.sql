-- +goose Up
-- What counts is decided by data, not code (docs/methodology.md): each contract status says whether a
-- contract of that status counts at its value, at what was paid (terminated contracts), or not at all, and
-- whether a version in that status replaces the earlier versions of its contract (an amendment that is
-- in force does; a draft amendment does not). The portal's codes and names are its ref_contract_status
-- list as published; OCDS codes are the contractStatus codelist; '' is a spreadsheet's unstated status,
-- which the template documents as a concluded contract.
CREATE TABLE contract_statuses (
    scheme          text NOT NULL CHECK (scheme IN ('portal', 'ocds', 'sheet')),
    code            text PRIMARY KEY,
    symbol          text NOT NULL DEFAULT '',
    name_kk         text NOT NULL,
    name_ru         text NOT NULL,
    name_en         text NOT NULL,
    counts          text NOT NULL CHECK (counts IN ('value', 'paid', 'none')),
    replaces_parent boolean GENERATED ALWAYS AS (counts <> 'none' OR code = '450') STORED
);

INSERT INTO contract_statuses (scheme, code, symbol, name_kk, name_ru, name_en, counts) VALUES
    ('portal', '110', 'Project', 'Шарт жобасы', 'Проект договора', 'Draft', 'none'),
    ('portal', '115', 'CUSTOMER_APPROVING', 'Отправлен на согласование заказчику', 'Отправлен на согласование заказчику', 'Sent to buyer for approval', 'none'),
    ('portal', '120', 'Agreement', 'Жеткізуші дауыс беруде', 'Отправлен на согласование поставщику', 'Sent to supplier for approval', 'none'),
    ('portal', '125', 'SupplierAgreement', 'Завершение согласования', 'Завершение согласования', 'Approval being completed', 'none'),
    ('portal', '130', 'Signing', 'Тапсырыс беруші қол қоюда', 'На подписании у Заказчика', 'Awaiting buyer''s signature', 'none'),
    ('portal', '131', 'NeedSupplierSign', 'Қатысушының қол қоюын тосуда', 'На подписании у Поставщика', 'Awaiting supplier''s signature', 'none'),
    ('portal', '135', 'GenPrintVer', 'Баспа үшін нұсқауды қалыптастыру', 'Формирование версии для печати', 'Printable version being made', 'none'),
    ('portal', '160', 'ReadyToRegistration', 'Тіркеуге жіберуге дайын', 'Готов к отправке на регистрацию', 'Ready for registration', 'none'),
    ('portal', '165', 'SentForRegistration', 'Қаржы мекемесіне тіркеу', 'На регистрации в Казначействе', 'At Treasury registration', 'none'),
    ('portal', '185', 'Signed', 'Қол қойылды', 'Подписан', 'Signed, not registered', 'none'),
    ('portal', '190', 'Valid', 'Әрекетте', 'Действует', 'In force', 'value'),
    ('portal', '310', 'AssignmentОfSupplier', 'Тапсырыс беруші құқығынан шегіну', 'Уступка прав поставщика', 'Supplier''s rights assigned', 'value'),
    ('portal', '315', 'AssignmentОfСustomer', 'Тапсырыс беруші құқығынан шегіну', 'Уступка прав заказчика', 'Buyer''s rights assigned', 'value'),
    ('portal', '330', 'Discontinued', 'Жасалмаған', 'Не заключен', 'Not concluded', 'none'),
    ('portal', '340', 'Terminated', 'Доғарылды', 'Расторгнут в одностороннем порядке', 'Terminated unilaterally', 'paid'),
    ('portal', '345', 'CancellExpection', 'Шартты бұзуды күту', 'Ожидание расторжения договора', 'Awaiting termination', 'value'),
    ('portal', '350', 'Cancelled', 'Бұзылды', 'Расторгнут по соглашению сторон', 'Terminated by agreement', 'paid'),
    ('portal', '375', 'PartExecuted', 'Жартылай орындалды', 'Частично исполнен', 'Partly executed', 'value'),
    ('portal', '390', 'Executed', 'Орындалды', 'Исполнен', 'Executed', 'value'),
    ('portal', '410', 'Set2Winner', 'Екі жеңімпаз анықталды', 'Выбран 2 победитель', 'Second winner chosen', 'none'),
    ('portal', '420', 'ResultChange', 'Қорытындылар өзгертілді', 'Изменены итоги', 'Results changed', 'none'),
    ('portal', '430', 'RefusalOfPurchase', 'Сатып алудан және шарттан бас тарту', 'Отказ от закупки и договора', 'Purchase and contract refused', 'none'),
    ('portal', '450', 'CreateExtraContract', 'Қосымша келісім', 'Создано доп.соглашение', 'Amendment created', 'none'),
    ('portal', '455', 'ContractChanged', 'Өзгертілді', 'Изменен', 'Changed', 'value'),
    ('portal', '456', 'Cessing', 'Құқықтарды беру', 'Передача прав', 'Transfer of rights', 'value'),
    ('portal', '460', 'Cessed', 'Берілді.Қолданыста', 'Передан.Действует', 'Transferred, in force', 'value'),
    ('portal', '461', 'CessedDiscontinued', 'Берілді.Жасалмаған', 'Передан.Не заключен', 'Transferred, not concluded', 'none'),
    ('portal', '462', 'CessedTerminated', 'Берілді.Біржақты тәртіппен бұзылуы', 'Передан.Расторгнут в одностороннем порядке', 'Transferred, terminated unilaterally', 'paid'),
    ('portal', '463', 'CessedCancelled', 'Беріліді.Тараптардың келісімі бойынша бұзылуы', 'Передан.Расторгнут по соглашению сторон', 'Transferred, terminated by agreement', 'paid'),
    ('portal', '464', 'CessedExecuted', 'Берліді.Орындалды', 'Передан.Исполнен', 'Transferred, executed', 'value'),
    ('portal', '465', 'CessedPartExecuted', 'Берілді.Жартылай орындалды', 'Передан.Частично исполнен', 'Transferred, partly executed', 'value'),
    ('portal', '470', 'ValidExpired', 'Шарттың мерзімі аяқталды', 'Срок договора истек', 'Term expired', 'value'),
    ('portal', '480', 'AnnulledByCourt', 'Сот арқылы жойылды', 'Недействительный по решению суда', 'Void by court decision', 'none'),
    ('ocds', 'active', 'active', 'Қолданыста', 'Действует', 'Active', 'value'),
    ('ocds', 'terminated', 'terminated', 'Тоқтатылды', 'Прекращён', 'Terminated', 'paid'),
    ('ocds', 'pending', 'pending', 'Күтуде', 'Ожидает', 'Pending', 'none'),
    ('ocds', 'cancelled', 'cancelled', 'Жойылды', 'Отменён', 'Cancelled', 'none'),
    ('sheet', '', '', 'Көрсетілмеген (жасалған деп саналады)', 'Не указан (считается заключённым)',
        'Not stated (taken as concluded)', 'value');

-- Spreadsheet contracts stored before kept their status as written: each becomes the code it names, as
-- the import now stores it (statusAliases: codes first, then names, the portal's before OCDS's).
UPDATE contracts k SET status = m.code
FROM (
    SELECT DISTINCT ON (alias) alias, code
    FROM (
        SELECT lower(code) AS alias, code, 0 AS rank, scheme FROM contract_statuses
        UNION ALL
        SELECT lower(trim(n)), code, 1, scheme
        FROM contract_statuses, unnest(ARRAY[symbol, name_ru, name_kk, name_en]) n
        WHERE trim(n) <> ''
    ) x
    ORDER BY alias, rank, scheme DESC, length(code), code
) m
WHERE k.source = 'csv' AND lower(trim(k.status)) = m.alias AND k.status <> m.code;

-- The portal's procurement methods; in_law is false for purchases outside the state procurement law,
-- which the portal marks "не ГЗ" in their names.
CREATE TABLE trade_methods (
    code    text PRIMARY KEY,
    symbol  text NOT NULL,
    name_kk text NOT NULL,
    name_ru text NOT NULL,
    name_en text NOT NULL DEFAULT '',
    in_law  boolean NOT NULL
);

INSERT INTO trade_methods (code, symbol, name_kk, name_ru, in_law) VALUES
    ('2', 'ОК', 'Ашық конкурс', 'Открытый конкурс', true),
    ('3', 'ЗЦП', 'Бағалы ұсыныныстарға сұраным', 'Запрос ценовых предложений', true),
    ('6', 'ОИ', 'Өткізілмеген мемлекеттік сатып алу бойынша бiр көзден сатып алу', 'Из одного источника по несостоявшимся закупкам', true),
    ('7', 'АУК', 'Аукцион (до 2022)', 'Аукцион (до 2022)', true),
    ('8', 'ЧТБ', 'Ашық тауар биржалары арқылы', 'Через товарные биржи', true),
    ('22', 'ДК', 'Екі кезеңді рәсімдерді пайдаланумен конкурс', 'Конкурс с применением двухэтапных процедур', true),
    ('23', 'ОИПД', 'Тікелей шарт тұжырымы бір дерекөздерден', 'Из одного источника путем прямого заключения договора', true),
    ('32', 'КПКО', 'Конкурс с предварительным квалификационным отбором', 'Конкурс с предварительным квалификационным отбором', true),
    ('50', 'ЗЖ', 'Тұрғын үй сатып алу', 'Закупка жилища', true),
    ('52', 'ГСЗ', 'Мемлекеттік әлеуметтік тапсырыс бойынша сатып алу', 'Закупка по государственному социальному заказу', true),
    ('55', 'ЗЖнеГЗ', 'Тұрғын үй сатып алу (не ГЗ)', 'Закупка жилища (не ГЗ)', false),
    ('60', 'ЭМ', 'Электронды дүкен', 'Электронный магазин', true),
    ('77', 'АУК', 'Аукцион (с 2022)', 'Аукцион (с 2022)', true),
    ('78', 'АУК', 'Аукцион', 'Аукцион', true),
    ('105', 'ОИнеГЗ', 'Бір дереккөздерден', 'Из одного источника (не ГЗ)', false),
    ('120', 'КпОПО', 'Мемлекеттік орта, техникалық және кәсіптік, орта білімнен кейінгі білім беру ұйымдарында, қосымша білім беретін мектептен тыс ұйымдарда білім алушыларды тамақтандыруды ұйымдастыру', 'Конкурс по приобретению услуг по организации питания воспитанников и обучающихся', true),
    ('121', 'КППТСОПО', 'Мемлекеттік мектепке дейінгі ұйымдарда, жетім балалар мен ата-анасының қамқорлығынсыз қалған балаларға арналған білім беру ұйымдарында тәрбиеленетін және білім алатын балаларды тамақтандыруды қамтамасыз етуге байланысты тауарларды сатып алу', 'Конкурс по приобретению товаров, связанных с обеспечением питания воспитанников и обучающихся', true),
    ('122', 'УсГосОбЗ', 'Договор на услуги государственного образовательного заказа', 'Договор на услуги государственного образовательного заказа', true),
    ('123', 'ИОИППЗДнеГЗ', 'Тікелей шарт тұжырымы бір дерекөздерден (не ГЗ)', 'Из одного источника путем прямого заключения договора (не ГЗ)', false),
    ('124', 'ОТ', 'Тендер', 'Тендер', true),
    ('125', 'ОИнеГЗ', 'Өткізілмеген мемлекеттік сатып алу бойынша бiр көзден сатып алу', 'Из одного источника по несостоявшимся закупкам не ГЗ', false),
    ('126', 'ЗЦПнеГЗ', 'Бағалы ұсыныныстарға сұраным', 'Запрос ценовых предложений (не ГЗ new)', false),
    ('128', 'КСП', 'Арнаулы тәртіп қолданылған конкурс', 'Конкурс с применением специального порядка', true),
    ('130', 'ГЗПОП', 'Ерекше тәртіп қолданылатын, мемлекеттік сатып алу', 'Государственные закупки с применением особого порядка', true),
    ('131', 'ИОИППЗДМОН', 'Из одного источника путем прямого заключения договора по питанию обучающихся', 'Из одного источника путем прямого заключения договора по питанию обучающихся', true),
    ('132', 'РС', 'Первый этап конкурса с использованием рамочного соглашения', 'Первый этап конкурса с использованием рамочного соглашения', true),
    ('133', 'КиРС', 'Второй этап конкурса с использованием рамочного соглашения', 'Второй этап конкурса с использованием рамочного соглашения', true),
    ('160', 'ЭМнеГЗ', 'Электронды дүкен (не ГЗ)', 'Электронный магазин (не ГЗ)', false),
    ('177', 'АнеГЗ', 'Аукцион (не ГЗ) с 2022 г.', 'Аукцион (не ГЗ) с 2022 г', false),
    ('178', 'АнеГЗ', 'Аукцион (не ГЗ)', 'Аукцион (не ГЗ)', false),
    ('188', 'КРБС', 'Рейтингтік-балдық жүйе пайдаланылатын конкурс', 'Конкурс с использованием рейтингово-балльной системы', true),
    ('190', 'ТОП', 'Ерекше тәртіп қолданылатын тендер', 'Тендер с применением особого порядка', true),
    ('200', 'ТРБС', 'Рейтингтік-балдық жүйе пайдаланылатын тендер', 'Тендер с использованием рейтингово-балльной системы', true),
    ('201', 'КСПК', 'Толық бітіріп берілетін құрылыс бойынша конкурс', 'Конкурс по строительству «под ключ»', true),
    ('202', 'ТСПК', 'Толық бітіріп берілетін құрылыс бойынша тендер', 'Тендер по строительству «под ключ»', true);

-- paid: what was paid under the contract in tiyn (the portal's fakt_sum_wnds), NULL when unknown.
-- root_source_id: the first version of an amended contract (the portal's root_id, else parent_id); NULL
-- for a contract that is no amendment.
ALTER TABLE contracts
    ADD COLUMN paid bigint,
    ADD COLUMN root_source_id text;
CREATE INDEX contracts_root_idx ON contracts (source, root_source_id) WHERE root_source_id IS NOT NULL;

ALTER TABLE stg_contracts
    ADD COLUMN paid bigint,
    ADD COLUMN root_source_id text;

-- replaced_contracts are the versions a later version of the same contract replaces: an amendment (a
-- contract naming its first version) in a status that replaces its parent replaces the first version and
-- every earlier amendment of it, earlier meaning signed before it, or the same day with a lower portal id.
-- Driven from the amendments, which are few, so that counted_items subtracts a small set.
CREATE VIEW replaced_contracts AS
WITH amendments AS (
    SELECT a.id, a.source, a.source_id, a.root_source_id, a.signed_on
    FROM contracts a
    JOIN contract_statuses ast ON ast.code = a.status
    WHERE a.root_source_id IS NOT NULL AND NOT a.deleted AND ast.replaces_parent
)
SELECT c.id
FROM amendments a
JOIN contracts c ON c.source = a.source AND c.source_id = a.root_source_id
WHERE (a.signed_on, length(a.source_id), a.source_id) > (c.signed_on, length(c.source_id), c.source_id)
UNION
SELECT c.id
FROM amendments a
JOIN contracts c ON c.source = a.source AND c.root_source_id = a.root_source_id AND c.id <> a.id
WHERE (a.signed_on, length(a.source_id), a.source_id) > (c.signed_on, length(c.source_id), c.source_id);

-- counted_items is every figure's one definition of what counts (docs/methodology.md): items of contracts
-- that are not deleted, whose status counts, and that no later version of the same contract replaces;
-- a contract counted at what was paid has its items' values scaled by paid / total (never above them).
CREATE VIEW counted_items AS
SELECT i.contract_id, i.source_id, i.signed_on, i.enstru_code, i.category_id, i.region, i.kato, i.tier,
       i.tier_rule, i.local_content_bp, i.local_content_certified_bp,
       c.buyer_id, c.supplier_id, c.method, c.status, st.counts,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.value::numeric * c.paid / c.total) ELSE i.value END)::bigint AS value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_value::numeric * c.paid / c.total) ELSE i.local_content_value END)::bigint
           AS local_content_value,
       (CASE WHEN st.counts = 'paid' AND c.paid IS NOT NULL AND c.paid < c.total AND c.total > 0
             THEN round(i.local_content_certified_value::numeric * c.paid / c.total)
             ELSE i.local_content_certified_value END)::bigint AS local_content_certified_value
FROM contract_items i
JOIN contracts c ON c.id = i.contract_id
JOIN contract_statuses st ON st.code = c.status
WHERE NOT i.deleted AND NOT c.deleted AND st.counts <> 'none'
  AND c.id NOT IN (SELECT id FROM replaced_contracts);

-- +goose Down
DROP VIEW counted_items;
DROP VIEW replaced_contracts;
ALTER TABLE stg_contracts DROP COLUMN root_source_id, DROP COLUMN paid;
DROP INDEX contracts_root_idx;
ALTER TABLE contracts DROP COLUMN root_source_id, DROP COLUMN paid;
DROP TABLE trade_methods;
DROP TABLE contract_statuses;
