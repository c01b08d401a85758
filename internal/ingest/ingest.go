package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// Formats lists the formats Import understands.
var Formats = []string{"portal", "csv", "xlsx", FormatRegister, FormatCertificates, FormatFX, "ocds", "auto"}

// Options describe one import.
type Options struct {
	Format    string   // portal or csv
	Path      string   // a directory for portal, a file for csv
	Paths     []string // several inputs of one format read in one import, in order; Path is used when empty
	MaxErrors int64    // bad records accepted before the import is refused; they are reported either way
	CreatedBy string
	Progress  func(Progress) // called as the input is read; may be nil
	// Staged reads every record through the staging tables and the merge instead of loading new contracts
	// directly: slower, kept as the reference and to compare the two (ules bench import --staged).
	Staged bool
	// PortalKept caps the plan points a portal import keeps in memory for its direct load, and apart from
	// them half as many contracts (0: a million points, about 130 MB of heap in all). Points and contracts
	// past the caps are staged, and so are the units that name either.
	PortalKept int

	chunk int // rows per copy; 0 is the loader's 5,000 (tests set it through export_test.go)
}

// inputs are the paths the import reads.
func (o Options) inputs() []string {
	if len(o.Paths) > 0 {
		return o.Paths
	}
	return []string{o.Path}
}

// Result says what an import did.
type Result struct {
	BatchID   int64
	Status    string // committed or failed
	Read      int64  // records read from the input
	Loaded    int64  // contracts and items written
	Replaced  int64  // contracts whose stored version was replaced by a newer one
	Removed   int64  // stored items a newer version of their contract no longer lists
	Unchanged int64  // contracts and items already stored exactly as read
	Rejected  int64  // bad records
	Errors    []RecordError
	Skipped   []Skip // records read and not counted, for reasons worth reporting
}

// Importer loads data into one database.
type Importer struct {
	pool *pgxpool.Pool
	home string
	log  *slog.Logger
}

// NewImporter returns an importer; home is the deployment's country (ISO alpha-2), which decides residency
// where a source does not say.
func NewImporter(pool *pgxpool.Pool, home string, log *slog.Logger) *Importer {
	return &Importer{pool: pool, home: strings.ToUpper(home), log: log}
}

// Import runs one import in a single transaction. On ErrTooManyErrors or any other failure nothing is
// written except the batch record, marked failed with its errors.
func (im *Importer) Import(ctx context.Context, opts Options) (Result, error) {
	if opts.Format == "auto" {
		for i, path := range opts.inputs() {
			format, err := detectFormat(path)
			if err != nil {
				return Result{}, err
			}
			if i > 0 && format != opts.Format {
				return Result{}, fmt.Errorf("ingest: %s is %s and %s is %s: import inputs of one format at a time",
					opts.inputs()[0], opts.Format, path, format)
			}
			opts.Format = format
		}
	}
	if isReferenceFormat(opts.Format) && len(opts.inputs()) > 1 {
		return Result{}, fmt.Errorf("ingest: --format %s reads one file at a time", opts.Format)
	}
	if isReferenceFormat(opts.Format) {
		return im.inBatch(ctx, opts, func(tx pgx.Tx, errs *errorLog, res *Result) error {
			return im.runReference(ctx, tx, opts, errs, res)
		})
	}
	read, source, err := reader(opts.Format)
	if err != nil {
		return Result{}, err
	}
	return im.inBatch(ctx, opts, func(tx pgx.Tx, errs *errorLog, res *Result) error {
		return im.run(ctx, tx, opts, read, source, errs, res)
	})
}

