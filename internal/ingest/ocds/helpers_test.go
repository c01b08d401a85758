package ocds

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// memSink keeps what a reader hands on as the staging tables would hold it; withdrawals are kept apart.
type memSink struct {
	subjects    []record.Party
	contracts   []record.Contract
	units       []record.Item
	plans       []record.PlanPoint
	katos       []record.PlanKATO
	withdrawals []record.Contract
	records     int64
}

func (m *memSink) Deal(_ context.Context, d record.Deal) error {
	if d.Withdrawn {
		m.withdrawals = append(m.withdrawals, d.Contracts[0])
		return nil
	}
	m.subjects = append(m.subjects, d.Parties...)
	m.plans = append(m.plans, d.PlanPoints...)
	m.katos = append(m.katos, d.PlanKATOs...)
	m.units = append(m.units, d.Items...)
	m.contracts = append(m.contracts, d.Contracts...)
	return nil
}

func (m *memSink) Discard(_ context.Context, prefix string) error {
	drop := func(loc string) bool { return strings.HasPrefix(loc, prefix) }
	m.subjects = slices.DeleteFunc(m.subjects, func(r record.Party) bool { return drop(r.Loc) })
	m.contracts = slices.DeleteFunc(m.contracts, func(r record.Contract) bool { return drop(r.Loc) })
	m.units = slices.DeleteFunc(m.units, func(r record.Item) bool { return drop(r.Loc) })
	m.plans = slices.DeleteFunc(m.plans, func(r record.PlanPoint) bool { return drop(r.Loc) })
	m.katos = slices.DeleteFunc(m.katos, func(r record.PlanKATO) bool { return drop(r.Loc) })
	m.withdrawals = slices.DeleteFunc(m.withdrawals, func(r record.Contract) bool { return drop(r.Loc) })
	return nil
}

func (m *memSink) Counted(n int64) { m.records += n }

// testClassifier knows school uniforms by keyword and workwear by ENSTRU prefix.
func testClassifier(t testing.TB) *classify.Classifier {
	t.Helper()
	c, err := classify.New([]classify.Rule{
		{CategoryID: 1, Slug: "school-uniforms", Priority: 10, Keywords: []string{"школьн* форм*", "school uniform*"}},
		{CategoryID: 2, Slug: "workwear", Priority: 20, EnstruPrefixes: []string{"1412"}},
	})
	require.NoError(t, err)
	return c
}

// newTestReader reads into sink in Kazakhstan, reporting to errs; .gz files are unpacked.
func newTestReader(t testing.TB, sink record.Sink, errs *record.Errors) *Reader {
	t.Helper()
	return &Reader{Sink: sink, Errs: errs, Classifier: testClassifier(t), Home: "KZ",
		Open: func(path, rel string) (io.Reader, func(), error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, nil, err
			}
			if !strings.HasSuffix(path, ".gz") {
				return f, func() { f.Close() }, nil
			}
			gz, err := gzip.NewReader(f)
			if err != nil {
				f.Close()
				errs.Addf(rel, "not a gzip file: %v", err)
				return nil, nil, nil
			}
			return gz, func() { gz.Close(); f.Close() }, nil
		}}
}
