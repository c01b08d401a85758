package loader

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// memTables records what Staged copies, a chunk at a time, and what it discards.
type memTables struct {
	chunks    [][]string // each copy's locations, in order
	discarded []string
}

func copied[T any](m *memTables, rows []T, loc func(T) string) error {
	var locs []string
	for _, r := range rows {
		locs = append(locs, loc(r))
	}
	m.chunks = append(m.chunks, locs)
	return nil
}

func (m *memTables) Parties(_ context.Context, rows []record.Party) error {
	return copied(m, rows, func(r record.Party) string { return r.Loc })
}

func (m *memTables) Contracts(_ context.Context, rows []record.Contract) error {
	return copied(m, rows, func(r record.Contract) string { return r.Loc })
}

func (m *memTables) Items(_ context.Context, rows []record.Item) error {
	return copied(m, rows, func(r record.Item) string { return r.Loc })
}

func (m *memTables) PlanPoints(_ context.Context, rows []record.PlanPoint) error {
	return copied(m, rows, func(r record.PlanPoint) string { return r.Loc })
}

func (m *memTables) PlanKATOs(_ context.Context, rows []record.PlanKATO) error {
	return copied(m, rows, func(r record.PlanKATO) string { return r.Loc })
}

func (m *memTables) Discard(_ context.Context, prefix string) error {
	m.discarded = append(m.discarded, prefix)
	return nil
}

// Staged copies each table's rows a chunk at a time; a discard forgets the rows gathered under its prefix,
// copies the others, and has the tables delete what they hold under it.
func TestStagedChunksAndDiscard(t *testing.T) {
	ctx := context.Background()
	m := &memTables{}
	s := NewStaged(m, 2)
	contract := func(loc string) record.Contract { return record.Contract{Loc: loc} }
	require.NoError(t, s.Contracts(ctx, []record.Contract{contract("a:1"), contract("a:2"), contract("a:3")}))
	require.Equal(t, [][]string{{"a:1", "a:2"}}, m.chunks, "a full chunk is copied at once")
	require.NoError(t, s.Deal(ctx, &record.Deal{Contracts: []record.Contract{contract("b:1")}, Items: []record.Item{{Loc: "b:1"}}}))
	require.Equal(t, [][]string{{"a:1", "a:2"}, {"a:3", "b:1"}}, m.chunks)
	require.NoError(t, s.Parties(ctx, []record.Party{{Loc: "b:2"}, {Loc: "c:1"}, {Loc: "b:3"}}))
	require.NoError(t, s.Discard(ctx, "b:"))
	require.Equal(t, []string{"b:"}, m.discarded)
	require.Equal(t, [][]string{{"a:1", "a:2"}, {"a:3", "b:1"}, {"b:2", "c:1"}}, m.chunks,
		"the gathered item b:1 and party b:3 are forgotten; what was copied is the tables' to delete")
	require.NoError(t, s.PlanKATOs(ctx, []record.PlanKATO{{Loc: "d:1"}}))
	require.NoError(t, s.Flush(ctx))
	require.Equal(t, []string{"d:1"}, m.chunks[len(m.chunks)-1])
	require.Len(t, m.chunks, 4)
}
