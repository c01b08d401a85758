package portalexport

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

var (
	recordPath   = regexp.MustCompile(`^\$(\.items)?\[(\d+)\]$`)
	currencyText = regexp.MustCompile(`^[A-Z]{3}$`)
	plainDecimal = regexp.MustCompile(`^\+?\d{1,15}(\.\d{1,20})?$`)
)

// FuzzPortalPage feeds arbitrary bytes to the reader as a saved contract/ page: the JSON stream, the record
// decoding and every field check, with the sink in memory. Whatever the bytes, the page must end up as
// records handed on and reported bad records; it never fails the import. Records handed on obey the
// schema's rules, and where the page is valid JSON they agree with a plain decode of it.
func FuzzPortalPage(f *testing.F) {
	pages, err := filepath.Glob(filepath.Join("..", "testdata", "portal-*", "contract", "*.json")) // the import tests' exports
	require.NoError(f, err)
	for _, p := range pages {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	good := `{"id": 1001, "customer_bin": "100140000001", "supplier_biin": "100240000003", "sign_date": "2016-08-01", "contract_sum_wnds": 600000.005, "contract_ms": "84.5", "ref_currency_code": "usd", "exchange_rate": "470.5"}`
	for _, s := range []string{
		`{"items": [` + good + `], "next_page": null}`,
		`[` + good + `, ` + good + `]`,
		`{"items": [{"id": "1003", "contract_sum_wnds": {"v": 1}}, ` + good + `]}`,
		`{"next_page": 2, "items": null, "items": [` + good + `]}`,
		`{"items": [{"id": 1, "sign_date": "2016-13-45", "contract_sum_wnds": "12,5"}]}`,
		`{"items": [{"id": 1, "contract_sum_wnds": 1e400, "contract_ms": -0}]}`,
		`{"items": [` + good[:40],
		`{"items": [` + good + `,`,
		`{"items": [{"id": 1,}]}`,
		`{"items": {}}`,
		`{"items": []} []`,
		`<html>`,
		``,
		`null`,
		"\xef\xbb\xbf[]",
	} {
		f.Add([]byte(s))
	}

	const rel = "contract/page-000001.json"
	// One file, rewritten for each input: a fuzz worker runs its inputs one at a time.
	dir := f.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(f, os.MkdirAll(filepath.Dir(path), 0o755))
	f.Fuzz(func(t *testing.T, page []byte) {
		require.NoError(t, os.WriteFile(path, page, 0o600))
		m, errs := &memSink{}, &record.Errors{}

		err := newTestReader(t, m, errs, 1).Read(context.Background(), dir)
		require.NoError(t, err, "a bad page must be reported as a bad record, not fail the import")

		// Errors: record errors at rel:$path, then at most one error for the file itself, last. A file
		// that is broken is dropped whole.
		recordErrs, fileErr := 0, false
		for i, e := range errs.List() {
			require.NotEmpty(t, e.Reason)
			if e.Location == rel {
				require.Equal(t, len(errs.List())-1, i, "the file's error ends it: %v", errs.List())
				fileErr = true
				continue
			}
			p, ok := strings.CutPrefix(e.Location, rel+":")
			require.True(t, ok, "location %q", e.Location)
			require.Regexp(t, recordPath, p)
			recordErrs++
		}
		if fileErr {
			require.Empty(t, m.contracts, "a broken file is dropped whole")
		} else {
			require.Equal(t, m.records, int64(len(m.contracts)+recordErrs), "every record read is handed on or reported")
		}

		byPath := map[string]record.Contract{}
		for _, c := range m.contracts {
			p, ok := strings.CutPrefix(c.Loc, rel+":")
			require.True(t, ok, "loc %q", c.Loc)
			require.Regexp(t, recordPath, p)
			byPath[p] = c
			require.NotEmpty(t, c.SourceID)
			require.NotEmpty(t, c.CustomerBin)
			require.NotEmpty(t, c.SupplierKey)
			require.True(t, c.SignedOn.Year() >= 1990 && c.SignedOn.Year() <= 2100, "signed %v", c.SignedOn)
			require.NotNil(t, c.Total)
			require.GreaterOrEqual(t, *c.Total, int64(0))
			if c.TotalAlt != nil {
				require.GreaterOrEqual(t, *c.TotalAlt, int64(0))
			}
			require.Regexp(t, currencyText, c.Currency)
			if c.LocalContentBp != nil {
				require.True(t, *c.LocalContentBp >= 0 && *c.LocalContentBp <= 10000, "local content %d", *c.LocalContentBp)
			}
			if c.ExchangeRate != nil {
				require.True(t, fieldtext.IsDecimal(*c.ExchangeRate), *c.ExchangeRate)
			}
		}

		items, ok := referenceItems(page)
		if !ok {
			return
		}
		require.Equal(t, int64(len(items)), m.records, "records of a valid page; errors %v", errs.List())
		require.Equal(t, recordErrs, len(errs.List()), "a valid page has no file error: %v", errs.List())
		for p, raw := range items {
			c, handed := byPath[p]
			if !handed {
				continue
			}
			id, ok := lastField(raw, "id")
			require.True(t, ok, "a record handed on has an id: %s", raw)
			require.Equal(t, referenceText(id), c.SourceID)
			sum, _ := lastField(raw, "contract_sum_wnds")
			if want, ok := referenceMinor(referenceText(sum)); ok {
				require.Equal(t, want, *c.Total, "contract_sum_wnds %s", sum)
			}
		}
	})
}

// referenceItems decodes a valid page without the importer's streaming: the records by JSON path. ok is
// false when the page is not valid JSON or not a page whose records can be told apart that way.
func referenceItems(page []byte) (map[string]json.RawMessage, bool) {
	if !json.Valid(page) {
		return nil, false
	}
	out := map[string]json.RawMessage{}
	var arr []json.RawMessage
	if trimmed := bytes.TrimSpace(page); trimmed[0] == '[' {
		if json.Unmarshal(page, &arr) != nil {
			return nil, false
		}
		for i, r := range arr {
			out["$["+strconv.Itoa(i)+"]"] = r
		}
		return out, true
	}
	// An object: walk its keys, since the importer reads every "items" key in turn.
	seen := 0
	ok := eachKey(page, func(key string, v json.RawMessage) bool {
		if key != "items" {
			return true
		}
		seen++
		if string(v) == "null" {
			return true
		}
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil || seen > 1 { // two "items" arrays: their paths collide
			return false
		}
		for i, r := range items {
			out["$.items["+strconv.Itoa(i)+"]"] = r
		}
		return true
	})
	if !ok {
		return nil, false
	}
	if seen == 0 {
		return nil, false
	}
	return out, true
}

// lastField returns the value encoding/json gives a struct field named name from the object raw: the last
// key equal to name under case folding.
func lastField(raw json.RawMessage, name string) (json.RawMessage, bool) {
	var out json.RawMessage
	found := false
	if !eachKey(raw, func(key string, v json.RawMessage) bool {
		if strings.EqualFold(key, name) {
			out, found = v, true
		}
		return true
	}) {
		return nil, false
	}
	return out, found
}

// eachKey calls fn with each key of the JSON object raw and its value, in order, until fn returns false;
// it is false when raw is not an object or fn stopped.
func eachKey(raw []byte, fn func(key string, v json.RawMessage) bool) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false
		}
		k, _ := key.(string)
		if !fn(k, v) {
			return false
		}
	}
	return true
}

// referenceText is a JSON string or number as the importer keeps it: strings trimmed, numbers verbatim.
func referenceText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return string(bytes.TrimSpace(raw))
}

// referenceMinor converts a plain decimal to tiyn with big.Rat, rounding half away from zero.
func referenceMinor(text string) (int64, bool) {
	if !plainDecimal.MatchString(text) {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(text, "+"))
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	n := new(big.Int).Quo(r.Num(), r.Denom())
	rem := new(big.Rat).Sub(r, new(big.Rat).SetInt(n))
	if rem.Cmp(big.NewRat(1, 2)) >= 0 {
		n.Add(n, big.NewInt(1))
	}
	if !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}
