package loader

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// ContractWithdraw applies the newer versions that say a stored contract no longer counts, and returns how
// many changed a stored contract: each is a replacement.
func ContractWithdraw(ctx context.Context, tx pgx.Tx, source string, batchID int64, ws []record.Contract) (int64, error) {
	if len(ws) == 0 {
		return 0, nil
	}
	newest := map[string]record.Contract{}
	for _, w := range ws {
		if n, ok := newest[w.SourceID]; !ok || w.UpdatedAt.After(*n.UpdatedAt) {
			newest[w.SourceID] = w
		}
	}
	p := dbq.ContractWithdrawParams{BatchID: &batchID, Source: source}
	for _, w := range newest {
		p.SourceIds, p.Statuses, p.Versions = append(p.SourceIds, w.SourceID), append(p.Statuses, w.Status), append(p.Versions, *w.UpdatedAt)
	}
	ids, err := dbq.New().ContractWithdraw(ctx, tx, p)
	if err != nil {
		return 0, fmt.Errorf("ingest: withdraw cancelled contracts: %w", err)
	}
	return int64(len(ids)), nil
}

// ReportNotCounted tells the import's summary how many of the contracts its batch wrote no figure counts,
// and why (docs/methodology.md): a user who imports a year should see that its drafts and refusals were
// left out.
func ReportNotCounted(ctx context.Context, tx pgx.Tx, batchID int64, errs *record.Errors) error {
	rows, err := dbq.New().ContractListNotCountedOfBatch(ctx, tx, &batchID)
	if err != nil {
		return fmt.Errorf("ingest: count contracts not counted: %w", err)
	}
	for _, r := range rows {
		switch r.Reason {
		case "status":
			errs.StoredNotCounted(fmt.Sprintf("contracts of status %s (%s)", r.Status, r.NameRu), r.Contracts)
		case "unknown_status":
			errs.StoredNotCounted(fmt.Sprintf("contracts of status %q, which is not in the table of contract statuses", r.Status), r.Contracts)
		case "replaced":
			errs.StoredNotCounted(fmt.Sprintf("contracts of status %s (%s) that a later version (an amendment) replaces", r.Status, r.NameRu), r.Contracts)
		}
	}
	return nil
}

// Validate rejects staged records that cannot be merged: conflicting duplicates, contracts without a rate,
// buyer or supplier, and units without a contract or plan point. With oneRowPerItem (the template) an item
// given twice is rejected too.
func Validate(ctx context.Context, tx pgx.Tx, source string, oneRowPerItem bool, errs *record.Errors) error {
	q := dbq.New()
	conflicting, err := q.StageContractsRejectConflicting(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check duplicate contracts: %w", err)
	}
	for _, r := range conflicting {
		errs.Addf(r.Loc, "contract %s appears more than once with the same last_update_date but different contents", r.SourceID)
	}
	// The template is one row per item; an OCDS release read twice repeats its items as the same record.
	var repeated []dbq.StageContractsRejectRepeatedItemsRow
	if oneRowPerItem {
		if repeated, err = q.StageContractsRejectRepeatedItems(ctx, tx); err != nil {
			return fmt.Errorf("ingest: check repeated items: %w", err)
		}
	}
	for _, r := range repeated {
		for _, loc := range r.Locs[1:] {
			errs.Addf(loc, "item %s of contract %s is given again (first at %s): an item is one row; remove the repeat or give it its own item id", r.SourceID, r.ContractSourceID, r.Locs[0])
		}
	}
	oversized, err := q.StageContractsRejectOversized(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check amounts: %w", err)
	}
	for _, r := range oversized {
		errs.Addf(r.Loc, "contract %s: an amount converted to tenge exceeds 90 quadrillion tiyn; check the amounts and the exchange rate", r.SourceID)
	}
	unpriced, err := q.StageContractsRejectUnpriced(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check exchange rates: %w", err)
	}
	for _, r := range unpriced {
		errs.Addf(r.Loc, "no exchange rate for %s on %s: give the contract's exchange_rate or load rates for that date", r.Currency, r.SignedOn.Format(time.DateOnly))
	}
	orphans, err := q.StageContractsRejectWithoutParties(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check contract parties: %w", err)
	}
	for _, r := range orphans {
		if !r.HasBuyer {
			errs.Addf(r.Loc, "customer_bin %s is neither in subject/ nor a known buyer", r.CustomerBin)
		} else {
			errs.Addf(r.Loc, "supplier_biin %s is neither in subject/ nor a known supplier", r.SupplierKey)
		}
	}
	if _, err := q.StageUnitsDropOlderVersions(ctx, tx); err != nil {
		return fmt.Errorf("ingest: drop the items of older versions: %w", err)
	}
	units, err := q.StageUnitsInvalid(ctx, tx, source)
	if err != nil {
		return fmt.Errorf("ingest: check contract units: %w", err)
	}
	if len(units) > 0 {
		locs := make([]string, len(units))
		for i, r := range units {
			locs[i] = r.Loc
		}
		if err := q.StageUnitsDelete(ctx, tx, locs); err != nil {
			return fmt.Errorf("ingest: drop invalid contract units: %w", err)
		}
	}
	for _, r := range units {
		if r.PlanMissing {
			errs.Addf(r.Loc, "pln_point_id %s is not in plans/, or is marked deleted there", r.PlanID)
		} else {
			errs.Addf(r.Loc, "contract_id %s is neither in contract/ nor already imported", r.ContractSourceID)
		}
	}
	return nil
}

