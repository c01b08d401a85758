package ingest

import (
	"time"

	"context"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

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
	FormatRegister:     loader.StagedRegister,
	FormatCertificates: loader.StagedCertificates,
	FormatFX:           loader.StagedFXRates,
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
	reject func(ctx context.Context, tx pgx.Tx, errs *errorLog) error
	merge  func(ctx context.Context, tx pgx.Tx, batchID int64) (loader.ReferenceCounts, error)
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
		categories, err := loader.CategorySlugs(ctx, tx)
		if err != nil {
			return err
		}
		rules, err := loader.ImportRules(ctx, tx, time.Now())
		if err != nil {
			return err
		}
		stage = registerStage(tx, categories, rules.Regions)
	case FormatCertificates:
		stage = certificateStage(tx)
	case FormatFX:
		stage = fxStage(tx)
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
	if err := stage.reject(ctx, tx, errs); err != nil {
		return err
	}
	if errs.Count() > opts.MaxErrors {
		return tooManyErrors(errs.Count(), opts.MaxErrors)
	}
	counts, err := stage.merge(ctx, tx, res.BatchID)
	if err != nil {
		return err
	}
	if len(counts.BINs) > 0 {
		retiered, err := loader.ContractItemTiersRefreshOfBINs(ctx, tx, counts.BINs)
		if err != nil {
			return err
		}
		im.log.Info("decided item tiers again", "batch", res.BatchID, "suppliers", len(counts.BINs), "items_changed", retiered)
	}
	res.Loaded = counts.Written
	res.Replaced = counts.Replaced
	res.Unchanged = counts.Staged - counts.Written
	return nil
}

// stageRow wraps a row parser so its errors are bad records and its records go to buf.
func stageRow[T any](buf *loader.Buffer[T], parse func(row sheet.Row) (T, error), setLoc func(*T, string)) func(context.Context, string, sheet.Row) error {
	return func(ctx context.Context, loc string, row sheet.Row) error {
		rec, err := parse(row)
		if err != nil {
			return record.InvalidOf(err)
		}
		setLoc(&rec, loc)
		return buf.Add(ctx, rec)
	}
}

// newReferenceStage stages the rows of one reference list: parse reads a row, copyRows stages a chunk,
// reject and merge check and store what was staged.
func newReferenceStage[T any](copyRows func(context.Context, []T) error, parse func(sheet.Row) (T, error),
	setLoc func(*T, string), reject func(context.Context, pgx.Tx, *errorLog) error,
	merge func(context.Context, pgx.Tx, int64) (loader.ReferenceCounts, error)) referenceStage {
	buf := loader.NewBuffer(copyRows, 0)
	return referenceStage{add: stageRow(buf, parse, setLoc), flush: buf.Flush, reject: reject, merge: merge}
}

func registerStage(tx pgx.Tx, categories map[string]int32, regions map[string]bool) referenceStage {
	return newReferenceStage(loader.NewStaging(tx).RegisterEntries,
		func(row sheet.Row) (refdata.RegisterEntry, error) {
			return refdata.ParseRegisterRow(row, categories, regions)
		},
		func(r *refdata.RegisterEntry, loc string) { r.Loc = loc }, loader.RegisterRejectConflicting, loader.RegisterMerge)
}

func certificateStage(tx pgx.Tx) referenceStage {
	return newReferenceStage(loader.NewStaging(tx).Certificates, refdata.ParseCertificateRow,
		func(r *refdata.Certificate, loc string) { r.Loc = loc }, loader.CertificateRejectConflicting, loader.CertificateMerge)
}

func fxStage(tx pgx.Tx) referenceStage {
	return newReferenceStage(loader.NewStaging(tx).FXRates, refdata.ParseFXRow,
		func(r *refdata.FXRate, loc string) { r.Loc = loc }, loader.FXRateRejectConflicting, loader.FXRateMerge)
}
