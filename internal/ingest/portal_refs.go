package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/portalexport"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// loadPortalRefs takes the names of contract statuses and procurement methods from an export's refs/
// folder, as the portal published them. What a status counts stays the methodology's decision: a status
// new to Ules is added counting nowhere, and the import says so.
func (im *Importer) loadPortalRefs(ctx context.Context, tx pgx.Tx, dir string, errs *errorLog) error {
	// A few kilobytes: no progress to report.
	refs := &portalexport.Reader{Errs: errs, Open: func(path, rel string, errs *record.Errors) (io.Reader, func(), error) {
		return openInput(path, rel, nil, errs)
	}}
	statuses, err := refs.ContractStatuses(dir)
	if err != nil {
		return err
	}
	for _, s := range statuses {
		added, err := im.q.ContractStatusUpsertPortal(ctx, tx, dbq.ContractStatusUpsertPortalParams{
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
	methods, err := refs.TradeMethods(dir)
	if err != nil {
		return err
	}
	for _, m := range methods {
		err := im.q.TradeMethodUpsert(ctx, tx, dbq.TradeMethodUpsertParams{
			Code: m.Code, Symbol: m.Symbol, NameKk: m.NameKk, NameRu: m.NameRu, InLaw: m.InLaw,
		})
		if err != nil {
			return fmt.Errorf("ingest: store procurement method %s: %w", m.Code, err)
		}
	}
	return nil
}
