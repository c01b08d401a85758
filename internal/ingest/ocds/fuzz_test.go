package ocds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

var (
	ocdsLocation = regexp.MustCompile(`^(\$|line \d+( value \d+)?)(:?\$)?([.\[].*)?$`)
	countryText  = regexp.MustCompile(`^([A-Z]{2})?$`)
	currencyText = regexp.MustCompile(`^[A-Z]{3}$`)
)

// FuzzOCDS feeds arbitrary bytes to the OCDS reader as a .json, .jsonl or .json.gz file, with the staging
// tables in memory. Whatever the bytes, the import never fails: problems are reported with the file's
// name and a JSON path or line; what is staged obeys the schema and the merge's needs (every contract's
// buyer and supplier staged, every unit's contract and plan point staged); and a file that breaks off is
// dropped whole.
func FuzzOCDS(f *testing.F) {
	for _, name := range []string{"ocds-items.json", "ocds-moldova-active.json"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", name)) // the samples the import tests read too
		require.NoError(f, err)
		f.Add(b, uint8(0))
	}
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ocds-ukraine-releases.jsonl"))
	require.NoError(f, err)
	f.Add(b, uint8(1))
	f.Add(b, uint8(2))
	release := `{"ocid": "ocds-x-1", "date": "2017-01-10T00:00:00Z", "buyer": {"name": "B", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},
	  "parties": [{"id": "s", "name": "S", "identifier": {"scheme": "UA-EDR", "id": "1"}, "address": {"countryName": "Україна"}}],
	  "awards": [{"id": "a", "status": "active", "date": "2017-01-05", "value": {"amount": 10.005, "currency": "kzt"}, "suppliers": [{"id": "s"}],
	              "items": [{"id": "1", "quantity": 2, "unit": {"value": {"amount": 1.5}}}, {"id": "1", "quantity": "3"}, {"description": "x"}]}],
	  "contracts": [{"id": "c", "awardID": "b", "status": "terminated", "suppliers": {"name": "T"}, "dateSigned": "2017-02-01",
	                 "implementation": {"transactions": [{"amount": {"amount": 3, "currency": "KZT"}}]}}]}`
	for _, s := range []string{
		`{"releases": [` + release + `, ` + release + `]}`,
		`{"records": [{"ocid": "ocds-x-1", "compiledRelease": ` + release + `}]}`,
		`{"ocid": "ocds-x-1", "releases": [` + release + `, {"url": "u", "tag": ["award"]}]}`,
		`{"releases": [` + release + `], "compiledRelease": ` + release + `}`,
		release + "\n" + release,
		`[` + release + `, 1, "x"]`,
		`{"releases": [` + release[:120],
		`{"releases": {}} {"records": 5}`,
		`{"items": [], "next_page": null}`,
		`{"ocid": "o", "awards": [{"id": 1, "status": "active", "value": {"amount": "1e5", "currency": "USD"}, "date": "2017-01-01", "suppliers": [{"id": 7}]}]}`,
		`{"ocid": "o", "contracts": [{"id": "c", "status": "active", "extendsContractID": "d", "value": {}}, {"id": "d", "status": "active"}]}`,
		``, `null`, `[]`, `{}`, `{"releases": null}`,
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
	}

	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte, mode uint8) {
		name := []string{"fuzz.json", "fuzz.jsonl", "fuzz.json.gz"}[mode%3]
		data := content
		if mode%3 == 2 {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			_, _ = w.Write(content)
			require.NoError(t, w.Close())
			data = b.Bytes()
		}
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		m := &memSink{}
		errs := &record.Errors{}

		require.NoError(t, newTestReader(t, m, errs).Read(context.Background(), path), "bad input is reported, never fails the import")

		fileErr := false
		for i, e := range errs.List() {
			require.NotEmpty(t, e.Reason)
			if e.Location == name {
				require.Equal(t, len(errs.List())-1, i, "the file's error ends it: %v", errs.List())
				fileErr = true
				continue
			}
			p, ok := strings.CutPrefix(e.Location, name+":")
			require.True(t, ok, "location %q", e.Location)
			require.Regexp(t, ocdsLocation, p)
		}
		if fileErr {
			require.Empty(t, m.contracts, "a broken file is dropped whole")
			require.Empty(t, m.units)
			require.Empty(t, m.subjects)
			require.Empty(t, m.plans)
		}

		subjects := map[string]bool{}
		for _, s := range m.subjects {
			subjects[s.Identifier] = true
			require.NotEmpty(t, s.Identifier)
			require.Regexp(t, countryText, s.Country)
			require.Equal(t, s.Country == "KZ", s.Resident)
			require.False(t, s.Producer)
			if s.BIN != nil {
				require.Len(t, *s.BIN, 12)
				require.Equal(t, *s.BIN, s.Identifier)
			}
		}
		contracts := map[string]bool{}
		for _, c := range m.contracts {
			requireStagedLoc(t, name, c.Loc)
			contracts[c.SourceID] = true
			require.Contains(t, c.SourceID, "/")
			require.True(t, subjects[c.CustomerBin], "buyer %q staged", c.CustomerBin)
			require.True(t, subjects[c.SupplierKey], "supplier %q staged", c.SupplierKey)
			require.True(t, c.SignedOn.Year() >= 1990 && c.SignedOn.Year() <= 2100, "signed %v", c.SignedOn)
			require.NotNil(t, c.Total)
			require.True(t, *c.Total >= 0 && *c.Total <= maxMinor, "total %d", *c.Total)
			require.Regexp(t, currencyText, c.Currency)
			require.Contains(t, []string{"active", "terminated"}, c.Status)
			require.Nil(t, c.ExchangeRate)
		}
		plans := map[string]bool{}
		for _, p := range m.plans {
			requireStagedLoc(t, name, p.Loc)
			require.Equal(t, p.Loc, p.PlanID)
			require.False(t, plans[p.PlanID], "plan point %s staged twice", p.PlanID)
			plans[p.PlanID] = true
			require.NoError(t, fieldtext.CheckEnstru("", p.EnstruCode))
		}
		units := map[string]bool{}
		for _, u := range m.units {
			requireStagedLoc(t, name, u.Loc)
			require.False(t, units[u.Loc], "unit %s staged twice", u.Loc)
			units[u.Loc] = true
			require.True(t, contracts[u.ContractSourceID], "unit of contract %s", u.ContractSourceID)
			require.True(t, plans[u.PlanID], "unit's plan point %s", u.PlanID)
			require.NotEmpty(t, u.SourceID)
			require.True(t, u.Value >= 0 && u.Value <= maxMinor, "value %d", u.Value)
			require.True(t, fieldtext.IsDecimal(u.Quantity), u.Quantity)
			if u.UnitPrice != nil {
				require.GreaterOrEqual(t, *u.UnitPrice, int64(0))
			}
		}
		require.Len(t, m.plans, len(m.units))

		// A single valid package: one record read per release or record in it.
		if mode%3 != 1 {
			if n, ok := referencePackageSize(content); ok {
				require.Equal(t, n, m.records, "releases or records of the package; errors %v", errs.List())
			}
		}
	})
}

