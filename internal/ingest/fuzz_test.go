package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// memStage holds what a stager would have copied into the staging tables (loader.Tables).
type memStage struct {
	subjects  []record.Party
	contracts []record.Contract
	units     []record.Item
	plans     []record.PlanPoint
	katos     []record.PlanKATO
}

func (m *memStage) Parties(_ context.Context, r []record.Party) error {
	m.subjects = append(m.subjects, r...)
	return nil
}

func (m *memStage) Contracts(_ context.Context, r []record.Contract) error {
	m.contracts = append(m.contracts, r...)
	return nil
}

func (m *memStage) Items(_ context.Context, r []record.Item) error {
	m.units = append(m.units, r...)
	return nil
}

func (m *memStage) PlanPoints(_ context.Context, r []record.PlanPoint) error {
	m.plans = append(m.plans, r...)
	return nil
}

func (m *memStage) PlanKATOs(_ context.Context, r []record.PlanKATO) error {
	m.katos = append(m.katos, r...)
	return nil
}

func (m *memStage) Discard(_ context.Context, prefix string) error {
	drop := func(loc string) bool { return strings.HasPrefix(loc, prefix) }
	m.subjects = slices.DeleteFunc(m.subjects, func(r record.Party) bool { return drop(r.Loc) })
	m.contracts = slices.DeleteFunc(m.contracts, func(r record.Contract) bool { return drop(r.Loc) })
	m.units = slices.DeleteFunc(m.units, func(r record.Item) bool { return drop(r.Loc) })
	m.plans = slices.DeleteFunc(m.plans, func(r record.PlanPoint) bool { return drop(r.Loc) })
	m.katos = slices.DeleteFunc(m.katos, func(r record.PlanKATO) bool { return drop(r.Loc) })
	return nil
}

// newMemStager returns a stager that needs no database: its staging tables are slices.
func newMemStager(t testing.TB) (*stager, *memStage) {
	t.Helper()
	c, err := classify.New([]classify.Rule{
		{CategoryID: 1, Slug: "school-uniforms", Priority: 10, Keywords: []string{"школьн* форм*", "school uniform*"}},
		{CategoryID: 2, Slug: "workwear", Priority: 20, EnstruPrefixes: []string{"1412"}},
	})
	require.NoError(t, err)
	m := &memStage{}
	return newStager(m, 0, c, "KZ"), m
}

var currencyText = regexp.MustCompile(`^[A-Z]{3}$`)

// FuzzCSVFile feeds arbitrary bytes to the CSV reader with the staging tables in memory: it never fails
// the import or panics, every error names the file and a line of it, and every row read is either staged
// or reported.
func FuzzCSVFile(f *testing.F) {
	for _, name := range []string{"items.csv", "items-semicolon.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	header := "contract_id,signed_on,buyer_bin,supplier_id,value,kato,item_id"
	for _, s := range []string{
		header + "\nC-1,2016-08-01,100140000001,100240000003,1000.00,751110000,\n",
		header + "\nC-1,01.08.2016,100140000001,100240000003,\"1,5\",75,1\n\n,,,,,,\n",
		header + "\n\"C-1\"x,2016-08-01,100140000001,100240000003,1,,\n",
		header + "\nC-1,2016-08-01,100140000001,100240000003,1,,,extra\nC-2\n",
		strings.ReplaceAll(header, ",", ";") + "\r\nC-1;01.08.2016;100140000001;CN91;1 234,50;;\r\n",
		"\xef\xbb\xbf" + header + "\n",
		"",
		"\n\n",
	} {
		f.Add([]byte(s))
	}
	path := filepath.Join(f.TempDir(), "items.csv")
	f.Fuzz(func(t *testing.T, content []byte) {
		require.NoError(t, os.WriteFile(path, content, 0o600))
		st, m := newMemStager(t)
		errs := &errorLog{}

		require.NoError(t, readCSV(context.Background(), path, st, errs))
		require.NoError(t, st.flush(context.Background()))

		lines := bytes.Count(content, []byte("\n")) + 1
		rowErrs := 0
		for _, e := range errs.List() {
			require.NotEmpty(t, e.Reason)
			if e.Location == "items.csv" {
				continue
			}
			n, ok := strings.CutPrefix(e.Location, "items.csv:")
			require.True(t, ok, "location %q", e.Location)
			line, err := strconv.Atoi(n)
			require.NoError(t, err, "location %q", e.Location)
			require.True(t, line >= 1 && line <= lines, "line %d of %d", line, lines)
			if line > 1 && !strings.HasPrefix(e.Reason, "wrong number of fields") && !strings.HasPrefix(e.Reason, "unreadable CSV") &&
				!strings.HasPrefix(e.Reason, "the line is not UTF-8") {
				rowErrs++
			}
		}
		require.Equal(t, st.records, int64(len(m.units)+rowErrs), "rows read are staged or reported: %v", errs.List())
		require.Len(t, m.contracts, len(m.units))
		for _, u := range m.units {
			require.GreaterOrEqual(t, u.Value, int64(0))
			require.NotEmpty(t, u.SourceID)
			require.NotEmpty(t, u.ContractSourceID)
		}
		for _, c := range m.contracts {
			require.Len(t, c.CustomerBin, 12)
			require.Regexp(t, currencyText, c.Currency)
		}
	})
}
