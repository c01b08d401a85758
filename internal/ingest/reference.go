package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/biter777/countries"
	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/record"
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

// RegisterColumns are the producer register's columns in their documented order.
var RegisterColumns = []string{"bin", "enstru_prefix", "category", "valid_from", "valid_to", "capacity", "capacity_unit", "source"}

// CertificateColumns are the ST-KZ certificates' columns in their documented order.
var CertificateColumns = []string{"number", "bin", "enstru_code", "local_content_percent", "issued", "expires"}

// FXColumns are the exchange rates' columns in their documented order.
var FXColumns = []string{"date", "currency", "rate"}

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
	buf := &buffer[dbq.RegisterStageCopyFromParams]{flush: func(ctx context.Context, r []dbq.RegisterStageCopyFromParams) error {
		_, err := im.q.RegisterStageCopyFrom(ctx, tx, r)
		return loader.Wrap("register entries", err)
	}}
	return referenceStage{
		add: stageRow(buf, func(row sheet.Row) (dbq.RegisterStageCopyFromParams, error) {
			return parseRegisterRow(row, categories)
		}, func(r *dbq.RegisterStageCopyFromParams, loc string) { r.Loc = loc }),
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
	buf := &buffer[dbq.CertificateStageCopyFromParams]{flush: func(ctx context.Context, r []dbq.CertificateStageCopyFromParams) error {
		_, err := im.q.CertificateStageCopyFrom(ctx, tx, r)
		return loader.Wrap("certificates", err)
	}}
	return referenceStage{
		add:   stageRow(buf, parseCertificateRow, func(r *dbq.CertificateStageCopyFromParams, loc string) { r.Loc = loc }),
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
	buf := &buffer[dbq.FxRateStageCopyFromParams]{flush: func(ctx context.Context, r []dbq.FxRateStageCopyFromParams) error {
		_, err := im.q.FxRateStageCopyFrom(ctx, tx, r)
		return loader.Wrap("exchange rates", err)
	}}
	return referenceStage{
		add:   stageRow(buf, parseFXRow, func(r *dbq.FxRateStageCopyFromParams, loc string) { r.Loc = loc }),
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

// parseRegisterRow checks one producer-register row. The scope is an ENSTRU prefix, a category, or neither
// (every product of the producer).
func parseRegisterRow(row sheet.Row, categories map[string]int32) (dbq.RegisterStageCopyFromParams, error) {
	var v validate
	bin, err := parseBIN("bin", row.Get("bin"))
	v.check(err)
	prefix, err := parseEnstruPrefix("enstru_prefix", row.Get("enstru_prefix"), false)
	v.check(err)
	var categoryID *int32
	if c := row.Get("category"); c.Present() {
		if row.Get("enstru_prefix").Present() {
			v.check(errors.New("enstru_prefix and category: give one of them (or neither, for every product), not both"))
		}
		id, ok := categories[strings.ToLower(c.Text)]
		if !ok {
			v.check(fieldtext.Errorf("category", "%q is not a category (known: %s)", c.Text, strings.Join(slices.Sorted(maps.Keys(categories)), ", ")))
		}
		categoryID = &id
	}
	from, err := fieldtext.Date("valid_from", row.Date("valid_from"), true)
	v.check(err)
	to, err := fieldtext.Date("valid_to", row.Date("valid_to"), false)
	v.check(err)
	if from != nil && to != nil && dateOf(*to).Before(dateOf(*from)) {
		v.check(fieldtext.Errorf("valid_to", "%s is before valid_from %s", to.Format(time.DateOnly), from.Format(time.DateOnly)))
	}
	capacity, err := parseDecimal("capacity", row.Number("capacity"))
	v.check(err)
	if v.err != nil {
		return dbq.RegisterStageCopyFromParams{}, v.err
	}
	entry := dbq.RegisterStageCopyFromParams{
		BIN: bin, EnstruPrefix: prefix, CategoryID: categoryID, ValidFrom: dateOf(*from), Capacity: capacity,
		CapacityUnit: row.Get("capacity_unit").Text, Source: row.Get("source").Text,
	}
	if to != nil {
		d := dateOf(*to)
		entry.ValidTo = &d
	}
	return entry, nil
}

// parseCertificateRow checks one ST-KZ certificate row.
func parseCertificateRow(row sheet.Row) (dbq.CertificateStageCopyFromParams, error) {
	var v validate
	number, err := fieldtext.Required("number", row.Get("number"))
	v.check(err)
	bin, err := parseBIN("bin", row.Get("bin"))
	v.check(err)
	prefix, err := parseEnstruPrefix("enstru_code", row.Get("enstru_code"), true)
	v.check(err)
	lc := row.Number("local_content_percent")
	bp, err := fieldtext.Percent("local_content_percent", lc)
	v.check(err)
	if !lc.Present() {
		v.check(fieldtext.Errorf("local_content_percent", "is required"))
	}
	issued, err := fieldtext.Date("issued", row.Date("issued"), true)
	v.check(err)
	expires, err := fieldtext.Date("expires", row.Date("expires"), true)
	v.check(err)
	if issued != nil && expires != nil && dateOf(*expires).Before(dateOf(*issued)) {
		v.check(fieldtext.Errorf("expires", "%s is before issued %s", expires.Format(time.DateOnly), issued.Format(time.DateOnly)))
	}
	if v.err != nil {
		return dbq.CertificateStageCopyFromParams{}, v.err
	}
	return dbq.CertificateStageCopyFromParams{
		Number: number, BIN: bin, EnstruPrefix: prefix, LocalContentBp: *bp,
		Issued: dateOf(*issued), Expires: dateOf(*expires),
	}, nil
}

// parseFXRow checks one exchange-rate row: tenge per one unit of a foreign currency on a day.
func parseFXRow(row sheet.Row) (dbq.FxRateStageCopyFromParams, error) {
	var v validate
	day, err := fieldtext.Date("date", row.Date("date"), true)
	v.check(err)
	currency, err := foreignCurrency("currency", row.Get("currency"))
	v.check(err)
	rs := row.Number("rate")
	rate, err := fieldtext.Rate("rate", rs)
	v.check(err)
	switch {
	case !rs.Present():
		v.check(fieldtext.Errorf("rate", "is required"))
	case rate != nil && ratSign(*rate) <= 0:
		v.check(fieldtext.Errorf("rate", "%q must be greater than 0", rs.Text))
	}
	if v.err != nil {
		return dbq.FxRateStageCopyFromParams{}, v.err
	}
	return dbq.FxRateStageCopyFromParams{Currency: currency, RateDate: dateOf(*day), Rate: *rate}, nil
}

// ratSign is the sign of a decimal that parseRate accepted.
func ratSign(text string) int {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return 0
	}
	return r.Sign()
}

// parseBIN requires a 12-digit BIN (or IIN).
func parseBIN(field string, s fieldtext.Value) (string, error) {
	if !s.Present() {
		return "", fieldtext.Errorf(field, "is required")
	}
	if len(s.Text) != 12 || !fieldtext.DigitsOnly(s.Text) {
		return "", fieldtext.Errorf(field, "%q is not 12 digits", s.Text)
	}
	return s.Text, nil
}

var enstruPrefixText = regexp.MustCompile(`^\d+(\.\d+)*$`)

// parseEnstruPrefix reads an ENSTRU code or a prefix of one, with or without its dots ("14.13", "1413",
// "141311.100"), and returns its digits.
func parseEnstruPrefix(field string, s fieldtext.Value, required bool) (string, error) {
	if !s.Present() {
		if required {
			return "", fieldtext.Errorf(field, "is required")
		}
		return "", nil
	}
	if !enstruPrefixText.MatchString(s.Text) {
		return "", fieldtext.Errorf(field, "%q is not an ENSTRU code or prefix (digits, dots allowed: 14.13, 141311.100.000001)", s.Text)
	}
	digits := strings.ReplaceAll(s.Text, ".", "")
	if len(digits) < 2 || len(digits) > 15 {
		return "", fieldtext.Errorf(field, "%q has %d digit(s): an ENSTRU prefix has 2 to 15", s.Text, len(digits))
	}
	return digits, nil
}

// parseDecimal keeps a non-negative decimal as exact text.
func parseDecimal(field string, s fieldtext.Value) (*string, error) {
	if !s.Present() {
		return nil, nil
	}
	if !fieldtext.IsDecimal(s.Text) {
		return nil, fieldtext.Errorf(field, "%q is not a non-negative number", s.Text)
	}
	plain, err := fieldtext.PlainNumber(field, s.Text)
	return &plain, err
}

// foreignCurrency requires an ISO 4217 code other than the tenge.
func foreignCurrency(field string, s fieldtext.Value) (string, error) {
	if !s.Present() {
		return "", fieldtext.Errorf(field, "is required")
	}
	c, err := fieldtext.Currency(field, s)
	if err != nil {
		return "", err
	}
	if c == "KZT" {
		return "", fieldtext.Errorf(field, "KZT needs no rate: rates are tenge per unit of another currency")
	}
	if code := countries.CurrencyCodeByName(c); !code.IsValid() || code.Alpha() != c {
		return "", fieldtext.Errorf(field, "%q is not an ISO 4217 currency code", s.Text)
	}
	return c, nil
}

// dateOf drops the time of day: the register, certificates and rates hold days.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
