package ingest

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// copyChunk rows are buffered per staging table before each COPY, which bounds memory whatever the input size.
const copyChunk = 5000

type buffer[T any] struct {
	rows  []T
	size  int // rows per copy; 0 is copyChunk
	flush func(context.Context, []T) error
}

func (b *buffer[T]) add(ctx context.Context, row T) error {
	b.rows = append(b.rows, row)
	if len(b.rows) >= cmp.Or(b.size, copyChunk) {
		return b.drain(ctx)
	}
	return nil
}

func (b *buffer[T]) addAll(ctx context.Context, rows []T) error {
	for _, r := range rows {
		if err := b.add(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (b *buffer[T]) drain(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	err := b.flush(ctx, b.rows)
	b.rows = b.rows[:0]
	return err
}

// stager receives validated records from a format reader and copies them into the staging tables.
type stager struct {
	classifier *classify.Classifier
	rules      *fieldtext.Rules // nil: records are not checked against reference lists
	home       string
	records    int64
	reported   int64 // records the meter has counted
	meter      *meter
	chunk      int  // rows per copy; 0 is copyChunk
	worker     bool // parses for readFiles, which reports progress itself
	buyerTypes buyertype.Memo
	categories *classify.Memo // made on first use
	flat       flatReader     // portal records

	subjects  buffer[record.Party]
	contracts buffer[record.Contract]
	units     buffer[record.Item]
	plans     buffer[record.PlanPoint]
	katos     buffer[record.PlanKATO]

	discard func(ctx context.Context, prefix string) error

	direct *directLoader   // nil: every record is staged
	open   *contractRecord // the template's rows of the contract being read, while direct

	// withdrawals are newer versions of contracts that no longer count (ContractWithdraw).
	withdrawals []record.Contract
}

func newStager(tx pgx.Tx, classifier *classify.Classifier, home string) *stager {
	staging := loader.NewStaging(tx)
	return &stager{
		classifier: classifier,
		home:       home,
		subjects:   buffer[record.Party]{flush: staging.Parties},
		contracts:  buffer[record.Contract]{flush: staging.Contracts},
		units:      buffer[record.Item]{flush: staging.Items},
		plans:      buffer[record.PlanPoint]{flush: staging.PlanPoints},
		katos:      buffer[record.PlanKATO]{flush: staging.PlanKATOs},
		discard:    staging.Discard,
	}
}

// Deal takes one contract from a reader (record.Sink).
func (s *stager) Deal(ctx context.Context, d record.Deal) error {
	if rec, ok := d.Prepared.(*contractRecord); ok {
		return s.contract(ctx, rec)
	}
	return s.contract(ctx, &contractRecord{Deal: d})
}

// Prepare works out a deal's direct-load plan on the reader's goroutine (record.Preparer): on the parsing
// workers of JSON Lines, while there are several. It touches nothing of s.
func (s *stager) Prepare(d *record.Deal) {
	if d.Withdrawn {
		return
	}
	rec := &contractRecord{Deal: *d}
	rec.prepared()
	d.Prepared = rec
}

// Row takes one row of the template (sheet.RowSink).
func (s *stager) Row(ctx context.Context, d record.Deal) error {
	return s.templateRow(ctx, &contractRecord{Deal: d})
}

var (
	_ record.Sink     = (*stager)(nil)
	_ record.Preparer = (*stager)(nil)
)

// setChunk sets the rows buffered per copy (tests load small inputs in several chunks with it).
func (s *stager) setChunk(n int) {
	s.chunk = n
	s.subjects.size, s.contracts.size, s.units.size, s.plans.size, s.katos.size = n, n, n, n, n
}

// flush copies everything read so far.
func (s *stager) flush(ctx context.Context) error {
	if s.direct != nil {
		if err := s.closeOpen(ctx); err != nil {
			return err
		}
		if s.direct.portal != nil { // the buffers hand their rows to the connection goroutine
			if err := s.drain(ctx); err != nil {
				return err
			}
		}
		if err := s.direct.finish(ctx, s); err != nil {
			return err
		}
	}
	return s.drain(ctx)
}

// drain copies the staging buffers.
func (s *stager) drain(ctx context.Context) error {
	for _, drain := range []func(context.Context) error{s.subjects.drain, s.contracts.drain, s.units.drain, s.plans.drain, s.katos.drain} {
		if err := drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

// dropPending forgets the rows not copied yet.
func (s *stager) dropPending() {
	s.subjects.rows = s.subjects.rows[:0]
	s.contracts.rows = s.contracts.rows[:0]
	s.units.rows = s.units.rows[:0]
	s.plans.rows = s.plans.rows[:0]
	s.katos.rows = s.katos.rows[:0]
}

// counted records one more input record, reporting progress every thousand.
func (s *stager) counted() { s.Counted(1) }

// Counted records n more input records (record.Sink).
func (s *stager) Counted(n int64) {
	before := s.records
	s.records += n
	if s.records/1000 != before/1000 && !s.worker {
		s.report()
	}
}

// alongside is a stager for files read at the same time as s's: it hands rows on as s does and shares its
// meter, and counts its own records.
func (s *stager) alongside() *stager {
	side := &stager{classifier: s.classifier, rules: s.rules, home: s.home, meter: s.meter, discard: s.discard, direct: s.direct}
	side.subjects.flush, side.contracts.flush, side.units.flush = s.subjects.flush, s.contracts.flush, s.units.flush
	side.plans.flush, side.katos.flush = s.plans.flush, s.katos.flush
	side.setChunk(s.chunk)
	return side
}

// report hands the meter the records counted since the last report.
func (s *stager) report() {
	s.meter.add(s.records - s.reported)
	s.reported = s.records
}

// discardFile drops everything staged from one file, whose location prefix is "file:".
func (s *stager) discardFile(ctx context.Context, file string) error {
	return s.Discard(ctx, file+":")
}

// Discard drops everything read under a location prefix: a file, or a line of one (record.Sink).
func (s *stager) Discard(ctx context.Context, prefix string) error {
	if s.discard == nil { // a stager without a transaction (the parser fuzz tests) keeps nothing
		return nil
	}
	if s.worker { // its pending rows are all from this file: they are dropped, not copied
		return s.discard(ctx, prefix)
	}
	if s.direct != nil {
		if s.open != nil && strings.HasPrefix(s.open.loc(), prefix) {
			s.open = nil
		}
		if err := s.direct.drop(ctx, prefix); err != nil {
			return err
		}
	}
	s.dropPendingUnder(prefix)
	if err := s.drain(ctx); err != nil {
		return err
	}
	return s.discard(ctx, prefix)
}

// dropPendingUnder forgets the buffered rows read under a prefix. The discard deletes what was staged, but a
// direct load's flush may keep rows instead (the portal's plan points), where it would not reach them.
func (s *stager) dropPendingUnder(prefix string) {
	s.subjects.rows = slices.DeleteFunc(s.subjects.rows, func(r record.Party) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.contracts.rows = slices.DeleteFunc(s.contracts.rows, func(r record.Contract) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.units.rows = slices.DeleteFunc(s.units.rows, func(r record.Item) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.plans.rows = slices.DeleteFunc(s.plans.rows, func(r record.PlanPoint) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.katos.rows = slices.DeleteFunc(s.katos.rows, func(r record.PlanKATO) bool { return strings.HasPrefix(r.Loc, prefix) })
}

// category classifies an item by its ENSTRU code and texts, remembering the answers.
func (s *stager) category(enstru string, texts ...string) *int32 {
	return s.categoryMemo().Category(enstru, texts...)
}

// categoryMemo is the stager's memory of categories, made on first use.
func (s *stager) categoryMemo() *classify.Memo {
	if s.categories == nil {
		s.categories = classify.NewMemo(s.classifier)
	}
	return s.categories
}

// maxRemembered bounds each memory of answers whatever the input's variety.
const maxRemembered = 50_000

// residentOf decides residency: the source's own mark when it has one, otherwise the deployment's home country.
func (s *stager) residentOf(mark *bool, country string) bool {
	if mark != nil {
		return *mark
	}
	return country == s.home
}
