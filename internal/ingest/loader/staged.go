package loader

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// copyChunk rows are buffered per staging table before each COPY, which bounds memory whatever the input size.
const copyChunk = 5000

// Buffer gathers rows for one table and copies them a chunk at a time.
type Buffer[T any] struct {
	rows []T
	size int // rows per copy; 0 is copyChunk
	copy func(context.Context, []T) error
}

// NewBuffer returns a buffer that copies size rows at a time (0: 5,000) through copyRows, which must not
// keep the slice it is given.
func NewBuffer[T any](copyRows func(context.Context, []T) error, size int) *Buffer[T] {
	return &Buffer[T]{copy: copyRows, size: size}
}

// Add gathers one row, copying the chunk when it is full.
func (b *Buffer[T]) Add(ctx context.Context, row T) error {
	b.rows = append(b.rows, row)
	if len(b.rows) >= cmp.Or(b.size, copyChunk) {
		return b.Flush(ctx)
	}
	return nil
}

// AddAll gathers rows, copying each chunk as it fills.
func (b *Buffer[T]) AddAll(ctx context.Context, rows []T) error {
	for _, r := range rows {
		if err := b.Add(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// Flush copies the rows gathered.
func (b *Buffer[T]) Flush(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	err := b.copy(ctx, b.rows)
	b.rows = b.rows[:0]
	return err
}

// dropUnder forgets the rows gathered that were read under a location prefix.
func (b *Buffer[T]) dropUnder(prefix string, loc func(*T) string) {
	b.rows = slices.DeleteFunc(b.rows, func(r T) bool { return strings.HasPrefix(loc(&r), prefix) })
}

// Rows takes records of each kind a batch at a time: Staged, a Portal, and the staging tables themselves.
type Rows interface {
	Parties(ctx context.Context, rows []record.Party) error
	Contracts(ctx context.Context, rows []record.Contract) error
	Items(ctx context.Context, rows []record.Item) error
	PlanPoints(ctx context.Context, rows []record.PlanPoint) error
	PlanKATOs(ctx context.Context, rows []record.PlanKATO) error
}

// Tables is where records are staged: the staging tables (Staging), or memory in a test. A batch given is
// not kept.
type Tables interface {
	Rows
	// Discard deletes what was staged under a location prefix.
	Discard(ctx context.Context, prefix string) error
}

// Staged gathers records for the staging tables and copies each table's rows a chunk at a time. Its
// methods run one at a time.
type Staged struct {
	tables    Tables
	chunk     int // rows per copy; 0 is copyChunk
	parties   Buffer[record.Party]
	contracts Buffer[record.Contract]
	items     Buffer[record.Item]
	plans     Buffer[record.PlanPoint]
	katos     Buffer[record.PlanKATO]
}

// NewStaged stages into tables, chunk rows of a table at a time (0: 5,000; tests cross chunks with fewer).
func NewStaged(tables Tables, chunk int) *Staged {
	return &Staged{
		tables:    tables,
		chunk:     chunk,
		parties:   Buffer[record.Party]{copy: tables.Parties, size: chunk},
		contracts: Buffer[record.Contract]{copy: tables.Contracts, size: chunk},
		items:     Buffer[record.Item]{copy: tables.Items, size: chunk},
		plans:     Buffer[record.PlanPoint]{copy: tables.PlanPoints, size: chunk},
		katos:     Buffer[record.PlanKATO]{copy: tables.PlanKATOs, size: chunk},
	}
}

// Deal stages a contract with its parties and items.
func (s *Staged) Deal(ctx context.Context, d *record.Deal) error {
	if err := s.parties.AddAll(ctx, d.Parties); err != nil {
		return err
	}
	if err := s.plans.AddAll(ctx, d.PlanPoints); err != nil {
		return err
	}
	if err := s.katos.AddAll(ctx, d.PlanKATOs); err != nil {
		return err
	}
	if err := s.items.AddAll(ctx, d.Items); err != nil {
		return err
	}
	return s.contracts.AddAll(ctx, d.Contracts)
}

// Parties stages buyers and suppliers.
func (s *Staged) Parties(ctx context.Context, rows []record.Party) error {
	return s.parties.AddAll(ctx, rows)
}

// Contracts stages contracts.
func (s *Staged) Contracts(ctx context.Context, rows []record.Contract) error {
	return s.contracts.AddAll(ctx, rows)
}

// Items stages contract items.
func (s *Staged) Items(ctx context.Context, rows []record.Item) error {
	return s.items.AddAll(ctx, rows)
}

// PlanPoints stages plan points.
func (s *Staged) PlanPoints(ctx context.Context, rows []record.PlanPoint) error {
	return s.plans.AddAll(ctx, rows)
}

// PlanKATOs stages plan points' KATO codes.
func (s *Staged) PlanKATOs(ctx context.Context, rows []record.PlanKATO) error {
	return s.katos.AddAll(ctx, rows)
}

// Flush copies everything gathered.
func (s *Staged) Flush(ctx context.Context) error {
	for _, flush := range []func(context.Context) error{s.parties.Flush, s.contracts.Flush, s.items.Flush, s.plans.Flush, s.katos.Flush} {
		if err := flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Discard drops everything staged under a location prefix: a file ("file:") or a line of one. The rows
// gathered under it are forgotten, the others copied, and those copied under it deleted.
func (s *Staged) Discard(ctx context.Context, prefix string) error {
	s.parties.dropUnder(prefix, func(r *record.Party) string { return r.Loc })
	s.contracts.dropUnder(prefix, func(r *record.Contract) string { return r.Loc })
	s.items.dropUnder(prefix, func(r *record.Item) string { return r.Loc })
	s.plans.dropUnder(prefix, func(r *record.PlanPoint) string { return r.Loc })
	s.katos.dropUnder(prefix, func(r *record.PlanKATO) string { return r.Loc })
	if err := s.Flush(ctx); err != nil {
		return err
	}
	return s.tables.Discard(ctx, prefix)
}