// inBatch records an import batch around body, which runs in one transaction holding the batch's lock.
func (im *Importer) inBatch(ctx context.Context, opts Options, body func(pgx.Tx, *errorLog, *Result) error) (Result, error) {
	abandoned, err := loader.BatchAbandonInterrupted(ctx, im.pool)
	if err != nil {
		return Result{}, err
	}
	for _, id := range abandoned {
		im.log.Warn("marked an interrupted import as failed", "batch", id)
	}
	// One connection creates the batch, holding its lock, and runs the import: the lock lives exactly as long
	// as the importing session.
	conn, err := im.pool.Acquire(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("ingest: connect: %w", err)
	}
	defer conn.Release()
	batchID, err := loader.BatchCreate(ctx, conn, opts.Format, strings.Join(opts.inputs(), ", "), opts.CreatedBy)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		if err := loader.BatchRelease(context.WithoutCancel(ctx), conn, batchID); err != nil {
			// A connection that cannot unlock is closed rather than returned to the pool holding the lock.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	res := Result{BatchID: batchID}
	errs := &errorLog{}
	started := time.Now()
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := im.waitForOtherImports(ctx, tx, batchID); err != nil {
			return err
		}
		if err := body(tx, errs, &res); err != nil {
			return err
		}
		refreshed := time.Now()
		months, err := loader.RollupRefresh(ctx, tx)
		if err != nil {
			return err
		}
		im.log.Debug("rollup refreshed", "batch", batchID, "months", months, "took", time.Since(refreshed).Round(time.Millisecond))
		res.Rejected = errs.Count()
		res.Status = "committed"
		res.Skipped = errs.Skips()
		if err := finish(ctx, tx, res, skipSummary(res.Skipped), nil); err != nil {
			return err
		}
		return loader.BatchErrorsStore(ctx, tx, batchID, errs.List())
	})
	res.Rejected = errs.Count()
	res.Errors = recordErrors(errs.List())
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
			// A cancelled COPY surfaces as a closed connection; the user should read that the import was stopped.
			err = fmt.Errorf("import stopped: %w: %w", cause, err)
		}
		res.Status = "failed"
		// The import's context may be what failed; recording the outcome must not depend on it.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if ferr := finish(fctx, im.pool, res, err.Error(), errs.List()); ferr != nil {
			im.log.Error("record failed import", "batch", batchID, "err", ferr)
		}
		return res, err
	}
	im.log.Info("import committed", "batch", batchID, "format", opts.Format, "read", res.Read, "loaded", res.Loaded,
		"replaced", res.Replaced, "unchanged", res.Unchanged, "rejected", res.Rejected, "took", time.Since(started).Round(time.Millisecond))
	return res, nil
}

type readFunc func(ctx context.Context, path string, st *stager, errs *errorLog) error