func requireStagedLoc(t *testing.T, name, loc string) {
	t.Helper()
	p, ok := strings.CutPrefix(loc, name+":")
	require.True(t, ok, "loc %q", loc)
	require.Regexp(t, ocdsLocation, p)
}

// referencePackageSize counts the releases or records of content when it is one JSON object with exactly
// one of a "releases" or "records" array and no other sign of a record, each key once.
func referencePackageSize(content []byte) (int64, bool) {
	if !json.Valid(content) {
		return 0, false
	}
	dec := json.NewDecoder(bytes.NewReader(content))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, false
	}
	seen := map[string]int{}
	var list []json.RawMessage
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0, false
		}
		key := k.(string)
		seen[key]++
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return 0, false
		}
		if key == "releases" || key == "records" {
			if json.Unmarshal(v, &list) != nil {
				return 0, false
			}
		}
	}
	for k, n := range seen {
		if n > 1 && (k == "releases" || k == "records" || topDocFields[k]) {
			return 0, false
		}
	}
	if seen["releases"]+seen["records"] != 1 || seen["ocid"] > 0 || seen["compiledRelease"] > 0 || seen["versionedRelease"] > 0 {
		return 0, false
	}
	if list == nil {
		return 0, false
	}
	return int64(len(list)), true
}