// MergeCounts is what a merge wrote, with what the direct load wrote before it.
type MergeCounts struct {
	Loaded    int64 // contracts and items written
	Replaced  int64 // contracts whose stored version a newer one replaced
	Removed   int64 // stored items a newer version of their contract no longer lists
	Unchanged int64 // contracts and items already stored exactly as staged
}

// Merge merges the staging tables into the stored ones for a batch of source; direct, when not nil, loaded
// the contracts it did not stage.
func Merge(ctx context.Context, tx pgx.Tx, source string, batchID int64, direct *Direct) (MergeCounts, error) {
	q := dbq.New()
	if _, err := q.BuyerMergeStaged(ctx, tx); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: merge buyers: %w", err)
	}
	suppliers, err := q.SupplierMergeStaged(ctx, tx)
	if err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: merge suppliers: %w", err)
	}
	if direct != nil {
		if err := direct.reassertParties(ctx); err != nil {
			return MergeCounts{}, err
		}
	}
	contracts, err := q.ContractMergeStaged(ctx, tx, dbq.ContractMergeStagedParams{Source: source, BatchID: &batchID})
	if err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: merge contracts: %w", err)
	}
	if err := AnalyzeStaging(ctx, tx, WrittenContracts); err != nil {
		return MergeCounts{}, err
	}
	if err := q.ItemTextMergeStaged(ctx, tx); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: merge item texts: %w", err)
	}
	fresh, err := q.ContractItemInsertFresh(ctx, tx)
	if err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: insert items of new contracts: %w", err)
	}
	items, err := q.ContractItemMergeStaged(ctx, tx, source)
	if err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: merge items: %w", err)
	}
	items.Staged += fresh
	items.Written += fresh
	removed, err := q.ContractItemRemoveOmitted(ctx, tx, source)
	if err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: remove items newer versions omit: %w", err)
	}
	if _, err := q.ContractItemRepriceOfReplaced(ctx, tx); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: price again the items of replaced contracts at their new rate: %w", err)
	}
	if _, err := q.ContractItemRefreshOfReplaced(ctx, tx, &batchID); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: refresh items of replaced contracts: %w", err)
	}
	if _, err := q.ContractTotalOfStoredItems(ctx, tx, &batchID); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: total replaced contracts of their stored items: %w", err)
	}
	counted := []int64{}
	if direct != nil {
		if counted, err = direct.setBuyerRegions(ctx); err != nil {
			return MergeCounts{}, err
		}
	}
	if _, err := q.BuyerSetRegionsOfBatch(ctx, tx, dbq.BuyerSetRegionsOfBatchParams{BatchID: &batchID, Counted: counted}); err != nil {
		return MergeCounts{}, fmt.Errorf("ingest: set buyer regions: %w", err)
	}
	res := MergeCounts{
		Loaded:    contracts.Written + items.Written,
		Replaced:  contracts.Replaced,
		Removed:   removed,
		Unchanged: (contracts.Staged - contracts.Written) + (items.Staged - items.Written),
	}
	retier := map[int64]bool{}
	for _, r := range suppliers {
		if r.Retier {
			retier[r.ID] = true
		}
	}
	if direct != nil {
		res.Loaded += direct.contracts + direct.items
		for id := range direct.retier {
			retier[id] = true
		}
		if err := direct.refreshTiers(ctx, suppliers, retier); err != nil {
			return res, err
		}
	}
	return res, retierStored(ctx, tx, retier)
}

// retierStored decides again the tiers of every stored item of suppliers whose BIN, residency or producer
// flag the import changed. The flags are the supplier's, undated, so the items of earlier imports follow
// them as the import's own do; an item whose rule stays the same is not written.
func retierStored(ctx context.Context, tx pgx.Tx, suppliers map[int64]bool) error {
	if len(suppliers) == 0 {
		return nil
	}
	ids := slices.Collect(maps.Keys(suppliers))
	if _, err := dbq.New().ContractItemTiersRefresh(ctx, tx, dbq.ContractItemTiersRefreshParams{SupplierIds: ids}); err != nil {
		return fmt.Errorf("ingest: decide again the tiers of suppliers whose flags changed: %w", err)
	}
	return nil
}

// RollupRefresh recomputes the rollup's months that the transaction's writes marked (migration 00016),
// so that the import commits its figures and their rollup together. It returns how many months.
func RollupRefresh(ctx context.Context, tx pgx.Tx) (int, error) {
	n, err := dbq.New().ShareRollupRefresh(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("ingest: refresh the rollup: %w", err)
	}
	return int(n), nil
}