func reader(format string) (readFunc, string, error) {
	switch format {
	case "portal":
		return readPortal, SourcePortal, nil
	case "csv":
		return readCSV, SourceCSV, nil
	case "xlsx":
		return readXLSX, SourceCSV, nil
	case "ocds":
		return readOCDS, SourceOCDS, nil
	}
	return nil, "", fmt.Errorf("ingest: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// directFormats can load the contracts an import creates straight into the final tables: their records
// carry each contract's items, or (the portal) the endpoints arrive in an order that lets them.
var directFormats = map[string]bool{"csv": true, "xlsx": true, "ocds": true, "portal": true}

func (im *Importer) run(ctx context.Context, tx pgx.Tx, opts Options, readInput readFunc, source string, errs *errorLog, res *Result) error {
	started := time.Now()
	classifier, err := loader.Classifier(ctx, tx)
	if err != nil {
		return err
	}
	rules, err := loader.ImportRules(ctx, tx, time.Now())
	if err != nil {
		return err
	}
	if err := loader.CreateStaging(ctx, tx, append(loader.StagingTables, loader.WrittenContracts)...); err != nil {
		return err
	}
	trusted, err := loader.TrustReferences(ctx, tx)
	if err != nil {
		return err
	}
	// Only a direct load gains: the staged merge writes after the indexes are built.
	deferred := &loader.DeferredIndexes{}
	if !opts.Staged && directFormats[opts.Format] {
		if deferred, err = loader.DeferIndexes(ctx, tx, opts.Format != "portal"); err != nil {
			return err
		}
	}
	if n := deferred.Count(); n > 0 {
		im.log.Info("no contracts are stored yet: indexes are built after the load, and readers of contracts wait until the import ends",
			"batch", res.BatchID, "indexes", n)
	}
	st, err := im.read(ctx, tx, opts, readInput, source, classifier, rules, errs, res.BatchID)
	if err != nil {
		return err
	}
	st.report()
	st.meter.read()
	res.Read = st.records
	read := time.Now()
	if err := deferred.Build(ctx, tx); err != nil {
		return err
	}
	indexed := time.Now()
	if err := loader.AnalyzeStaging(ctx, tx, loader.StagingTables...); err != nil {
		return err
	}
	// After the read, which starts its errors afresh when it reads the input again.
	if opts.Format == "portal" {
		for _, dir := range opts.inputs() {
			if err := loadPortalRefs(ctx, tx, dir, errs); err != nil {
				return err
			}
		}
	}
	if err := loader.Validate(ctx, tx, source, source == SourceCSV, errs); err != nil {
		return err
	}
	if errs.Count() > opts.MaxErrors {
		return tooManyErrors(errs.Count(), opts.MaxErrors)
	}
	validated := time.Now()
	merged, err := loader.Merge(ctx, tx, source, res.BatchID, st.direct)
	res.Loaded, res.Replaced, res.Removed, res.Unchanged = merged.Loaded, merged.Replaced, merged.Removed, merged.Unchanged
	if err != nil {
		return err
	}
	withdrawn, err := loader.ContractWithdraw(ctx, tx, source, res.BatchID, st.withdrawals)
	if err != nil {
		return err
	}
	res.Replaced += withdrawn
	if err := loader.ReportNotCounted(ctx, tx, res.BatchID, errs); err != nil {
		return err
	}
	if trusted {
		if err := loader.CheckReferences(ctx, tx); err != nil {
			return err
		}
	}
	var direct int64
	if st.direct != nil {
		direct = st.direct.LoadedContracts()
	}
	im.log.Debug("import phases", "read", read.Sub(started).Round(time.Millisecond),
		"indexes", indexed.Sub(read).Round(time.Millisecond), "validate", validated.Sub(indexed).Round(time.Millisecond),
		"merge", time.Since(validated).Round(time.Millisecond),
		"direct_contracts", direct)
	return nil
}

// read reads the input into a stager. A format in directFormats first loads the contracts it creates
// directly; when that meets something only the staged merge resolves, the input is read again with every
// record staged.
func (im *Importer) read(ctx context.Context, tx pgx.Tx, opts Options, readInput readFunc, source string,
	classifier *classify.Classifier, rules *fieldtext.Rules, errs *errorLog, batchID int64,
) (*stager, error) {
	fresh := func() *stager {
		st := newStager(loader.NewStaging(tx), opts.chunk, classifier, im.home)
		st.rules = rules
		st.meter = newMeter(opts.Progress, opts.inputs()...)
		return st
	}
	readAll := func(st *stager) error {
		for _, path := range opts.inputs() {
			if err := readInput(ctx, path, st, errs); err != nil {
				return err
			}
		}
		return st.flush(ctx)
	}
	if opts.Staged || !directFormats[opts.Format] {
		st := fresh()
		return st, readAll(st)
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: savepoint: %w", err)
	}
	st := fresh()
	// A portal export's contracts load while its plan points are read, so its reader may run further ahead
	// of the connection; for the other formats one chunk ahead is enough (docs/performance.md).
	queued := 1
	if opts.Format == "portal" {
		queued = 32
	}
	st.direct, err = loader.NewDirect(ctx, tx, st.staged, source, batchID, queued)
	if err == nil {
		if opts.Format == "portal" {
			st.portal, err = st.direct.LoadPortal(ctx, opts.PortalKept)
		}
		if err == nil {
			err = readAll(st)
		}
		st.direct.Stop()
		if err == nil {
			err = st.direct.EndParts(ctx)
		}
	}
	var again *loader.ReadAgain
	if !errors.As(err, &again) {
		if err != nil {
			return nil, err
		}
		return st, sp.Commit(ctx)
	}
	if err := sp.Rollback(ctx); err != nil {
		return nil, fmt.Errorf("ingest: undo the direct load: %w", err)
	}
	im.log.Info("reading the input again with every record staged", "why", again.Why)
	*errs = errorLog{}
	st = fresh()
	return st, readAll(st)
}

// waitForOtherImports takes the import lock, saying so when another import holds it.
func (im *Importer) waitForOtherImports(ctx context.Context, tx pgx.Tx, batchID int64) error {
	locked, err := loader.ImportLockTry(ctx, tx)
	if err != nil {
		return err
	}
	if locked {
		return nil
	}
	im.log.Info("another import is running; this one starts when it ends", "batch", batchID)
	return loader.ImportLockWait(ctx, tx)
}

// finish records the batch's outcome, with its bad records when it failed (a committed batch stores them
// in its transaction).
func finish(ctx context.Context, db loader.DBTX, res Result, message string, failedErrs []record.Error) error {
	err := loader.BatchFinish(ctx, db, loader.BatchOutcome{
		ID: res.BatchID, Status: res.Status, Read: res.Read, Loaded: res.Loaded, Rejected: res.Rejected,
		Replaced: res.Replaced, Unchanged: res.Unchanged, Removed: res.Removed, Message: message,
	})
	if err != nil {
		return err
	}
	return loader.BatchErrorsStore(ctx, db, res.BatchID, failedErrs)
}

// IsTooManyErrors reports whether err is a refusal because of bad records.
func IsTooManyErrors(err error) bool { return errors.Is(err, ErrTooManyErrors) }

// HasContracts reports whether any contract is stored, so the demo loads only into an empty database.
func (im *Importer) HasContracts(ctx context.Context) (bool, error) {
	return loader.ContractExists(ctx, im.pool)
}

// skipSummary is what a committed batch records of its skips, for the import history.
func skipSummary(skips []Skip) string {
	parts := make([]string, len(skips))
	for i, s := range skips {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}
