package ingest

import (
	"context"
	"strings"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// stager receives validated records from a format reader and hands them to the loader: staged for the
// merge, or loaded directly. It counts them for progress and keeps what the readers share (the reference
// lists, the memories of categories and buyer types).
type stager struct {
	classifier *classify.Classifier
	rules      *fieldtext.Rules // nil: records are not checked against reference lists
	home       string
	records    int64
	reported   int64 // records the meter has counted
	meter      *meter
	chunk      int // rows per copy; 0 is the loader's 5,000
	buyerTypes buyertype.Memo
	categories *classify.Memo // made on first use

	staged *loader.Staged
	direct *loader.Direct // nil: every record is staged
	portal *loader.Portal // the direct load of a portal export; nil for other formats
	open   record.Deal    // the template's rows of the contract being read, while direct; none without Contracts

	// withdrawals are newer versions of contracts that no longer count (loader.ContractWithdraw).
	withdrawals []record.Contract
}

// newStager returns a stager whose staged records go to tables, chunk rows at a time.
func newStager(tables loader.Tables, chunk int, classifier *classify.Classifier, home string) *stager {
	return &stager{classifier: classifier, home: home, chunk: chunk, staged: loader.NewStaged(tables, chunk)}
}

// Deal takes one contract from a reader (record.Sink).
func (s *stager) Deal(ctx context.Context, d record.Deal) error {
	if d.Withdrawn {
		s.withdrawals = append(s.withdrawals, d.Contracts[0])
		return nil
	}
	if s.direct == nil {
		return s.staged.Deal(ctx, &d)
	}
	return s.direct.Deal(ctx, d)
}

// Prepare works out a deal's direct-load plan on the reader's goroutine (record.Preparer): on the parsing
// workers of JSON Lines, while there are several. It touches nothing of s.
func (s *stager) Prepare(d *record.Deal) { loader.Prepare(d) }

// Row takes one row of the template (sheet.RowSink). While loading directly, the rows of one contract that
// follow each other make one record.
func (s *stager) Row(ctx context.Context, d record.Deal) error {
	if s.direct == nil {
		return s.staged.Deal(ctx, &d)
	}
	if len(s.open.Contracts) > 0 && s.open.Contracts[0].SourceID == d.Contracts[0].SourceID {
		absorb(&s.open, d)
		return nil
	}
	if err := s.closeOpen(ctx); err != nil {
		return err
	}
	s.open = d
	return nil
}

// absorb adds the rows of another record of the same contract.
func absorb(into *record.Deal, o record.Deal) {
	into.Contracts = append(into.Contracts, o.Contracts...)
	into.Parties = append(into.Parties, o.Parties...)
	into.Items = append(into.Items, o.Items...)
	into.PlanPoints = append(into.PlanPoints, o.PlanPoints...)
	into.PlanKATOs = append(into.PlanKATOs, o.PlanKATOs...)
	into.Prepared = nil
}

func (s *stager) closeOpen(ctx context.Context) error {
	if len(s.open.Contracts) == 0 {
		return nil
	}
	d := s.open
	s.open = record.Deal{}
	return s.direct.Deal(ctx, d)
}

var (
	_ record.Sink     = (*stager)(nil)
	_ record.Preparer = (*stager)(nil)
)

// flush hands on everything read so far and waits until it is written.
func (s *stager) flush(ctx context.Context) error {
	if s.direct == nil {
		return s.staged.Flush(ctx)
	}
	if err := s.closeOpen(ctx); err != nil {
		return err
	}
	return s.direct.Flush(ctx)
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
	if s.direct == nil {
		return s.staged.Discard(ctx, prefix)
	}
	if len(s.open.Contracts) > 0 && strings.HasPrefix(s.open.Contracts[0].Loc, prefix) {
		s.open = record.Deal{}
	}
	return s.direct.Discard(ctx, prefix)
}

// categoryMemo is the stager's memory of categories, made on first use.
func (s *stager) categoryMemo() *classify.Memo {
	if s.categories == nil {
		s.categories = classify.NewMemo(s.classifier)
	}
	return s.categories
}
