package loader

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// ContractStatusUpsertPortal stores the names of the portal's contract statuses. What a status counts stays
// the methodology's decision: a status new to Ules is added counting nowhere, and errs notes it.
func ContractStatusUpsertPortal(ctx context.Context, tx pgx.Tx, statuses []record.ContractStatus, errs *record.Errors) error {
	q := dbq.New()
	for _, s := range statuses {
		added, err := q.ContractStatusUpsertPortal(ctx, tx, dbq.ContractStatusUpsertPortalParams{
			Code: s.Code, Symbol: s.Symbol, NameKk: s.NameKk, NameRu: s.NameRu,
		})
		if errors.Is(err, pgx.ErrNoRows) {
			continue // a code another scheme holds; the portal's are numbers
		}
		if err != nil {
			return fmt.Errorf("ingest: store contract status %s: %w", s.Code, err)
		}
		if added {
			errs.Note(fmt.Sprintf("the portal lists a contract status new to Ules, %s (%s): its contracts count nowhere until contract_statuses says how they count", s.Code, s.NameRu))
		}
	}
	return nil
}

// TradeMethodUpsert stores procurement methods as a source names them.
func TradeMethodUpsert(ctx context.Context, tx pgx.Tx, methods []record.TradeMethod) error {
	q := dbq.New()
	for _, m := range methods {
		err := q.TradeMethodUpsert(ctx, tx, dbq.TradeMethodUpsertParams{
			Code: m.Code, Symbol: m.Symbol, NameKk: m.NameKk, NameRu: m.NameRu, InLaw: m.InLaw,
		})
		if err != nil {
			return fmt.Errorf("ingest: store procurement method %s: %w", m.Code, err)
		}
	}
	return nil
}
