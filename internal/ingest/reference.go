package ingest

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/ingest/refdata"
	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// The reference formats load the tables that decide tiers and prices rather than procurement records
// (docs/import-reference.md). Each is a CSV file or an XLSX workbook (by the .xlsx extension), one row per
// entry, imported with the same guarantees as contracts: one transaction, every bad row reported, a batch.
const (
	FormatRegister     = "register"     // the producer register
	FormatCertificates = "certificates" // ST-KZ certificates of origin
	FormatFX           = "fx"           // exchange rates, tenge per unit of a currency
)

// RegisterColumns, CertificateColumns and FXColumns are the reference formats' columns (package refdata).
var (
	RegisterColumns    = refdata.RegisterColumns
	CertificateColumns = refdata.CertificateColumns
	FXColumns          = refdata.FXColumns
)

const referenceDoc = "docs/import-reference.md"

var referenceColumns = map[string]sheet.Columns{
	FormatRegister:     {All: RegisterColumns, Required: []string{"bin", "valid_from"}, Doc: referenceDoc},
	FormatCertificates: {All: CertificateColumns, Required: CertificateColumns, Doc: referenceDoc},
	FormatFX:           {All: FXColumns, Required: FXColumns, Doc: referenceDoc},
}

var referenceStaging = map[string]string{
	FormatRegister:     "stg_register",
	FormatCertificates: "stg_certificates",
	FormatFX:           "stg_fx_rates",
}

func isReferenceFormat(format string) bool {
	_, ok := referenceColumns[format]
	return ok
}

// openReference opens a reference file as XLSX when its name ends in .xlsx, as CSV otherwise.
func openReference(path string, m sheet.Meter) (sheet.Sheet, error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return sheet.OpenXLSX(path, m)
	}
	return sheet.OpenCSV(path, m)
}

// referenceStage is one reference format's staging: parse a row into a staged record, check the staged
// records against each other, merge them.
type referenceStage struct {
	add    func(ctx context.Context, loc string, row sheet.Row) error
	flush  func(ctx context.Context) error
	reject func(ctx context.Context, errs *errorLog) error
	merge  func(ctx context.Context, batchID int64) (mergeCounts, error)
}

type mergeCounts struct {
	staged, written, replaced int64
	bins                      []string // suppliers whose items need their tier decided again
}

// runReference stages, checks and merges one reference file, then decides again the tiers of the items
// whose suppliers it touched.
func (im *Importer) runReference(ctx context.Context, tx pgx.Tx, opts Options, errs *errorLog, res *Result) error {
	table := referenceStaging[opts.Format]
	if err := loader.CreateStaging(ctx, tx, table); err != nil {
		return err
	}
	var stage referenceStage
	switch opts.Format {
	case FormatRegister:
		categories, err := im.categorySlugs(ctx, tx)
		if err != nil {
			return err
		}
		stage = im.registerStage(tx, categories)
	case FormatCertificates:
		stage = im.certificateStage(tx)
	case FormatFX:
		stage = im.fxStage(tx)
	}
	var read int64
	m := newMeter(opts.Progress, opts.Path)
	counted := func() {
		read++
		if read%1000 == 0 {
			m.add(1000)
		}
	}
	if err := sheet.Read(ctx, opts.Path, openReference, m, referenceColumns[opts.Format], counted, errs, stage.add); err != nil {
		return err
	}
	m.add(read % 1000)
	if err := stage.flush(ctx); err != nil {
		return err
	}
	res.Read = read
	if err := loader.AnalyzeStaging(ctx, tx, table); err != nil {
		return err
	}
	if err := stage.reject(ctx, errs); err != nil {
		return err
	}
	if errs.Count() > opts.MaxErrors {
		return fmt.Errorf("%w: %d bad records, --max-errors is %d", ErrTooManyErrors, errs.Count(), opts.MaxErrors)
	}
	counts, err := stage.merge(ctx, res.BatchID)
	if err != nil {
		return err
	}
	if len(counts.bins) > 0 {
		suppliers, err := im.q.SupplierIDsByBIN(ctx, tx, counts.bins)
		if err != nil {
			return fmt.Errorf("ingest: find the suppliers of the changed BINs: %w", err)
		}
		retiered, err := im.q.ContractItemTiersRefresh(ctx, tx, dbq.ContractItemTiersRefreshParams{SupplierIds: suppliers})
		if err != nil {
			return fmt.Errorf("ingest: decide the tiers of the affected items again: %w", err)
		}
		im.log.Info("decided item tiers again", "batch", res.BatchID, "suppliers", len(counts.bins), "items_changed", retiered)
	}
	res.Loaded = counts.written
	res.Replaced = counts.replaced
	res.Unchanged = counts.staged - counts.written
	return nil
}

