-- An amount stored in tenge at one rate, priced at another: the amount in its currency is recovered to the
-- cent where a unit of the currency is worth a tenge or more (the rounding to tiyn loses less than a
-- cent), else converted by the ratio of the rates. ContractItemRepriceOfReplaced prices an item's value,
-- value without VAT and unit price so.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION priced_again(tiyn bigint, old_rate numeric, new_rate numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN old_rate >= 1 THEN round(round(tiyn / old_rate) * new_rate)
                ELSE round(tiyn * new_rate / old_rate) END::bigint
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION priced_again(bigint, numeric, numeric);
