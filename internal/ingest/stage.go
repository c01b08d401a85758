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
	chunk      int // rows per copy; 0 is copyChunk
	buyerTypes buyertype.Memo
	categories *classify.Memo // made on first use

	subjects  buffer[record.Party]
	contracts buffer[record.Contract]
	units     buffer[record.Item]
	plans     buffer[record.PlanPoint]
	katos     buffer[record.PlanKATO]

	staging *loader.Staging // nil: a stager without a transaction (the parser fuzz tests) keeps nothing
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
		staging:    staging,
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

// Counted records n more input records, reporting progress every thousand (record.Sink).
func (s *stager) Counted(n int64) {
	before := s.records
	s.records += n
	if s.records/1000 != before/1000 {
		s.report()
	}
}

// report hands the meter the records counted since the last report.
func (s *stager) report() {
	s.meter.add(s.records - s.reported)
	s.reported = s.records
}

// Discard drops everything read under a location prefix: a file, or a line of one (record.Sink).
func (s *stager) Discard(ctx context.Context, prefix string) error {
	if s.discard == nil { // a stager without a transaction (the parser fuzz tests) keeps nothing
		return nil
	}
	if s.direct != nil {
		if s.open != nil && strings.HasPrefix(s.open.loc(), prefix) {
			s.open = nil
		}
		if err := s.direct.drop(ctx, prefix); err != nil {
			return err
		}
		if s.direct.portal != nil { // the portal's rows bypass the buffers
			return s.direct.portal.discard(ctx, prefix)
		}
	}
	s.dropPendingUnder(prefix)
	if err := s.drain(ctx); err != nil {
		return err
	}
	return s.discard(ctx, prefix)
}

// dropPendingUnder forgets the buffered rows read under a prefix: they are not staged yet, so the
// discard of what was staged would not reach them.
func (s *stager) dropPendingUnder(prefix string) {
	s.subjects.rows = slices.DeleteFunc(s.subjects.rows, func(r record.Party) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.contracts.rows = slices.DeleteFunc(s.contracts.rows, func(r record.Contract) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.units.rows = slices.DeleteFunc(s.units.rows, func(r record.Item) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.plans.rows = slices.DeleteFunc(s.plans.rows, func(r record.PlanPoint) bool { return strings.HasPrefix(r.Loc, prefix) })
	s.katos.rows = slices.DeleteFunc(s.katos.rows, func(r record.PlanKATO) bool { return strings.HasPrefix(r.Loc, prefix) })
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
