package loader

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// The staging tables of the reference lists (package refdata reads them).
const (
	StagedRegister     = "stg_register"
	StagedCertificates = "stg_certificates"
	StagedFXRates      = "stg_fx_rates"
)

// ReferenceCounts is what a reference list's merge did.
type ReferenceCounts struct {
	Staged, Written, Replaced int64
	BINs                      []string // suppliers whose items need their tier decided again
}

// RegisterRejectConflicting reports the register entries given more than once with different values.
func RegisterRejectConflicting(ctx context.Context, tx pgx.Tx, errs *record.Errors) error {
	rows, err := dbq.New().RegisterStageRejectConflicting(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check duplicate register entries: %w", err)
	}
	slices.SortFunc(rows, func(a, b dbq.RegisterStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
	for _, r := range rows {
		errs.Addf(r.Loc, "the register entry of %s with this scope and valid_from is given more than once with different values (%s)",
			r.BIN, joinLocs(r.Locs))
	}
	return nil
}

// RegisterMerge merges the staged register entries.
func RegisterMerge(ctx context.Context, tx pgx.Tx, batchID int64) (ReferenceCounts, error) {
	m, err := dbq.New().RegisterMerge(ctx, tx, &batchID)
	if err != nil {
		return ReferenceCounts{}, fmt.Errorf("ingest: merge register entries: %w", err)
	}
	return ReferenceCounts{Staged: m.Staged, Written: m.Written, Replaced: m.Replaced, BINs: m.Bins}, nil
}

// CertificateRejectConflicting reports the certificates given more than once with different values.
func CertificateRejectConflicting(ctx context.Context, tx pgx.Tx, errs *record.Errors) error {
	rows, err := dbq.New().CertificateStageRejectConflicting(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check duplicate certificates: %w", err)
	}
	slices.SortFunc(rows, func(a, b dbq.CertificateStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
	for _, r := range rows {
		errs.Addf(r.Loc, "certificate %s is given more than once with different values (%s)", r.Number, joinLocs(r.Locs))
	}
	return nil
}

// CertificateMerge merges the staged certificates.
func CertificateMerge(ctx context.Context, tx pgx.Tx, batchID int64) (ReferenceCounts, error) {
	m, err := dbq.New().CertificateMerge(ctx, tx, &batchID)
	if err != nil {
		return ReferenceCounts{}, fmt.Errorf("ingest: merge certificates: %w", err)
	}
	return ReferenceCounts{Staged: m.Staged, Written: m.Written, Replaced: m.Replaced, BINs: m.Bins}, nil
}

// FXRateRejectConflicting reports the exchange rates given more than once with different values.
func FXRateRejectConflicting(ctx context.Context, tx pgx.Tx, errs *record.Errors) error {
	rows, err := dbq.New().FxRateStageRejectConflicting(ctx, tx)
	if err != nil {
		return fmt.Errorf("ingest: check duplicate exchange rates: %w", err)
	}
	slices.SortFunc(rows, func(a, b dbq.FxRateStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
	for _, r := range rows {
		errs.Addf(r.Loc, "the %s rate of %s is given more than once with different values (%s)", r.Currency,
			r.RateDate.Format(time.DateOnly), joinLocs(r.Locs))
	}
	return nil
}

// FXRateMerge merges the staged exchange rates; rates are not a batch's, and change no tier.
func FXRateMerge(ctx context.Context, tx pgx.Tx, _ int64) (ReferenceCounts, error) {
	m, err := dbq.New().FxRateMerge(ctx, tx)
	if err != nil {
		return ReferenceCounts{}, fmt.Errorf("ingest: merge exchange rates: %w", err)
	}
	return ReferenceCounts{Staged: m.Staged, Written: m.Written, Replaced: m.Replaced}, nil
}

// ContractItemTiersRefreshOfBINs decides again the tiers of the items of the suppliers with these BINs,
// and returns how many changed.
func ContractItemTiersRefreshOfBINs(ctx context.Context, tx pgx.Tx, bins []string) (int64, error) {
	q := dbq.New()
	suppliers, err := q.SupplierIDsByBIN(ctx, tx, bins)
	if err != nil {
		return 0, fmt.Errorf("ingest: find the suppliers of the changed BINs: %w", err)
	}
	retiered, err := q.ContractItemTiersRefresh(ctx, tx, dbq.ContractItemTiersRefreshParams{SupplierIds: suppliers})
	if err != nil {
		return 0, fmt.Errorf("ingest: decide the tiers of the affected items again: %w", err)
	}
	return retiered, nil
}

// compareLocs orders "file:LINE" locations by line.
func compareLocs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// joinLocs lists locations in line order.
func joinLocs(locs []string) string {
	locs = slices.Clone(locs)
	slices.SortFunc(locs, compareLocs)
	return strings.Join(locs, ", ")
}