// categorySlugs maps the categories' slugs to their ids.
func (im *Importer) categorySlugs(ctx context.Context, tx pgx.Tx) (map[string]int32, error) {
	rows, err := im.q.CategoryList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load categories: %w", err)
	}
	out := make(map[string]int32, len(rows))
	for _, c := range rows {
		out[c.Slug] = c.ID
	}
	return out, nil
}

// stageRow wraps a row parser so its errors are bad records and its records go to buf.
func stageRow[T any](buf *buffer[T], parse func(row sheet.Row) (T, error), setLoc func(*T, string)) func(context.Context, string, sheet.Row) error {
	return func(ctx context.Context, loc string, row sheet.Row) error {
		rec, err := parse(row)
		if err != nil {
			return record.InvalidOf(err)
		}
		setLoc(&rec, loc)
		return buf.add(ctx, rec)
	}
}

func (im *Importer) registerStage(tx pgx.Tx, categories map[string]int32) referenceStage {
	buf := &buffer[refdata.RegisterEntry]{flush: loader.NewStaging(tx).RegisterEntries}
	return referenceStage{
		add: stageRow(buf, func(row sheet.Row) (refdata.RegisterEntry, error) {
			return refdata.ParseRegisterRow(row, categories)
		}, func(r *refdata.RegisterEntry, loc string) { r.Loc = loc }),
		flush: buf.drain,
		reject: func(ctx context.Context, errs *errorLog) error {
			rows, err := im.q.RegisterStageRejectConflicting(ctx, tx)
			if err != nil {
				return fmt.Errorf("ingest: check duplicate register entries: %w", err)
			}
			slices.SortFunc(rows, func(a, b dbq.RegisterStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
			for _, r := range rows {
				errs.Addf(r.Loc, "the register entry of %s with this scope and valid_from is given more than once with different values (%s)",
					r.BIN, joinLocs(r.Locs))
			}
			return nil
		},
		merge: func(ctx context.Context, batchID int64) (mergeCounts, error) {
			m, err := im.q.RegisterMerge(ctx, tx, &batchID)
			if err != nil {
				return mergeCounts{}, fmt.Errorf("ingest: merge register entries: %w", err)
			}
			return mergeCounts{staged: m.Staged, written: m.Written, replaced: m.Replaced, bins: m.Bins}, nil
		},
	}
}

func (im *Importer) certificateStage(tx pgx.Tx) referenceStage {
	buf := &buffer[refdata.Certificate]{flush: loader.NewStaging(tx).Certificates}
	return referenceStage{
		add:   stageRow(buf, refdata.ParseCertificateRow, func(r *refdata.Certificate, loc string) { r.Loc = loc }),
		flush: buf.drain,
		reject: func(ctx context.Context, errs *errorLog) error {
			rows, err := im.q.CertificateStageRejectConflicting(ctx, tx)
			if err != nil {
				return fmt.Errorf("ingest: check duplicate certificates: %w", err)
			}
			slices.SortFunc(rows, func(a, b dbq.CertificateStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
			for _, r := range rows {
				errs.Addf(r.Loc, "certificate %s is given more than once with different values (%s)", r.Number, joinLocs(r.Locs))
			}
			return nil
		},
		merge: func(ctx context.Context, batchID int64) (mergeCounts, error) {
			m, err := im.q.CertificateMerge(ctx, tx, &batchID)
			if err != nil {
				return mergeCounts{}, fmt.Errorf("ingest: merge certificates: %w", err)
			}
			return mergeCounts{staged: m.Staged, written: m.Written, replaced: m.Replaced, bins: m.Bins}, nil
		},
	}
}

func (im *Importer) fxStage(tx pgx.Tx) referenceStage {
	buf := &buffer[refdata.FXRate]{flush: loader.NewStaging(tx).FXRates}
	return referenceStage{
		add:   stageRow(buf, refdata.ParseFXRow, func(r *refdata.FXRate, loc string) { r.Loc = loc }),
		flush: buf.drain,
		reject: func(ctx context.Context, errs *errorLog) error {
			rows, err := im.q.FxRateStageRejectConflicting(ctx, tx)
			if err != nil {
				return fmt.Errorf("ingest: check duplicate exchange rates: %w", err)
			}
			slices.SortFunc(rows, func(a, b dbq.FxRateStageRejectConflictingRow) int { return compareLocs(a.Loc, b.Loc) })
			for _, r := range rows {
				errs.Addf(r.Loc, "the %s rate of %s is given more than once with different values (%s)", r.Currency,
					r.RateDate.Format(time.DateOnly), joinLocs(r.Locs))
			}
			return nil
		},
		merge: func(ctx context.Context, _ int64) (mergeCounts, error) {
			m, err := im.q.FxRateMerge(ctx, tx)
			if err != nil {
				return mergeCounts{}, fmt.Errorf("ingest: merge exchange rates: %w", err)
			}
			return mergeCounts{staged: m.Staged, written: m.Written, replaced: m.Replaced}, nil
		},
	}
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
