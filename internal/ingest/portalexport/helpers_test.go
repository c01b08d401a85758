package portalexport

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// memSink keeps what a reader hands on as the staging tables would hold it. Its methods lock, since with
// PlansAlongside two goroutines hand rows on.
type memSink struct {
	mu        sync.Mutex
	subjects  []record.Party
	contracts []record.Contract
	units     []record.Item
	plans     []record.PlanPoint
	katos     []record.PlanKATO
	records   int64
}

func (m *memSink) Parties(_ context.Context, rows []record.Party) error {
	return m.locked(func() { m.subjects = append(m.subjects, rows...) })
}

func (m *memSink) Contracts(_ context.Context, rows []record.Contract) error {
	return m.locked(func() { m.contracts = append(m.contracts, rows...) })
}

func (m *memSink) Items(_ context.Context, rows []record.Item) error {
	return m.locked(func() { m.units = append(m.units, rows...) })
}

func (m *memSink) PlanPoints(_ context.Context, rows []record.PlanPoint) error {
	return m.locked(func() { m.plans = append(m.plans, rows...) })
}

func (m *memSink) PlanKATOs(_ context.Context, rows []record.PlanKATO) error {
	return m.locked(func() { m.katos = append(m.katos, rows...) })
}

func (m *memSink) Discard(_ context.Context, prefix string) error {
	return m.locked(func() {
		m.subjects = dropUnder(m.subjects, prefix, func(r record.Party) string { return r.Loc })
		m.contracts = dropUnder(m.contracts, prefix, func(r record.Contract) string { return r.Loc })
		m.units = dropUnder(m.units, prefix, func(r record.Item) string { return r.Loc })
		m.plans = dropUnder(m.plans, prefix, func(r record.PlanPoint) string { return r.Loc })
		m.katos = dropUnder(m.katos, prefix, func(r record.PlanKATO) string { return r.Loc })
	})
}

func (m *memSink) Counted(n int64) { _ = m.locked(func() { m.records += n }) }

func (m *memSink) locked(fn func()) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn()
	return nil
}

// dropUnder drops the rows read under a location prefix.
func dropUnder[T any](rows []T, prefix string, loc func(T) string) []T {
	return slices.DeleteFunc(rows, func(r T) bool { return strings.HasPrefix(loc(r), prefix) })
}

// newTestReader reads into sink in Kazakhstan, reporting to errs, with school uniforms known by keyword and
// workwear by ENSTRU prefix.
func newTestReader(t testing.TB, sink Sink, errs *record.Errors, workers int) *Reader {
	t.Helper()
	c, err := classify.New([]classify.Rule{
		{CategoryID: 1, Slug: "school-uniforms", Priority: 10, Keywords: []string{"школьн* форм*", "school uniform*"}},
		{CategoryID: 2, Slug: "workwear", Priority: 20, EnstruPrefixes: []string{"1412"}},
	})
	require.NoError(t, err)
	return &Reader{Sink: sink, Errs: errs, Classifier: c, Home: "KZ", Workers: workers,
		Open: func(path, _ string, _ *record.Errors) (io.Reader, func(), error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, nil, err
			}
			return f, func() { f.Close() }, nil
		}}
}
