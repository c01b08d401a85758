package loader

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ules-kz/ules/internal/dbq"
)

// DeferredIndexes are the indexes an initial load dropped, to build them once the rows are in: kept up
// row by row, they cost the most of a load's database time per row, and a build sorts once (figures in
// docs/performance.md). The drop holds contracts and contract_items locked until the import ends, so it is
// only done while contracts is empty; later imports keep the indexes up as they write.
type DeferredIndexes struct {
	defs []dbq.ContractIndexListDeferrableRow
	keys []dbq.ContractItemKeyDeferrableRow
}

// DeferIndexes drops the secondary indexes of contracts and contract_items when contracts is empty and the
// role owns them; otherwise it drops nothing. With itemKey it drops the primary key of contract_items too:
// only for records that carry their items, which the direct load never writes twice (the portal's units
// arrive apart from their contracts, and the key is what tells a repeated one). The transaction's
// rollback brings dropped indexes back.
func DeferIndexes(ctx context.Context, tx pgx.Tx, itemKey bool) (*DeferredIndexes, error) {
	q := dbq.New()
	defs, err := q.ContractIndexListDeferrable(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: list indexes: %w", err)
	}
	var keys []dbq.ContractItemKeyDeferrableRow
	if itemKey {
		if keys, err = q.ContractItemKeyDeferrable(ctx, tx); err != nil {
			return nil, fmt.Errorf("ingest: list keys: %w", err)
		}
	}
	if len(defs) == 0 && len(keys) == 0 {
		return &DeferredIndexes{}, nil
	}
	// Names come quoted from the catalog (quote_ident); DDL takes no parameters.
	drops := make([]string, 0, len(defs)+len(keys))
	for _, d := range defs {
		drops = append(drops, "DROP INDEX "+d.Name)
	}
	for _, k := range keys {
		drops = append(drops, "ALTER TABLE contract_items DROP CONSTRAINT "+k.Name)
	}
	dropped, err := execIfAllowed(ctx, tx, drops...)
	if err != nil {
		return nil, fmt.Errorf("ingest: drop indexes for the initial load: %w", err)
	}
	if !dropped {
		return &DeferredIndexes{}, nil
	}
	return &DeferredIndexes{defs: defs, keys: keys}, nil
}

// Count is how many indexes were dropped.
func (d *DeferredIndexes) Count() int { return len(d.defs) + len(d.keys) }

// Build creates the dropped indexes again, as the catalog defined them.
func (d *DeferredIndexes) Build(ctx context.Context, tx pgx.Tx) error {
	for _, k := range d.keys {
		if _, err := tx.Exec(ctx, "ALTER TABLE contract_items ADD CONSTRAINT "+k.Name+" "+k.Definition); err != nil {
			return fmt.Errorf("ingest: add %s again after the initial load: %w", k.Name, err)
		}
	}
	for _, def := range d.defs {
		if _, err := tx.Exec(ctx, def.Definition); err != nil {
			return fmt.Errorf("ingest: build index %s after the initial load: %w", def.Name, err)
		}
	}
	d.defs, d.keys = nil, nil
	return nil
}

// TrustReferences turns the per-row foreign-key triggers off for the import when the role may do so (a
// superuser, or one granted SET ON PARAMETER session_replication_role). The merge takes every reference
// it writes from a row it joined in the same transaction, and nothing in Ules deletes buyers, suppliers,
// contracts, batches or item texts, so the checks cannot fail; they cost a third of the merge. Without the
// privilege the checks simply run.
func TrustReferences(ctx context.Context, tx pgx.Tx) (bool, error) {
	trusted, err := execIfAllowed(ctx, tx, "SET LOCAL session_replication_role = replica")
	if err != nil {
		return false, fmt.Errorf("ingest: skip foreign-key checks: %w", err)
	}
	return trusted, nil
}

// execIfAllowed runs statements in a savepoint, all of them or none. A role that may not (insufficient
// privilege: it does not own the tables, or may not set the parameter) gets false, and the import goes on
// without them; a released savepoint keeps what they did.
func execIfAllowed(ctx context.Context, tx pgx.Tx, statements ...string) (bool, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	for _, stmt := range statements {
		if _, err := sp.Exec(ctx, stmt); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "42501" { // insufficient_privilege
				return false, sp.Rollback(ctx)
			}
			return false, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	if err := sp.Commit(ctx); err != nil {
		return false, fmt.Errorf("release savepoint: %w", err)
	}
	return true, nil
}

// CheckReferences turns the foreign-key triggers back on for the rest of the transaction, after
// TrustReferences turned them off.
func CheckReferences(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = DEFAULT"); err != nil {
		return fmt.Errorf("ingest: restore foreign-key checks: %w", err)
	}
	return nil
}
