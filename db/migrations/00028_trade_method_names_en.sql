-- The portal names its procurement methods in Kazakh and Russian only, so English pages showed Russian.
-- The portal's list keeps its own names on import (TradeMethodUpsert leaves name_en); these are Ules's.

-- +goose Up
UPDATE trade_methods t SET name_en = v.name_en
FROM (VALUES
    ('2', 'Open competition'),
    ('3', 'Request for price quotations'),
    ('6', 'Single source after a failed procurement'),
    ('7', 'Auction (before 2022)'),
    ('8', 'Through commodity exchanges'),
    ('22', 'Two-stage competition'),
    ('23', 'Single source by direct contract'),
    ('32', 'Competition with prequalification'),
    ('50', 'Purchase of housing'),
    ('52', 'Purchase under a state social order'),
    ('55', 'Purchase of housing (outside the procurement law)'),
    ('60', 'E-shop'),
    ('77', 'Auction (from 2022)'),
    ('78', 'Auction'),
    ('105', 'Single source (outside the procurement law)'),
    ('120', 'Competition for catering for pupils and students'),
    ('121', 'Competition for goods to feed pupils and students'),
    ('122', 'Contract for state educational order services'),
    ('123', 'Single source by direct contract (outside the procurement law)'),
    ('124', 'Tender'),
    ('125', 'Single source after a failed procurement (outside the procurement law)'),
    ('126', 'Request for price quotations (outside the procurement law)'),
    ('128', 'Competition under a special procedure'),
    ('130', 'Procurement under an exceptional procedure'),
    ('131', 'Single source by direct contract for feeding students'),
    ('132', 'Framework agreement competition, first stage'),
    ('133', 'Framework agreement competition, second stage'),
    ('160', 'E-shop (outside the procurement law)'),
    ('177', 'Auction (outside the procurement law, from 2022)'),
    ('178', 'Auction (outside the procurement law)'),
    ('188', 'Competition with a rating and points system'),
    ('190', 'Tender under an exceptional procedure'),
    ('200', 'Tender with a rating and points system'),
    ('201', 'Turnkey construction competition'),
    ('202', 'Turnkey construction tender')
) v (code, name_en)
WHERE t.code = v.code AND t.name_en = '';

-- +goose Down
SELECT 1;