// The reader holds one release at a time: memory does not grow with the file. A 64 MB release package
// and the same releases as JSON Lines are read with a live heap that stays small.
func TestOCDSMemoryDoesNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 128 MB")
	}
	dir := t.TempDir()
	release := func(i int) string {
		return fmt.Sprintf(`{"ocid": "ocds-mem000-%d", "id": "r%d", "date": "2017-01-10T00:00:00Z", "tag": ["contract"],
 "buyer": {"id": "b"}, "parties": [{"id": "b", "name": "Buyer %d", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},
 {"id": "s", "name": "Supplier", "identifier": {"scheme": "UA-EDR", "id": "%08d"}, "address": {"countryName": "Україна", "streetAddress": "%s"}}],
 "tender": {"title": "Школьная форма", "procurementMethod": "open", "description": "%s"},
 "awards": [{"id": "a", "status": "active", "date": "2017-01-05", "value": {"amount": %d.25, "currency": "KZT"}, "suppliers": [{"id": "s"}],
   "items": [{"id": "1", "description": "Форма школьная", "quantity": 3, "unit": {"name": "шт", "value": {"amount": 1.25}}},
             {"id": "2", "description": "Сарафан школьный", "quantity": 1}]}]}`, i, i, i, i, strings.Repeat("ул. Длинная, ", 20), strings.Repeat("описание ", 60), 1000+i)
	}
	const n = 36000
	pkg := filepath.Join(dir, "package.json")
	lines := filepath.Join(dir, "releases.jsonl")
	for _, p := range []string{pkg, lines} {
		f, err := os.Create(p)
		require.NoError(t, err)
		w := bufio.NewWriter(f)
		if p == pkg {
			_, _ = w.WriteString(`{"uri": "u", "releases": [`)
		}
		for i := 0; i < n; i++ {
			r := release(i)
			if p == lines {
				r = strings.ReplaceAll(r, "\n", "") + "\n"
			} else if i > 0 {
				r = ",\n" + r
			}
			_, err := w.WriteString(r)
			require.NoError(t, err)
		}
		if p == pkg {
			_, _ = w.WriteString(`]}`)
		}
		require.NoError(t, w.Flush())
		require.NoError(t, f.Close())
		info, err := os.Stat(p)
		require.NoError(t, err)
		require.Greater(t, info.Size(), int64(60<<20))
	}

	for _, p := range []string{pkg, lines} {
		var peak uint64
		var contracts, units int
		sample := func() {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		// Rows are counted, not kept, and the live heap sampled every 5,000 contracts (a chunk's copy).
		sink := &countingSink{deal: func(d record.Deal) {
			units += len(d.Items)
			for range d.Contracts {
				if contracts++; contracts%5000 == 0 {
					sample()
				}
			}
		}}
		errs := &record.Errors{}
		require.NoError(t, newTestReader(t, sink, errs).Read(context.Background(), p))
		require.Empty(t, errs.List())
		require.Equal(t, int64(n), sink.records)
		require.Equal(t, n, contracts)
		require.Equal(t, 2*n, units)
		t.Logf("%s: peak live heap %d MB", filepath.Base(p), peak>>20)
		require.Less(t, peak, uint64(32<<20), "live heap while reading %s", filepath.Base(p))
	}
}

func TestOCDSTimes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		quantity, price string
		want            int64
		ok              bool
	}{
		{"5", "1000.005", 500003, true},
		{"0.5", "0.01", 1, true},
		{"0.4", "0.01", 0, true},
		{"1e3", "2.5", 250000, true},
		{"+2", "3", 600, true},
		{"1e999", "1", 0, false},
		{"100000000000", "1000000", 0, false},
	} {
		got, ok := times(tt.quantity, tt.price)
		require.Equal(t, tt.ok, ok, "%s × %s", tt.quantity, tt.price)
		require.Equal(t, tt.want, got, "%s × %s", tt.quantity, tt.price)
	}
	// The 128-bit path agrees with math/big wherever it answers.
	rng := rand.New(rand.NewPCG(5, 6))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	number := func() string {
		s := strconv.Itoa(rng.IntN(10)) + digits(rng.IntN(12))
		if rng.IntN(2) == 0 {
			s += "." + digits(1+rng.IntN(9))
		}
		return s
	}
	answered := 0
	for range 20000 {
		q, p := number(), number()
		got, ok, exact := timesSmall(q, p)
		if !exact {
			continue
		}
		answered++
		want, wantOK := timesBig(q, p)
		require.Equal(t, wantOK, ok, "%s × %s", q, p)
		require.Equal(t, want, got, "%s × %s", q, p)
	}
	require.Greater(t, answered, 15000)
	for _, tt := range [][2]string{{"0.5", "0.01"}, {"2.5", "0.01"}, {"1.5", "0.003"}, {"999999999999999999", "999999999999999999"}} {
		got, ok, exact := timesSmall(tt[0], tt[1])
		require.True(t, exact)
		want, wantOK := timesBig(tt[0], tt[1])
		require.Equal(t, [2]any{want, wantOK}, [2]any{got, ok}, "%s × %s", tt[0], tt[1])
	}

	// A unit price written with a huge exponent is taken in tiyn (0 here), not computed exactly.
	r := &releaseReader{o: &fileReader{sink: &memSink{}, look: newLookups(testClassifier(t), "KZ", nil)}}
	it, err := r.item(node{v: fromStd(map[string]any{"id": "1", "quantity": json.Number("2"),
		"unit": map[string]any{"value": map[string]any{"amount": json.Number("1e-999999999")}}}), base: "$"}, 0)
	require.NoError(t, err)
	require.Equal(t, int64(0), *it.value)
}

// countingSink hands each deal to a function and keeps nothing.
type countingSink struct {
	deal    func(record.Deal)
	records int64
}

func (c *countingSink) Deal(_ context.Context, d record.Deal) error {
	c.deal(d)
	return nil
}

func (c *countingSink) Discard(context.Context, string) error { return nil }

func (c *countingSink) Counted(n int64) { c.records += n }
