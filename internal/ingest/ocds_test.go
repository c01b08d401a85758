package ingest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// ocdsData is the published OCDS data the importer must read (see its SOURCES.md).
func ocdsData(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ULES_OCDS_TESTDATA")
	if dir == "" {
		dir = "/work/shared/testdata/ocds"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no OCDS test data at %s (set ULES_OCDS_TESTDATA)", dir)
	}
	return dir
}

// testRates are the tenge rates loaded for every day the test data signs contracts on.
var testRates = map[string]string{"UAH": "2.5", "MXN": "21.5", "USD": "333.29", "PYG": "0.07", "MDL": "24.4"}

func setupHome(t *testing.T, home string) env {
	t.Helper()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := env{ctx: t.Context(), pool: pool, im: ingest.NewImporter(pool, home, log)}
	for c, r := range testRates {
		_, err := pool.Exec(e.ctx, `INSERT INTO fx_rates (currency, rate_date, rate)
			SELECT $1, d::date, $2::numeric FROM generate_series(DATE '2010-01-01', DATE '2019-12-31', interval '1 day') d`, c, r)
		require.NoError(t, err)
	}
	return e
}

func (e env) importOCDS(t *testing.T, path string, maxErrors int64) (ingest.Result, error) {
	t.Helper()
	return e.im.Import(e.ctx, ingest.Options{Format: "ocds", Path: path, MaxErrors: maxErrors, CreatedBy: "test"})
}

// ocdsTotals are what an import stored: contracts and items, and their tenge values by original currency.
type ocdsTotals struct {
	Contracts, Items int64
	ContractValue    map[string]int64 // currency → Σ contracts.total (tiyn)
	ItemValue        map[string]int64 // currency → Σ contract_items.value (tiyn)
}

func (e env) ocdsTotals(t *testing.T) ocdsTotals {
	t.Helper()
	out := ocdsTotals{ContractValue: map[string]int64{}, ItemValue: map[string]int64{}}
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM contracts WHERE source = 'ocds'`).Scan(&out.Contracts))
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM contract_items`).Scan(&out.Items))
	for _, q := range []struct {
		sql string
		m   map[string]int64
	}{
		{`SELECT currency, sum(total)::bigint FROM contracts GROUP BY currency`, out.ContractValue},
		{`SELECT k.currency, sum(i.value)::bigint FROM contract_items i JOIN contracts k ON k.id = i.contract_id GROUP BY k.currency`, out.ItemValue},
	} {
		rows, err := e.pool.Query(e.ctx, q.sql)
		require.NoError(t, err)
		for rows.Next() {
			var c string
			var v int64
			require.NoError(t, rows.Scan(&c, &v))
			q.m[c] = v
		}
		require.NoError(t, rows.Err())
	}
	return out
}

// ---- The reference: the documented mapping computed again, plainly, from whole decoded files. ----

// refDeal is one contract the documentation says is counted.
type refDeal struct {
	loc      string
	sourceID string
	updated  time.Time
	currency string
	total    *big.Rat            // in the contract's currency
	items    map[string]*big.Rat // item id → value
}

type refResult struct {
	reads   int64
	deals   []refDeal
	noBuyer []string // locations of counted contracts and awards whose release names no buyer
}

func refDecodeAll(t *testing.T, path string) []any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var docs []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err, path)
		docs = append(docs, v)
	}
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }
func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	}
	return ""
}
func rat(v any) *big.Rat {
	s := str(v)
	if s == "" {
		return nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}

// refPublisher walks every file under dir as the documentation describes.
func refPublisher(t *testing.T, dir string) refResult {
	t.Helper()
	var res refResult
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		for i, doc := range refDecodeAll(t, p) {
			require.Zero(t, i, "the published files hold one document each")
			m := obj(doc)
			switch {
			case m["records"] != nil:
				for k, r := range arr(m["records"]) {
					res.reads++
					res.record(t, obj(r), fmt.Sprintf("%s:$.records[%d]", rel, k))
				}
			case m["compiledRelease"] != nil || m["versionedRelease"] != nil:
				res.reads++
				res.record(t, m, rel+":$")
			case m["releases"] != nil:
				for k, r := range arr(m["releases"]) {
					res.reads++
					res.release(obj(r), fmt.Sprintf("%s:$.releases[%d]", rel, k), "")
				}
			default:
				res.reads++
				res.release(m, rel+":$", "")
			}
		}
		return nil
	})
	require.NoError(t, err)
	return res
}

func (res *refResult) record(t *testing.T, r map[string]any, loc string) {
	if cr := obj(r["compiledRelease"]); cr != nil {
		res.release(cr, loc+".compiledRelease", str(r["ocid"]))
		return
	}
	// The published records without a compiledRelease link to planning and tender releases only.
	for _, rel := range arr(r["releases"]) {
		for _, tag := range arr(obj(rel)["tag"]) {
			require.Contains(t, []string{"planning", "tender"}, tag, loc)
		}
	}
}

func (res *refResult) release(r map[string]any, loc, ocid string) {
	if s := str(r["ocid"]); s != "" {
		ocid = s
	}
	var updated time.Time
	if s := str(r["date"]); s != "" {
		updated, _ = time.Parse(time.RFC3339Nano, s)
	}
	hasBuyer := r["buyer"] != nil || obj(r["tender"])["procuringEntity"] != nil
	for _, p := range arr(r["parties"]) {
		for _, role := range arr(obj(p)["roles"]) {
			if role == "buyer" || role == "procuringEntity" {
				hasBuyer = true
			}
		}
	}
	awards := map[string]map[string]any{}
	contractsOf := map[string]int{}
	for _, a := range arr(r["awards"]) {
		awards[str(obj(a)["id"])] = obj(a)
	}
	for _, c := range arr(r["contracts"]) {
		if _, ok := awards[str(obj(c)["awardID"])]; ok {
			contractsOf[str(obj(c)["awardID"])]++
		}
	}
	named := map[string]bool{}
	for j, cv := range arr(r["contracts"]) {
		c := obj(cv)
		status := strings.ToLower(str(c["status"]))
		if status != "active" && status != "terminated" {
			continue
		}
		value := rat(obj(c["value"])["amount"])
		if c["extendsContractID"] != nil && value == nil && len(arr(c["items"])) == 0 {
			continue
		}
		at := fmt.Sprintf("%s.contracts[%d]", loc, j)
		if !hasBuyer {
			res.noBuyer = append(res.noBuyer, at)
			continue
		}
		aid := str(c["awardID"])
		award, hasAward := awards[aid]
		sole := hasAward && contractsOf[aid] == 1
		id := ocid + "/" + str(c["id"])
		if hasAward && !named[aid] {
			id, named[aid] = ocid+"/"+aid, true
		}
		currency := str(obj(c["value"])["currency"])
		if value == nil && sole {
			value, currency = rat(obj(award["value"])["amount"]), str(obj(award["value"])["currency"])
		}
		// A terminated contract's payments are what it counts at; they stand for its value only when it
		// states none and not all its items have a price.
		var paid *big.Rat
		if txs := arr(obj(c["implementation"])["transactions"]); status == "terminated" && len(txs) > 0 {
			paid = new(big.Rat)
			for _, tx := range txs {
				v := obj(obj(tx)["value"])
				if v == nil {
					v = obj(obj(tx)["amount"])
				}
				paid.Add(paid, rat(v["amount"]))
			}
		}
		if c["dateSigned"] == nil && (award == nil || str(award["date"]) == "") {
			continue // reported: no signing date
		}
		items := arr(c["items"])
		if len(items) == 0 && sole {
			items = arr(award["items"])
		}
		if value == nil && paid != nil {
			value = paid
			if priced := refItems(items, paid); len(items) > 0 && !slices.Contains(slices.Collect(maps.Values(priced)), nil) {
				value = new(big.Rat)
				for _, v := range priced {
					value.Add(value, v)
				}
			}
		}
		res.deals = append(res.deals, refDeal{loc: at, sourceID: id, updated: updated,
			currency: strings.ToUpper(currency), total: value, items: refItems(items, value)})
	}
	for i, av := range arr(r["awards"]) {
		a := obj(av)
		if contractsOf[str(a["id"])] > 0 || strings.ToLower(str(a["status"])) != "active" {
			continue
		}
		at := fmt.Sprintf("%s.awards[%d]", loc, i)
		if !hasBuyer {
			res.noBuyer = append(res.noBuyer, at)
			continue
		}
		value := rat(obj(a["value"])["amount"])
		res.deals = append(res.deals, refDeal{loc: at, sourceID: ocid + "/" + str(a["id"]), updated: updated,
			currency: strings.ToUpper(str(obj(a["value"])["currency"])), total: value,
			items: refItems(arr(a["items"]), value)})
	}
}

// refItems values items: quantity × unit price, the rest of the total shared equally by the others.
func refItems(items []any, total *big.Rat) map[string]*big.Rat {
	out := map[string]*big.Rat{}
	var unpriced []string
	priced := new(big.Rat)
	for i, iv := range items {
		it := obj(iv)
		id := str(it["id"])
		if _, dup := out[id]; dup || id == "" {
			id = fmt.Sprintf("%s#%d", id, i+1)
		}
		q, p := rat(it["quantity"]), rat(obj(obj(it["unit"])["value"])["amount"])
		if q == nil || p == nil {
			unpriced = append(unpriced, id)
			out[id] = nil
			continue
		}
		v := roundTiyn(new(big.Rat).Mul(q, p))
		out[id] = v
		priced.Add(priced, v)
	}
	if len(unpriced) > 0 {
		rest := new(big.Rat).Sub(roundTiyn(total), priced)
		if rest.Sign() < 0 {
			rest.SetInt64(0)
		}
		// Equal shares in whole tiyn; the last takes what is left.
		restTiyn := new(big.Int).Quo(new(big.Rat).Mul(rest, big.NewRat(100, 1)).Num(), big.NewInt(1))
		share := new(big.Int).Quo(restTiyn, big.NewInt(int64(len(unpriced))))
		left := new(big.Int).Set(restTiyn)
		for k, id := range unpriced {
			v := new(big.Int).Set(share)
			if k == len(unpriced)-1 {
				v = left
			}
			left = new(big.Int).Sub(left, share)
			out[id] = new(big.Rat).SetFrac(v, big.NewInt(100))
		}
	}
	return out
}

// roundTiyn rounds a non-negative amount to whole tiyn, half away from zero.
func roundTiyn(r *big.Rat) *big.Rat {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	n := new(big.Int).Quo(x.Num(), x.Denom())
	if new(big.Rat).Sub(x, new(big.Rat).SetInt(n)).Cmp(big.NewRat(1, 2)) >= 0 {
		n.Add(n, big.NewInt(1))
	}
	return new(big.Rat).SetFrac(n, big.NewInt(100))
}

// toTenge converts an amount to tiyn of tenge at the test rate, as the merge does (round half away).
func toTenge(t *testing.T, amount *big.Rat, currency string) int64 {
	t.Helper()
	rate, ok := new(big.Rat).SetString(testRates[currency])
	require.True(t, ok, "no test rate for %s", currency)
	v := roundTiyn(new(big.Rat).Mul(roundTiyn(amount), rate))
	n := new(big.Rat).Mul(v, big.NewRat(100, 1))
	require.True(t, n.IsInt())
	return n.Num().Int64()
}

// stored is what the reference says the database holds: per contract the newest version, its items
// those of every version carried (they are matched by id), valued as in the newest.
func (res refResult) stored(t *testing.T) ocdsTotals {
	t.Helper()
	newest := map[string]refDeal{}
	itemIDs := map[string]map[string]bool{}
	for _, d := range res.deals {
		if n, ok := newest[d.sourceID]; !ok || d.updated.After(n.updated) || (d.updated.Equal(n.updated) && d.loc > n.loc) {
			newest[d.sourceID] = d
		}
		if itemIDs[d.sourceID] == nil {
			itemIDs[d.sourceID] = map[string]bool{}
		}
		for id := range d.items {
			itemIDs[d.sourceID][id] = true
		}
	}
	out := ocdsTotals{ContractValue: map[string]int64{}, ItemValue: map[string]int64{}}
	for _, d := range newest {
		out.Contracts++
		out.ContractValue[d.currency] += toTenge(t, d.total, d.currency)
		for id := range itemIDs[d.sourceID] {
			out.Items++
			v, ok := d.items[id]
			require.True(t, ok, "item %s of %s is not in its newest version", id, d.sourceID)
			out.ItemValue[d.currency] += toTenge(t, v, d.currency)
		}
	}
	for _, m := range []map[string]int64{out.ContractValue, out.ItemValue} {
		for c, v := range m {
			if v == 0 {
				delete(m, c)
			}
		}
	}
	return out
}

// ---- The publishers' data. ----

// TestOCDSPublishers imports each publisher's folder as published. Every file either imports or is
// refused with the reason listed here; the figures stored are those of the reference.
func TestOCDSPublishers(t *testing.T) {
	t.Parallel()
	data := ocdsData(t)
	noSigningDate := "required: neither the contract's dateSigned nor its award's date is given"
	tests := []struct {
		dir  string
		want []ingest.RecordError // besides "no buyer" for each contract the reference finds without one
		// hand-checked figures, independent of the reference
		read      int64
		contracts int64
		items     int64
		skipped   []ingest.Skip
	}{
		{
			// Mexico City's release packages (two releases of one contract each, the newer one kept), and
			// Compranet's record packages: terminated contracts without items, two of them without a date.
			dir: "mexico",
			want: []ingest.RecordError{
				{Location: "record-package-1.json:$.records[0].compiledRelease.contracts[1].dateSigned", Reason: noSigningDate},
				{Location: "record-package-2.json:$.records[0].compiledRelease.contracts[0].dateSigned", Reason: noSigningDate},
			},
			read: 6, contracts: 3, items: 2,
		},
		{
			// MTender: every contract's status is "Înregistrat(ă)" and every award's is "": outside the OCDS
			// codelists, so nothing is counted (see TestOCDSMoldovaShape for the same data marked active),
			// and the 36 contracts (counted with a script over the records and releases) are reported.
			dir:  "moldova",
			read: 102,
			skipped: []ingest.Skip{{Count: 36,
				Reason: `contracts whose status "Înregistrat(ă)" is not in the OCDS codelist (active and terminated ones are counted)`}},
		},
		{
			// DNCP: records with compiledRelease (amendments without a value skipped), three empty files, and
			// single-stage releases without a buyer, which need the record to be read.
			dir: "paraguay",
			want: []ingest.RecordError{
				{Location: "records/283826.json", Reason: "file is empty"},
				{Location: "records/283906.json", Reason: "file is empty"},
				{Location: "records/284456.json", Reason: "file is empty"},
			},
			read: 86, contracts: 15, items: 225,
		},
		{
			// A contract release whose buyer is in another release.
			dir:  "paraguay-1.1",
			read: 1,
		},
		{
			// Prozorro: records and the same releases; pending contracts and unsuccessful awards skipped.
			dir:  "ukraine",
			read: 22, contracts: 9, items: 13,
		},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(data, tt.dir)
			ref := refPublisher(t, dir)
			want := append([]ingest.RecordError(nil), tt.want...)
			for _, loc := range ref.noBuyer {
				want = append(want, ingest.RecordError{Location: loc, Reason: "no buyer: the release has no buyer, no party with the role buyer and no tender.procuringEntity"})
			}

			e := setupHome(t, "KZ")
			res, err := e.importOCDS(t, dir, int64(len(want)))
			require.NoError(t, err)
			require.Equal(t, "committed", res.Status)
			require.Equal(t, tt.read, res.Read)
			require.Equal(t, ref.reads, res.Read)
			requireErrors(t, want, res.Errors)
			require.Equal(t, tt.skipped, res.Skipped)
			for _, s := range tt.skipped {
				require.Contains(t, e.batch(t, res.BatchID).Message, s.String(), "the batch records what was skipped")
			}

			got := e.ocdsTotals(t)
			require.Equal(t, tt.contracts, got.Contracts)
			require.Equal(t, tt.items, got.Items)
			require.Equal(t, ref.stored(t), got)
			require.Equal(t, res.Loaded, got.Contracts+got.Items)

			// With one error fewer allowed, nothing is imported.
			if len(want) > 0 {
				e := setupHome(t, "KZ")
				_, err := e.importOCDS(t, dir, int64(len(want)-1))
				require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
				require.Equal(t, emptyCounts(), e.counts(t))
			}
		})
	}
}

// Figures read off the published JSON by hand.
func TestOCDSHandChecked(t *testing.T) {
	t.Parallel()
	data := ocdsData(t)
	type contract struct {
		Buyer, Supplier, Country string
		Resident                 bool
		Signed, Status, Currency string
		Total                    int64
		Items                    int64
		ItemsTotal               int64
	}
	tests := []struct {
		path     string
		sourceID string
		want     contract
	}{
		{
			// 2 910 UAH (VAT included) to a Ukrainian supplier whose country is written "Украина"; the only
			// contract of its award takes the award's id.
			path:     "ukraine/records/ocds-be6bcu-UA-2016-06-02-000468-c.json",
			sourceID: "ocds-be6bcu-UA-2016-06-02-000468-c/bffc7d3d20ef42ce881f742f6be09609",
			want: contract{Buyer: "UA-EDR-20201870", Supplier: "UA-EDR-40133709", Country: "UA", Signed: "2016-06-15",
				Status: "active", Currency: "UAH", Total: 291000 * 25 / 10, Items: 1, ItemsTotal: 291000 * 25 / 10},
		},
		{
			// A supplier identified in the EU's EORI scheme, located in "Україна".
			path:     "ukraine/releases/ocds-be6bcu-UA-2017-01-31-001299-b-3d6d6c5cb1834b8c99d086a82ed41ada.json",
			sourceID: "ocds-be6bcu-UA-2017-01-31-001299-b/3452b930747f4779be5384d8a9f60fdc",
			want: contract{Buyer: "UA-EDR-03071271", Supplier: "XM-EORI-31411114", Country: "UA", Signed: "2017-01-25",
				Status: "active", Currency: "UAH", Total: 1000000 * 25 / 10, Items: 1, ItemsTotal: 1000000 * 25 / 10},
		},
		{
			// Mexico City, OCDS 1.0: organisations written in place, identifiers without a scheme; the newer
			// of the two releases; 471 laptops without a unit price carry the whole 1 311 264 MXN.
			path:     "mexico/release-package-1.json",
			sourceID: "OCDS-87SD3T-AD-SF-DRM-063-2015/1",
			want: contract{Buyer: "ocds-87sd3t/GDF9712054NA", Supplier: "ocds-87sd3t/C&C021030KX2", Country: "MX",
				Signed: "2015-12-30", Status: "active", Currency: "MXN", Total: 131126400 * 215 / 10, Items: 1,
				ItemsTotal: 131126400 * 215 / 10},
		},
		{
			// Compranet: a terminated contract with no payments recorded counts at its value, 189 654 MXN; the
			// supplier's scheme is written out in Spanish and its country as "MÉXICO".
			path:     "mexico/record-package-1.json",
			sourceID: "ocds-07smqs-993235/991324",
			want: contract{Buyer: "ocds-07smqs/INAH-195", Supplier: "MX-RFC-GAB0709244G5", Country: "MX",
				Signed: "2016-01-29", Status: "terminated", Currency: "MXN", Total: 18965400 * 215 / 10},
		},
		{
			// DNCP: the contract's own supplier (contract suppliers extension), the buyer known by name only;
			// four priced items: 2 × 16 × 4 621 617 + 16 × 727 491 + 14 × 1 529 275 = 180 941 450 PYG,
			// beside the contract's 180 941 456.
			path:     "paraguay/records/274231.json",
			sourceID: "ocds-03ad3f-274231/274231-adquisicion-equipos-comunicacion-terminales-opticos-transmision-1",
			want: contract{Buyer: "ocds-03ad3f/Compañía Paraguaya de Comunicaciones (COPACO)",
				Supplier: "PY-RUC-80002612-8", Country: "PY", Signed: "2016-10-18", Status: "active", Currency: "PYG",
				Total: 18094145600 * 7 / 100, Items: 4, ItemsTotal: 18094145000 * 7 / 100},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			t.Parallel()
			e := setupHome(t, "KZ")
			_, err := e.importOCDS(t, filepath.Join(data, tt.path), 10)
			require.NoError(t, err)
			var got contract
			err = e.pool.QueryRow(e.ctx, `
				SELECT b.bin, s.identifier, s.country, s.resident, k.signed_on::text, k.status, k.currency, k.total,
				       (SELECT count(*) FROM contract_items i WHERE i.contract_id = k.id),
				       (SELECT coalesce(sum(value), 0)::bigint FROM contract_items i WHERE i.contract_id = k.id)
				FROM contracts k JOIN buyers b ON b.id = k.buyer_id JOIN suppliers s ON s.id = k.supplier_id
				WHERE k.source = 'ocds' AND k.source_id = $1`, tt.sourceID).
				Scan(&got.Buyer, &got.Supplier, &got.Country, &got.Resident, &got.Signed, &got.Status, &got.Currency,
					&got.Total, &got.Items, &got.ItemsTotal)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// ---- Input shapes. ----

// Every shape of the same data stores the same contracts and items as the published files.
func TestOCDSInputShapes(t *testing.T) {
	t.Parallel()
	data := ocdsData(t)
	jsonl := readFile(t, filepath.Join("testdata", "ocds-ukraine-releases.jsonl"))
	lines := strings.Split(strings.TrimSpace(jsonl), "\n")
	require.Len(t, lines, 3)
	ukraine := []string{
		"ukraine/releases/ocds-be6bcu-UA-2017-01-31-001299-b-3d6d6c5cb1834b8c99d086a82ed41ada.json",
		"ukraine/releases/ocds-be6bcu-UA-2016-06-07-000066-a-23e4c420afc44d8fa2e68ada311a9fe3.json",
		"ukraine/releases/ocds-be6bcu-UA-2017-05-22-000501-b-fe8ed959059d4a65ad80da86e80f6b04.json",
	}
	copyOf := func(t *testing.T, rels ...string) string {
		dir := t.TempDir()
		for _, r := range rels {
			writeFile(t, filepath.Join(dir, filepath.Base(r)), readFile(t, filepath.Join(data, r)))
		}
		return dir
	}
	tests := []struct {
		name     string
		input    func(t *testing.T) string // the shape
		original func(t *testing.T) string // the published files it was made from
		read     int64
	}{
		{
			name: "JSON Lines",
			input: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "releases.jsonl")
				writeFile(t, p, jsonl)
				return p
			},
			original: func(t *testing.T) string { return copyOf(t, ukraine...) },
			read:     3,
		},
		{
			name: "gzipped JSON Lines",
			input: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "releases.jsonl.gz")
				writeFile(t, p, gzipped(t, jsonl))
				return p
			},
			original: func(t *testing.T) string { return copyOf(t, ukraine...) },
			read:     3,
		},
		{
			name: "concatenated JSON",
			input: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "releases.json")
				writeFile(t, p, strings.Join(lines, ""))
				return p
			},
			original: func(t *testing.T) string { return copyOf(t, ukraine...) },
			read:     3,
		},
		{
			name: "array of releases",
			input: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "releases.json")
				writeFile(t, p, "["+strings.Join(lines, ",\n")+"]")
				return p
			},
			original: func(t *testing.T) string { return copyOf(t, ukraine...) },
			read:     3,
		},
		{
			name: "release package of bare releases",
			input: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "package.json")
				writeFile(t, p, `{"uri": "x", "publisher": {"name": "Prozorro"}, "releases": [`+strings.Join(lines, ",")+`], "version": "1.1"}`)
				return p
			},
			original: func(t *testing.T) string { return copyOf(t, ukraine...) },
			read:     3,
		},
		{
			name:  "concatenated pretty release packages",
			input: func(*testing.T) string { return filepath.Join("testdata", "ocds-mexico-concatenated.json") },
			original: func(t *testing.T) string {
				return copyOf(t, "mexico/release-package-1.json", "mexico/release-package-2.json")
			},
			read: 4,
		},
		{
			name:     "gzipped record package",
			input:    func(*testing.T) string { return filepath.Join("testdata", "ocds-paraguay-record-package.json.gz") },
			original: func(t *testing.T) string { return copyOf(t, "paraguay/records/274231.json") },
			read:     1,
		},
		{
			name: "bare records in a folder tree",
			input: func(t *testing.T) string {
				dir := t.TempDir()
				for i, r := range []string{"ukraine/records/ocds-be6bcu-UA-2017-01-31-001299-b.json", "ukraine/records/ocds-be6bcu-UA-2017-05-22-000501-b.json"} {
					sub := filepath.Join(dir, fmt.Sprintf("part%d", i), "deep")
					require.NoError(t, os.MkdirAll(sub, 0o755))
					writeFile(t, filepath.Join(sub, filepath.Base(r)), readFile(t, filepath.Join(data, r)))
				}
				writeFile(t, filepath.Join(dir, "README.txt"), "not read")
				return dir
			},
			// The records' compiled releases are the releases.
			original: func(t *testing.T) string { return copyOf(t, ukraine[0], ukraine[2]) },
			read:     2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := setupHome(t, "KZ")
			_, err := want.importOCDS(t, tt.original(t), 0)
			require.NoError(t, err)

			e := setupHome(t, "KZ")
			res, err := e.importOCDS(t, tt.input(t), 0)
			require.NoError(t, err)
			require.Equal(t, tt.read, res.Read)
			require.Empty(t, res.Errors)
			require.Positive(t, res.Loaded)
			wc, gc := want.contracts(t), e.contracts(t)
			for i := range wc {
				wc[i].UpdatedAt, gc[i].UpdatedAt = "", "" // the batch, not the version, differs
			}
			require.Equal(t, wc, gc)
			require.Equal(t, want.items(t), e.items(t))
			require.Equal(t, want.suppliers(t), e.suppliers(t))
			require.Equal(t, want.buyers(t), e.buyers(t))
		})
	}
}

// Locations in a file of several documents name the document's line.
func TestOCDSLocationsInConcatenatedFiles(t *testing.T) {
	t.Parallel()
	bad := func(ocid string) string {
		return `{"ocid": "` + ocid + `", "date": "2017-01-01T00:00:00Z", "buyer": {"name": "B"}, "awards": [{"id": "a", "status": "active", "date": "2017-01-01", "suppliers": [{"name": "S"}], "value": {"amount": "x", "currency": "KZT"}}]}`
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), bad("ocds-a-1")+"\n\n"+bad("ocds-a-2")+" "+bad("ocds-a-3"))
	writeFile(t, filepath.Join(dir, "b.jsonl"), bad("ocds-b-1")+"\n\n"+bad("ocds-b-2")+"\n")
	e := setupHome(t, "KZ")
	res, err := e.importOCDS(t, dir, 10)
	require.NoError(t, err)
	reason := `"x" is not an amount: invalid number`
	require.Equal(t, []ingest.RecordError{
		{Location: "a.json:$.awards[0].value.amount", Reason: reason},
		{Location: "a.json:line 3:$.awards[0].value.amount", Reason: reason},
		{Location: "a.json:line 3 value 3:$.awards[0].value.amount", Reason: reason},
		{Location: "b.jsonl:line 1:$.awards[0].value.amount", Reason: reason},
		{Location: "b.jsonl:line 3:$.awards[0].value.amount", Reason: reason},
	}, res.Errors)
}

// ---- Mapping details, on fixtures made by hand. ----

func TestOCDSItemsAndValues(t *testing.T) {
	t.Parallel()
	e := setupHome(t, "KZ")
	// The school-uniform producer is on the register: its items are domestic whatever OCDS says.
	_, err := e.pool.Exec(e.ctx, `INSERT INTO producer_register (bin, valid_from, source) VALUES ('100240000003', '2016-01-01', 'test')`)
	require.NoError(t, err)
	res, err := e.importOCDS(t, filepath.Join("testdata", "ocds-items.json"), 0)
	require.NoError(t, err)
	// 4 contracts and 6 items.
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 10}, res)
	require.Equal(t, batchRow{Format: "ocds", Status: "committed", Read: 1, Loaded: 10}, e.batch(t, res.BatchID))

	const (
		school   = "100140000001"
		producer = "100240000003"
		chinese  = "CN-USCC-91330100123456789X"
		russian  = "RU-INN-7701234567"
		updated  = "2016-08-20 09:00:00" // Almaty time of the releases' 03:00Z
	)
	// USD at 333.29 on 5 August 2016: the terminated contract of 900 USD (299 961 tenge) paid 300.50 +
	// 200.25 = 500.75 USD, 166 894.9675 tenge, which is what it counts at.
	require.Equal(t, []contractRow{
		{SourceID: "ocds-kzt001-100/a1", Source: "ocds", Buyer: school, Supplier: producer, SignedOn: "2016-08-01",
			Method: "open", Status: "active", Currency: "KZT", ExchangeRate: "1", Total: 100000000,
			Description: "Договор № 1 на школьную форму", UpdatedAt: updated},
		{SourceID: "ocds-kzt001-100/a2", Source: "ocds", Buyer: school, Supplier: chinese, SignedOn: "2016-08-05",
			Method: "open", Status: "terminated", Currency: "USD", ExchangeRate: "333.29", Total: 29996100,
			Description: "Поставка школьной формы", UpdatedAt: updated},
		{SourceID: "ocds-kzt001-100/a4", Source: "ocds", Buyer: school, Supplier: producer, SignedOn: "2016-08-10",
			Method: "open", Status: "active", Currency: "KZT", ExchangeRate: "1", Total: 500000,
			Description: "Поставка школьной формы", UpdatedAt: updated},
		{SourceID: "ocds-kzt001-100/c3", Source: "ocds", Buyer: school, Supplier: russian, SignedOn: "2016-08-12",
			Method: "open", Status: "active", Currency: "KZT", ExchangeRate: "1", Total: 10000001,
			Description: "Поставка школьной формы", UpdatedAt: updated},
	}, e.contracts(t))

	var plans []struct{ Item, Description, Unit string }
	rows, err := e.pool.Query(e.ctx, `SELECT i.source_id, t.description, i.unit FROM contract_items i
		JOIN item_texts t ON t.id = i.text_id JOIN contracts k ON k.id = i.contract_id ORDER BY k.source_id, i.source_id`)
	require.NoError(t, err)
	for rows.Next() {
		var p struct{ Item, Description, Unit string }
		require.NoError(t, rows.Scan(&p.Item, &p.Description, &p.Unit))
		plans = append(plans, p)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []struct{ Item, Description, Unit string }{
		{"i1", "Форма школьная", "штука"},
		{"i2", "CPV:18222000-2 Форма школьная для мальчиков (костюм)", "796"},
		{"u1", "CPV:18222000-2 Corporate clothing", ""},
		{"f1", "", "метр"},
		{"s1", "", ""},
		{"s1#2", "", ""},
	}, plans)

	require.Equal(t, []itemRow{
		// 200 × 3 000 = 600 000 tenge; the unpriced item takes the other 400 000 of the contract.
		{Contract: "ocds-kzt001-100/a1", Item: "i1", SignedOn: "2016-08-01", Enstru: "141311.100.000001",
			Name: "Школьная форма для девочек", Quantity: "200", UnitPrice: i8(300000), Value: 60000000,
			Category: "school-uniforms", Tier: 1, TierRule: "register", SupplierIdent: producer},
		{Contract: "ocds-kzt001-100/a1", Item: "i2", SignedOn: "2016-08-01",
			Name: "Форма школьная для мальчиков (костюм)", Quantity: "100", Value: 40000000,
			Category: "school-uniforms", Tier: 1, TierRule: "register", SupplierIdent: producer},
		// The award's item stands for the contract: its 900 USD.
		{Contract: "ocds-kzt001-100/a2", Item: "u1", SignedOn: "2016-08-05", Name: "School uniform, boys",
			Quantity: "10", Value: 29996100, Category: "school-uniforms", Tier: 3, TierRule: "non_resident",
			SupplierIdent: chinese},
		// 5 × 1 000.005 = 5 000.025 tenge, rounded half away from zero; the unit price 1 000.005 too.
		{Contract: "ocds-kzt001-100/a4", Item: "f1", SignedOn: "2016-08-10", Name: "Ткань костюмная", Quantity: "5",
			UnitPrice: i8(100001), Value: 500003, Tier: 1, TierRule: "register", SupplierIdent: producer},
		// A repeated item id is told apart by position; 100 000.01 tenge shared, the last takes the odd tiyn.
		{Contract: "ocds-kzt001-100/c3", Item: "s1", SignedOn: "2016-08-12", Name: "Сарафан школьный", Quantity: "3",
			Value: 5000000, Category: "school-uniforms", Tier: 3, TierRule: "non_resident", SupplierIdent: russian},
		{Contract: "ocds-kzt001-100/c3", Item: "s1#2", SignedOn: "2016-08-12", Name: "Сарафан школьный", Quantity: "2",
			Value: 5000001, Category: "school-uniforms", Tier: 3, TierRule: "non_resident", SupplierIdent: russian},
	}, e.items(t))

	// Counted at what was paid: the item's 299 961 tenge scaled by 500.75 / 900.
	var paid, counted int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT k.paid, (SELECT sum(value)::bigint FROM counted_items WHERE contract_id = k.id)
		FROM contracts k WHERE k.source_id = 'ocds-kzt001-100/a2'`).Scan(&paid, &counted))
	require.Equal(t, int64(16689497), paid)
	require.Equal(t, int64(16689497), counted)

	require.Equal(t, []supplierRow{
		{Identifier: producer, BIN: txt(producer), NameRU: "ТОО «Казахстанская швейная фабрика»", Country: "KZ", Resident: true},
		{Identifier: chinese, NameRU: "Zhejiang Huafang Textile Co., Ltd.", Country: "CN"},
		{Identifier: russian, NameRU: "ООО «Текстиль-Опт»", Country: "RU"},
	}, e.suppliers(t))
	require.Equal(t, []buyerRow{{BIN: school, NameRU: "КГУ «Средняя школа №5»", BuyerType: "education"}}, e.buyers(t))
}

// A method is stored as the portal's code when the publisher's own name of it (procurementMethodDetails),
// or procurementMethod itself, names one, so that a target scoped to the portal's methods counts OCDS
// contracts too; otherwise procurementMethod is kept as published.
func TestOCDSMethodAsPortalCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tender string
		want   string
	}{
		{`{"procurementMethod": "open", "procurementMethodDetails": "Открытый конкурс"}`, "2"},
		{`{"procurementMethod": "open", "procurementMethodDetails": " ЗАПРОС ЦЕНОВЫХ ПРЕДЛОЖЕНИЙ "}`, "3"},
		{`{"procurementMethod": "limited", "procurementMethodDetails": "ОИ"}`, "6"},
		{`{"procurementMethod": "open", "procurementMethodDetails": "belowThreshold"}`, "open"},
		{`{"procurementMethod": "direct"}`, "direct"},
		{`{"procurementMethod": "23"}`, "23"},
		{`{"title": "Парта"}`, ""},
	}
	releases := make([]string, len(tests))
	want := map[string]string{}
	for i, tt := range tests {
		ocid := fmt.Sprintf("ocds-kzt001-95%d", i)
		releases[i] = strings.Replace(strings.Replace(okRelease, "ocds-kzt001-900", ocid, 1), `"buyer":`, `"tender": `+tt.tender+`, "buyer":`, 1)
		want[ocid+"/a"] = tt.want
	}
	path := filepath.Join(t.TempDir(), "methods.json")
	writeFile(t, path, `{"uri": "u", "releases": [`+strings.Join(releases, ",")+`]}`)
	e := setupHome(t, "KZ")
	_, err := e.importOCDS(t, path, 0)
	require.NoError(t, err)
	got := map[string]string{}
	for _, c := range e.contracts(t) {
		got[c.SourceID] = c.Method
	}
	require.Equal(t, want, got)
}

// A record without a compiledRelease is compiled from its releases, oldest first.
func TestOCDSRecordCompiled(t *testing.T) {
	t.Parallel()
	record := `{"ocid": "ocds-kzt001-300", "releases": [
	  {"ocid": "ocds-kzt001-300", "id": "3", "date": "2016-10-20T00:00:00Z", "tag": ["contract"],
	   "contracts": [{"id": "c1", "awardID": "a1", "status": "active", "dateSigned": "2016-10-15",
	                  "value": {"amount": 7000, "currency": "KZT"},
	                  "items": [{"id": "1", "description": "Костюм школьный", "quantity": 7}]}]},
	  {"ocid": "ocds-kzt001-300", "id": "1", "date": "2016-10-01T00:00:00Z", "tag": ["tender"],
	   "parties": [{"id": "b", "name": "ГУ «Отдел образования»", "identifier": {"scheme": "KZ-BIN", "id": "100140000009"}, "roles": ["buyer"]}],
	   "buyer": {"id": "b"}, "tender": {"procurementMethod": "limited", "title": "Школьная форма"}},
	  {"ocid": "ocds-kzt001-300", "id": "2", "date": "2016-10-10T00:00:00Z", "tag": ["award"],
	   "parties": [{"id": "s", "name": "ИП Ахметова", "identifier": {"scheme": "KZ-IIN", "id": "850101400123"}, "roles": ["supplier"]}],
	   "awards": [{"id": "a1", "status": "active", "date": "2016-10-05", "value": {"amount": 7500, "currency": "KZT"},
	               "suppliers": [{"id": "s"}]}]},
	  {"ocid": "ocds-kzt001-300", "id": "4", "date": "2016-10-25T00:00:00Z", "tag": ["awardUpdate"],
	   "awards": [{"id": "a1", "status": null, "value": {"amount": 7200, "currency": "KZT"}}]}
	]}`
	path := filepath.Join(t.TempDir(), "record.json")
	writeFile(t, path, record)
	e := setupHome(t, "KZ")
	res, err := e.importOCDS(t, path, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.Read)
	require.Equal(t, []contractRow{{SourceID: "ocds-kzt001-300/a1", Source: "ocds", Buyer: "100140000009",
		Supplier: "850101400123", SignedOn: "2016-10-15", Method: "limited", Status: "active", Currency: "KZT",
		ExchangeRate: "1", Total: 700000, Description: "Школьная форма", UpdatedAt: "2016-10-25 06:00:00"}}, e.contracts(t))
	items := e.items(t)
	require.Len(t, items, 1)
	require.Equal(t, int64(700000), items[0].Value)
	require.Equal(t, "school-uniforms", items[0].Category)
	require.Equal(t, []supplierRow{{Identifier: "850101400123", BIN: txt("850101400123"), NameRU: "ИП Ахметова",
		Country: "KZ", Resident: true}}, e.suppliers(t))
}

func TestOCDSMoldovaShape(t *testing.T) {
	t.Parallel()
	// MTender's release 17180016 with its contracts' status "Înregistrat(ă)" changed to "active": two
	// contracts of 144 708 and 53 922 MDL (currency written "mdl"), suppliers without identifier or
	// address (country unknown, not resident), one CPV item each with an empty quantity and unit price.
	e := setupHome(t, "KZ")
	res, err := e.importOCDS(t, filepath.Join("testdata", "ocds-moldova-active.json"), 0)
	require.NoError(t, err)
	require.Equal(t, int64(4), res.Loaded)
	got := e.ocdsTotals(t)
	require.Equal(t, ocdsTotals{Contracts: 2, Items: 2,
		ContractValue: map[string]int64{"MDL": (14470800 + 5392200) * 244 / 10},
		ItemValue:     map[string]int64{"MDL": (14470800 + 5392200) * 244 / 10}}, got)
	require.Equal(t, []supplierRow{
		{Identifier: "ocds-ngfbwp/3b188361e1e3120bb81b6d821cced2c5", NameRU: "MOLDAN-SERVICE S.R.L."},
		{Identifier: "ocds-ngfbwp/aee62aad7ccd01b62bc63c69f8238786", NameRU: "Î.C.S. EYECON MEDICAL S.R.L."},
	}, e.suppliers(t))
	items := e.items(t)
	require.Equal(t, "ocds-ngfbwp-17180016/award-18741041", items[0].Contract)
	require.Equal(t, "48616", items[0].Item)
	require.Equal(t, "Instrumente de masurare a debitului, a nivelului si a presiunii lichidelor si gazelor", items[0].Name)
	require.Equal(t, "0", items[0].Quantity)
}

// ---- Idempotency, versions, residency. ----

func TestOCDSIdempotent(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(ocdsData(t), "ukraine")
	e := setupHome(t, "KZ")
	first, err := e.importOCDS(t, dir, 0)
	require.NoError(t, err)
	require.Equal(t, int64(22), first.Loaded)
	before := e.checksums(t)

	second, err := e.importOCDS(t, dir, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: second.BatchID, Status: "committed", Read: 22, Unchanged: 22}, second)
	require.Equal(t, before, e.checksums(t))
	var batches int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(DISTINCT batch_id) FROM contracts`).Scan(&batches))
	require.Equal(t, 1, batches)
}

func ocdsVersion(date, amount, supplierScheme, supplierID, supplierName string) string {
	return `{"ocid": "ocds-kzt001-200", "id": "` + date + `", "date": "` + date + `", "tag": ["contract"],
	  "parties": [{"id": "b", "name": "ГУ «Аппарат акима города Шымкент»", "identifier": {"scheme": "KZ-BIN", "id": "100140000002"}, "roles": ["buyer"]},
	              {"id": "s", "name": "` + supplierName + `", "identifier": {"scheme": "` + supplierScheme + `", "id": "` + supplierID + `"}, "roles": ["supplier"]}],
	  "buyer": {"id": "b"},
	  "awards": [{"id": "a", "status": "active", "date": "2016-09-01", "suppliers": [{"id": "s"}]}],
	  "contracts": [{"id": "c", "awardID": "a", "status": "active", "dateSigned": "2016-09-02",
	                 "value": {"amount": ` + amount + `, "currency": "KZT"},
	                 "items": [{"id": "1", "description": "Спецодежда", "quantity": 10}]}]}`
}

// A newer release of a contract replaces the stored one, and the replacement is recorded; the older
// release imported again changes nothing.
func TestOCDSReplacement(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	older := filepath.Join(dir, "v1.json")
	newer := filepath.Join(dir, "v2.json")
	writeFile(t, older, ocdsVersion("2016-09-03T10:00:00Z", "5000", "UA-EDR", "11111111", "ТОВ «Одяг»"))
	writeFile(t, newer, ocdsVersion("2016-09-15T12:00:00Z", "6000", "KZ-BIN", "100340000004", "ТОО «Торговый дом Алем»"))

	e := setupHome(t, "KZ")
	first, err := e.importOCDS(t, older, 0)
	require.NoError(t, err)
	require.Equal(t, int64(2), first.Loaded)
	items := e.items(t)
	require.Equal(t, "non_resident", items[0].TierRule)

	second, err := e.importOCDS(t, newer, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: second.BatchID, Status: "committed", Read: 1, Loaded: 2, Replaced: 1}, second)
	require.Equal(t, []replacementRow{{Contract: "ocds-kzt001-200/a", BatchID: second.BatchID, OldBatchID: i8(first.BatchID),
		OldUpdated: time.Date(2016, 9, 3, 10, 0, 0, 0, time.UTC), NewUpdated: time.Date(2016, 9, 15, 12, 0, 0, 0, time.UTC)}},
		normalise(e.replacements(t)))
	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, "100340000004", c[0].Supplier)
	require.Equal(t, int64(600000), c[0].Total)
	items = e.items(t)
	require.Len(t, items, 1)
	require.Equal(t, int64(600000), items[0].Value)
	require.Equal(t, "resident", items[0].TierRule)
	require.Equal(t, "workwear", items[0].Category)

	after := e.checksums(t)
	again, err := e.importOCDS(t, older, 0)
	require.NoError(t, err)
	require.Zero(t, again.Loaded)
	require.Equal(t, after, e.checksums(t))
}

// ocdsItemsVersion is a release of one contract with the items given as [id, quantity, unit price] triples.
func ocdsItemsVersion(date string, items ...[3]int) string {
	var list []string
	total := 0
	for _, it := range items {
		list = append(list, fmt.Sprintf(`{"id": "%d", "description": "Спецодежда", "quantity": %d, "unit": {"value": {"amount": %d, "currency": "KZT"}}}`,
			it[0], it[1], it[2]))
		total += it[1] * it[2]
	}
	return `{"ocid": "ocds-kzt001-300", "id": "` + date + `", "date": "` + date + `", "tag": ["contract"],
	  "parties": [{"id": "b", "name": "ГУ «Аппарат акима города Шымкент»", "identifier": {"scheme": "KZ-BIN", "id": "100140000002"}, "roles": ["buyer"]},
	              {"id": "s", "name": "ТОО «Фабрика»", "identifier": {"scheme": "KZ-BIN", "id": "100240000003"}, "roles": ["supplier"]}],
	  "buyer": {"id": "b"},
	  "awards": [{"id": "a", "status": "active", "date": "2016-09-01", "suppliers": [{"id": "s"}]}],
	  "contracts": [{"id": "c", "awardID": "a", "status": "active", "dateSigned": "2016-09-02",
	                 "value": {"amount": ` + fmt.Sprint(total) + `, "currency": "KZT"},
	                 "items": [` + strings.Join(list, ", ") + `]}]}`
}

// An OCDS items array is replaced whole by a newer version (DESIGN.md §3): the contract's items are those
// of its newest version, whether the versions come in one import, in any order, or one import after another.
func TestOCDSNewerVersionReplacesItems(t *testing.T) {
	t.Parallel()
	older := ocdsItemsVersion("2016-09-03T10:00:00Z", [3]int{1, 10, 300}, [3]int{2, 5, 200})
	newer := ocdsItemsVersion("2016-09-15T12:00:00Z", [3]int{1, 10, 350}, [3]int{3, 2, 500})
	want := map[string]int64{"1": 350000, "3": 100000}
	requireNewer := func(t *testing.T, e env) {
		t.Helper()
		require.Equal(t, want, itemValues(t, e))
		c := e.contracts(t)
		require.Len(t, c, 1)
		require.Equal(t, int64(450000), c[0].Total)
	}
	dir := t.TempDir()
	both := filepath.Join(dir, "both.jsonl")
	// The newer version first: the file's order must not decide.
	writeFile(t, both, strings.ReplaceAll(newer, "\n", "")+"\n"+strings.ReplaceAll(older, "\n", "")+"\n")
	olderFile, newerFile := filepath.Join(dir, "v1.json"), filepath.Join(dir, "v2.json")
	writeFile(t, olderFile, older)
	writeFile(t, newerFile, newer)

	t.Run("one import", func(t *testing.T) {
		t.Parallel()
		e := setupHome(t, "KZ")
		res, err := e.importOCDS(t, both, 0)
		require.NoError(t, err)
		require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 2, Loaded: 3}, res)
		requireNewer(t, e)
	})
	t.Run("one import after another", func(t *testing.T) {
		t.Parallel()
		e := setupHome(t, "KZ")
		first, err := e.importOCDS(t, olderFile, 0)
		require.NoError(t, err)
		require.Equal(t, map[string]int64{"1": 300000, "2": 100000}, itemValues(t, e))
		second, err := e.importOCDS(t, newerFile, 0)
		require.NoError(t, err)
		// The contract and items 1 and 3 are written, item 2 is removed.
		require.Equal(t, ingest.Result{BatchID: second.BatchID, Status: "committed", Read: 1, Loaded: 3, Replaced: 1, Removed: 1}, second)
		require.Equal(t, int64(1), e.batch(t, second.BatchID).Removed)
		requireNewer(t, e)
		require.Equal(t, []replacementRow{{Contract: "ocds-kzt001-300/a", BatchID: second.BatchID, OldBatchID: i8(first.BatchID),
			OldUpdated: time.Date(2016, 9, 3, 10, 0, 0, 0, time.UTC), NewUpdated: time.Date(2016, 9, 15, 12, 0, 0, 0, time.UTC)}},
			normalise(e.replacements(t)))

		// The older version again, alone or with the newer one, changes nothing.
		after := e.checksums(t)
		for _, path := range []string{olderFile, both} {
			again, err := e.importOCDS(t, path, 0)
			require.NoError(t, err)
			require.Zero(t, again.Loaded+again.Removed, path)
			require.Equal(t, after, e.checksums(t), path)
		}
	})
}

// itemValues maps the stored items' ids to their values.
func itemValues(t *testing.T, e env) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	for _, it := range e.items(t) {
		got[it.Item] = it.Value
	}
	return got
}

// Suppliers' countries as publishers write them, and residency against the deployment's home country.
func TestOCDSResidency(t *testing.T) {
	t.Parallel()
	type party struct{ key, json string }
	parties := []party{
		{"UA-EDR-11111111", `{"id": "p1", "name": "ТОВ «Перше»", "identifier": {"scheme": "UA-EDR", "id": "11111111"}, "address": {"countryName": "Україна"}}`},
		{"UA-EDR-22222222", `{"id": "p2", "name": "ООО «Второе»", "identifier": {"scheme": "UA-EDR", "id": "22222222"}, "address": {"countryName": "Украина"}}`},
		{"XM-EORI-33333333", `{"id": "p3", "name": "Third LLC", "identifier": {"scheme": "XM-EORI", "id": "33333333"}, "address": {"countryName": "Ukraine"}}`},
		{"MD-IDNO-1002600000001", `{"id": "p4", "name": "SRL Patru", "identifier": {"scheme": "MD-IDNO", "id": "1002600000001"}}`},
		{"ocds-kzt001/p5", `{"id": "p5", "name": "SRL Cinci", "address": {"countryName": "Molodva"}}`},
		{"100340000004", `{"id": "p6", "name": "ТОО «Шесть»", "identifier": {"scheme": "KZ-BIN", "id": "100340000004"}}`},
		{"ocds-kzt001/p7", `{"id": "p7", "name": "Yedi A.Ş.", "address": {"country": "TR", "countryName": "Россия"}}`},
		{"ocds-kzt001/p8", `{"id": "p8", "name": "Atlantis Trading", "address": {"countryName": "Atlantis"}}`},
	}
	var awards, list []string
	for i, p := range parties {
		list = append(list, p.json)
		awards = append(awards, fmt.Sprintf(`{"id": "a%d", "status": "active", "date": "2017-03-01", "suppliers": [{"id": "p%d"}],
			"value": {"amount": 100, "currency": "KZT"}, "items": [{"id": "1", "description": "Ботинки", "quantity": 1}]}`, i+1, i+1))
	}
	release := `{"ocid": "ocds-kzt001-400", "date": "2017-03-02T00:00:00Z",
	  "buyer": {"name": "Buyer", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},
	  "parties": [` + strings.Join(list, ",") + `], "awards": [` + strings.Join(awards, ",") + `]}`
	path := filepath.Join(t.TempDir(), "release.json")
	writeFile(t, path, release)

	countries := map[string]string{
		"UA-EDR-11111111": "UA", "UA-EDR-22222222": "UA", "XM-EORI-33333333": "UA", "MD-IDNO-1002600000001": "MD",
		"ocds-kzt001/p5": "MD", "100340000004": "KZ", "ocds-kzt001/p7": "TR", "ocds-kzt001/p8": "",
	}
	for _, home := range []string{"UA", "KZ", "MD"} {
		t.Run(home, func(t *testing.T) {
			t.Parallel()
			e := setupHome(t, home)
			_, err := e.importOCDS(t, path, 0)
			require.NoError(t, err)
			got := map[string]supplierRow{}
			for _, s := range e.suppliers(t) {
				got[s.Identifier] = s
			}
			require.Len(t, got, len(parties))
			for key, country := range countries {
				require.Equal(t, country, got[key].Country, key)
				require.Equal(t, country == home, got[key].Resident, key)
				require.False(t, got[key].Producer)
			}
			for _, it := range e.items(t) {
				want := "non_resident"
				if countries[it.SupplierIdent] == home {
					want = "resident"
				}
				require.Equal(t, want, it.TierRule, it.SupplierIdent)
				require.Equal(t, "footwear", it.Category)
			}
		})
	}
}

// ---- Bad input. ----

// okRelease is a valid release with one contract: each case adds a bad document beside it.
const okRelease = `{"ocid": "ocds-kzt001-900", "id": "1", "date": "2017-01-10T00:00:00Z",
  "buyer": {"name": "Школа", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},
  "awards": [{"id": "a", "status": "active", "date": "2017-01-05", "value": {"amount": 10, "currency": "KZT"},
              "suppliers": [{"name": "Поставщик", "identifier": {"scheme": "KZ-BIN", "id": "100240000003"}}],
              "items": [{"id": "1", "description": "Парта", "quantity": 1}]}]}`

// badRelease is okRelease of another ocid with one change: replace old by new.
func badRelease(old, new string) string {
	s := strings.Replace(okRelease, "ocds-kzt001-900", "ocds-kzt001-901", 1)
	if !strings.Contains(s, old) {
		panic("no " + old)
	}
	return strings.Replace(s, old, new, 1)
}

// oneLine compacts a JSON document onto one line, for JSON Lines.
func oneLine(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		panic(err)
	}
	return b.String()
}

func TestOCDSBadInput(t *testing.T) {
	t.Parallel()
	pkg := func(releases ...string) string {
		return `{"uri": "u", "releases": [` + strings.Join(releases, ",") + `]}`
	}
	award := "bad.json:$.releases[1].awards[0]"
	unsigned := `{"ocid": "ocds-kzt001-906", "date": "2017-01-10T00:00:00Z", "buyer": {"name": "Школа"},
	  "awards": [{"id": "a", "status": "active", "suppliers": [{"name": "Поставщик"}]}],
	  "contracts": [{"id": "c", "awardID": "a", "status": "active", "value": {"amount": 5, "currency": "KZT"}}]}`
	tests := []struct {
		name    string
		file    string // the bad file's name, beside good.json with okRelease
		content string
		want    []ingest.RecordError
		loaded  int64 // contracts and items loaded when the errors are allowed; 2 (good.json's) when 0
	}{
		{"missing ocid", "bad.json", pkg(okRelease, badRelease(`"ocid": "ocds-kzt001-901", `, "")),
			[]ingest.RecordError{{"bad.json:$.releases[1].ocid", "required: every release and record has an ocid"}}, 0},
		{"amount with a decimal comma", "bad.json", pkg(okRelease, badRelease(`"amount": 10`, `"amount": "12,5"`)),
			[]ingest.RecordError{{award + ".value.amount", `"12,5" is not an amount: invalid number`}}, 0},
		{"negative amount", "bad.json", pkg(okRelease, badRelease(`"amount": 10`, `"amount": -5`)),
			[]ingest.RecordError{{award + ".value.amount", "-5 is negative"}}, 0},
		{"amount as an object", "bad.json", pkg(okRelease, badRelease(`"amount": 10`, `"amount": {"v": 10}`)),
			[]ingest.RecordError{{award + ".value.amount", "want a number, got an object"}}, 0},
		{"huge amount", "bad.json", pkg(okRelease, badRelease(`"amount": 10`, `"amount": 1e15`)),
			[]ingest.RecordError{{award + ".value.amount", "1e15 is implausibly large"}}, 0},
		{"amount beyond int64", "bad.json", pkg(okRelease, badRelease(`"amount": 10`, `"amount": 1e20`)),
			[]ingest.RecordError{{award + ".value.amount", `"1e20" is not an amount: out of range`}}, 0},
		{"currency TENGE", "bad.json", pkg(okRelease, badRelease(`"currency": "KZT"`, `"currency": "TENGE"`)),
			[]ingest.RecordError{{award + ".value.currency", `"TENGE" is not an ISO 4217 currency code`}}, 0},
		{"no currency", "bad.json", pkg(okRelease, badRelease(`, "currency": "KZT"`, ``)),
			[]ingest.RecordError{{award + ".value.currency", "required: the award's value has no currency"}}, 0},
		{"impossible date", "bad.json", pkg(okRelease, badRelease(`"date": "2017-01-05"`, `"date": "2017-13-45"`)),
			[]ingest.RecordError{{award + ".date", `"2017-13-45" is not a date (want an ISO 8601 date-time such as 2016-08-01T10:00:00Z)`}}, 0},
		{"award without a date", "bad.json", pkg(okRelease, badRelease(`"date": "2017-01-05", `, ``)),
			[]ingest.RecordError{{award + ".date", "required: the award has no date"}}, 0},
		{"release date unreadable", "bad.json", pkg(okRelease, badRelease(`"date": "2017-01-10T00:00:00Z"`, `"date": "yesterday"`)),
			[]ingest.RecordError{{"bad.json:$.releases[1].date", `"yesterday" is not a date (want an ISO 8601 date-time such as 2016-08-01T10:00:00Z)`}}, 0},
		{"contract without a signing date", "bad.json", pkg(okRelease, unsigned),
			[]ingest.RecordError{{"bad.json:$.releases[1].contracts[0].dateSigned", "required: neither the contract's dateSigned nor its award's date is given"}}, 0},
		{"no buyer", "bad.json", pkg(okRelease, badRelease(`"buyer": {"name": "Школа", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},`, ``)),
			[]ingest.RecordError{{award, "no buyer: the release has no buyer, no party with the role buyer and no tender.procuringEntity"}}, 0},
		{"no supplier", "bad.json", pkg(okRelease, badRelease(`"suppliers": [{"name": "Поставщик", "identifier": {"scheme": "KZ-BIN", "id": "100240000003"}}],`, ``)),
			[]ingest.RecordError{{award, "no supplier: the award names none"}}, 0},
		{"no value", "bad.json", pkg(okRelease, badRelease(`"value": {"amount": 10, "currency": "KZT"},`, ``)),
			[]ingest.RecordError{{award + ".value.amount", "required: the award has no value and not all of its items have a unit price"}}, 0},
		{"method details not text", "bad.json", pkg(okRelease, badRelease(`"buyer":`, `"tender": {"procurementMethod": "open", "procurementMethodDetails": ["ОК"]}, "buyer":`)),
			[]ingest.RecordError{{"bad.json:$.releases[1].tender.procurementMethodDetails", "want a string, got an array"}}, 0},
		{"awards is an object", "bad.json", pkg(okRelease, `{"ocid": "ocds-kzt001-902", "awards": {"id": "a"}}`),
			[]ingest.RecordError{{"bad.json:$.releases[1].awards", "want an array, got an object"}}, 0},
		{"negative quantity", "bad.json", pkg(okRelease, badRelease(`"quantity": 1`, `"quantity": -1`)),
			[]ingest.RecordError{{award + ".items[0].quantity", `"-1" is not a non-negative number`}}, 0},
		{"unit price in another currency", "bad.json", pkg(okRelease, badRelease(`"quantity": 1`, `"quantity": 1, "unit": {"value": {"amount": 5, "currency": "USD"}}`)),
			[]ingest.RecordError{{award + ".items[0].unit.value.currency", "USD differs from the award's currency KZT"}}, 0},
		{"malformed ENSTRU code", "bad.json", pkg(okRelease, badRelease(`"quantity": 1`, `"quantity": 1, "classification": {"scheme": "ENSTRU", "id": "14-13"}`)),
			[]ingest.RecordError{{award + ".items[0].classification.id", `"14-13" is not an ENSTRU code (want XXXXXX.XXX.XXXXXX)`}}, 0},
		{"record with linked releases only", "bad.json",
			`{"records": [{"ocid": "ocds-kzt001-903", "releases": [{"url": "https://x/1.json", "date": "2017-01-01T00:00:00Z", "tag": ["award"]}]}]}`,
			[]ingest.RecordError{{"bad.json:$.records[0]", "the record has no compiledRelease and its award and contract releases are only links (url): publish the record with its compiledRelease, or import the releases themselves"}}, 0},
		// The lines after a bad one are read: 901 and 904 are loaded too.
		{"a JSON Lines line broken", "bad.jsonl", oneLine(badRelease("", "")) + "\n" + `{"ocid": "x", "awards": [` + "\n" + oneLine(badRelease(`"ocid": "ocds-kzt001-901"`, `"ocid": "ocds-kzt001-904"`)) + "\n",
			[]ingest.RecordError{{"bad.jsonl:line 2", "the line ends in the middle of a JSON value"}}, 6},
		{"a JSON Lines line of bad JSON", "bad.jsonl", oneLine(badRelease("", "")) + "\r\n" + `{"ocid": x}` + "\r\n",
			[]ingest.RecordError{{"bad.jsonl:line 2", "invalid JSON: invalid character 'x' looking for beginning of value"}}, 4},
		{"a JSON Lines line that is not OCDS", "bad.jsonl", oneLine(badRelease("", "")) + "\n" + `{"hello": "world"}` + "\n",
			[]ingest.RecordError{{"bad.jsonl:line 2", `not OCDS: want a release package, a record package, a release or a record (a JSON object with "releases", "records" or "ocid"); found an object with hello`}}, 4},
		// Whole files.
		{"portal page", "contract-page.json", `{"items": [{"id": 1001, "customer_bin": "100140000001"}], "next_page": null}`,
			[]ingest.RecordError{{"contract-page.json", `not OCDS: this is a page of the national portal's API ({"items": [...], "next_page": ...}); import the portal export's folder with --format portal`}}, 0},
		{"JSON of something else", "other.json", `{"name": "report", "rows": [1, 2]}`,
			[]ingest.RecordError{{"other.json", `not OCDS: want a release package, a record package, a release or a record (a JSON object with "releases", "records" or "ocid"); found an object with name, rows`}}, 0},
		{"a number", "n.json", `42`,
			[]ingest.RecordError{{"n.json", "not OCDS: want a release package, a record package, a release or a record (a JSON object); found a number"}}, 0},
		{"HTML", "bad.json", "<html><body>502 Bad Gateway</body></html>",
			[]ingest.RecordError{{"bad.json", "invalid JSON at line 1, byte 1: invalid character '<' looking for beginning of value"}}, 0},
		{"empty", "bad.json", "", []ingest.RecordError{{"bad.json", "file is empty"}}, 0},
		{"empty JSON Lines", "bad.jsonl", "\n\n", []ingest.RecordError{{"bad.jsonl", "file is empty"}}, 0},
		{"pretty JSON named .jsonl", "bad.jsonl", "{\n  \"ocid\": \"x\"\n}\n",
			[]ingest.RecordError{{"bad.jsonl", "line 1: the line ends in the middle of a JSON value (JSON Lines has one whole JSON document on each line)"}}, 0},
		{"truncated package", "bad.json", pkg(okRelease, badRelease("", ""))[:len(pkg(okRelease))+40],
			[]ingest.RecordError{{"bad.json", "the file ends in the middle of the JSON value that starts at line 5, byte 504 (truncated download?)"}}, 0},
		{"broken after a good release", "bad.json", pkg(strings.Replace(okRelease, "900", "905", 1)) + ` {"releases": [}`,
			[]ingest.RecordError{{"bad.json", "invalid JSON at line 5, byte 520: invalid character '}' looking for beginning of value"}}, 0},
		{"not gzip", "bad.json.gz", okRelease, []ingest.RecordError{{"bad.json.gz", "not a gzip file: gzip: invalid header"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeTree(t, map[string]string{"good.json": okRelease, tt.file: tt.content})

			// Refused: only the failed batch and its errors are written.
			e := setupHome(t, "KZ")
			res, err := e.importOCDS(t, dir, 0)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
			require.Equal(t, tt.want, res.Errors)
			require.Equal(t, emptyCounts(), e.counts(t))
			require.Equal(t, "failed", e.batch(t, res.BatchID).Status)
			require.Equal(t, tt.want, e.storedErrors(t, res.BatchID))

			// Allowed: good.json's contract and item are loaded, whatever the bad file staged is not.
			e = setupHome(t, "KZ")
			res, err = e.importOCDS(t, dir, int64(len(tt.want)))
			require.NoError(t, err)
			require.Equal(t, tt.want, res.Errors)
			if tt.loaded == 0 {
				tt.loaded = 2
			}
			require.Equal(t, tt.loaded, res.Loaded)
			c := e.contracts(t)
			require.Equal(t, tt.loaded/2, int64(len(c)))
			require.Equal(t, "ocds-kzt001-900/a", c[0].SourceID)
		})
	}
}

// --format auto recognises OCDS files and folders and refuses what it cannot tell.
func TestOCDSAutoFormat(t *testing.T) {
	t.Parallel()
	data := ocdsData(t)
	e := setupHome(t, "KZ")
	res, err := e.im.Import(e.ctx, ingest.Options{Format: "auto", Path: filepath.Join(data, "ukraine"), CreatedBy: "test"})
	require.NoError(t, err)
	require.Equal(t, int64(22), res.Loaded)
	res, err = e.im.Import(e.ctx, ingest.Options{Format: "auto", Path: filepath.Join("testdata", "ocds-paraguay-record-package.json.gz")})
	require.NoError(t, err)
	require.Equal(t, int64(5), res.Loaded)
	res, err = e.im.Import(e.ctx, ingest.Options{Format: "auto", Path: filepath.Join("testdata", "portal-small")})
	require.NoError(t, err)
	require.Equal(t, int64(14), res.Loaded)

	_, err = e.im.Import(e.ctx, ingest.Options{Format: "auto", Path: filepath.Join("testdata", "portal-small", "contract", "page-000001.json")})
	require.ErrorContains(t, err, "is a single portal page: import its folder")
	var n int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM import_batches`).Scan(&n))
	require.Equal(t, 3, n, "a refused detection creates no batch")
}

// The demo generator writes the same synthetic dataset as a portal export and as OCDS JSON Lines (see
// demo.OCDSSink): imported both ways, every item agrees, but for what OCDS cannot say (the portal's
// producer flag) and the VAT (OCDS values are the portal's total_sum).
func TestOCDSMatchesPortalExport(t *testing.T) {
	t.Parallel()
	opts := demo.Options{Seed: 7, Items: 3000}
	dir := t.TempDir()
	_, err := demo.Generate(t.Context(), filepath.Join(dir, "portal"), opts)
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(dir, "releases.jsonl"))
	require.NoError(t, err)
	stats, err := demo.Run(t.Context(), demo.OCDSSink(f), opts)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	portal := setupHome(t, "KZ")
	_, err = portal.importPortal(t, filepath.Join(dir, "portal"), 0)
	require.NoError(t, err)
	e := setupHome(t, "KZ")
	res, err := e.importOCDS(t, filepath.Join(dir, "releases.jsonl"), 0)
	require.NoError(t, err)
	require.Equal(t, int64(stats.Contracts), res.Read)

	// A Kazakh BIN/IIN is the key as on the portal; a foreign tax number is "SCHEME-ID" (the demo's XI-TAX).
	ocdsKey := func(id string) string {
		if len(id) == 12 && strings.Trim(id, "0123456789") == "" {
			return id
		}
		return "XI-TAX-" + id
	}
	// Contracts that do not count (not concluded, refused) are "cancelled" in OCDS, which skips them.
	counted := map[string]bool{}
	rows, err := portal.pool.Query(portal.ctx, `SELECT DISTINCT k.source_id FROM counted_items i JOIN contracts k ON k.id = i.contract_id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	for _, id := range ids {
		counted[id] = true
	}
	type key struct{ contract, item string }
	want := map[key]itemRow{}
	for _, it := range portal.items(t) {
		if it.Deleted || it.ContractDel || !counted[it.Contract] {
			continue
		}
		// OCDS has no producer flag: the portal's flagged producers are resident suppliers there.
		if it.TierRule == "portal_flag" {
			it.Tier, it.TierRule = 2, "resident"
		}
		it.Contract = demo.OCDSPrefix + it.Contract + "/" + it.Contract
		// OCDS carries the value without VAT (total_sum), no local content, no KATO, no Kazakh name.
		it.Value, it.ValueAlt = it.ValueAlt.Int64, pgtype.Int8{}
		it.LocalBp, it.LocalValue, it.KATO, it.Region, it.NameKK = pgtype.Int4{}, 0, "", "", ""
		it.SupplierIdent = ocdsKey(it.SupplierIdent)
		want[key{it.Contract, it.Item}] = it
	}
	got := map[key]itemRow{}
	for _, it := range e.items(t) {
		got[key{it.Contract, it.Item}] = it
	}
	require.Len(t, got, len(want))
	for k, w := range want {
		// The portal's unit price is with VAT (item_price_wnds), OCDS's without it, as its value.
		g := got[k]
		if w.UnitPrice.Valid && g.UnitPrice.Valid {
			require.InDelta(t, w.UnitPrice.Int64, g.UnitPrice.Int64*112/100, 1, "%v", k)
			w.UnitPrice = g.UnitPrice
		}
		require.Equal(t, w, g, "%v", k)
	}
	// The method named in procurementMethodDetails is stored as the portal's code.
	wantMethods, gotMethods := map[string]string{}, map[string]string{}
	for _, c := range portal.contracts(t) {
		if counted[c.SourceID] {
			wantMethods[demo.OCDSPrefix+c.SourceID+"/"+c.SourceID] = c.Method
		}
	}
	for _, c := range e.contracts(t) {
		gotMethods[c.SourceID] = c.Method
	}
	require.Equal(t, wantMethods, gotMethods)
	rows, err = portal.pool.Query(portal.ctx, `SELECT DISTINCT s.identifier FROM counted_items i JOIN suppliers s ON s.id = i.supplier_id`)
	require.NoError(t, err)
	ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	supplying := map[string]bool{}
	for _, id := range ids {
		supplying[id] = true
	}
	ps := map[string]supplierRow{}
	for _, s := range portal.suppliers(t) {
		if !supplying[s.Identifier] {
			continue
		}
		s.Producer = false
		s.Identifier = ocdsKey(s.Identifier)
		ps[s.Identifier] = s
	}
	require.Len(t, e.suppliers(t), len(ps))
	for _, s := range e.suppliers(t) {
		require.Equal(t, ps[s.Identifier], s)
	}
}

// JSON Lines go to the parsing workers in runs of lines; errors still name their lines, and records still
// load in file order, across the runs' borders, blank lines and a last line without its newline.
func TestOCDSJSONLinesAcrossRuns(t *testing.T) {
	t.Parallel()
	release := func(n int) string {
		return oneLine(strings.Replace(okRelease, "ocds-kzt001-900", fmt.Sprintf("ocds-kzt001-%d", 1000+n), 1))
	}
	var b strings.Builder
	const lines = 200
	for n := 1; n <= lines; n++ {
		switch n {
		case 64, 65, 129: // blank
		case 70:
			b.WriteString(strings.Replace(release(n), `"amount":10`, `"amount":"x"`, 1))
		case 130:
			b.WriteString(`{"ocid": x}`)
		default:
			b.WriteString(release(n))
		}
		if n < lines {
			b.WriteString("\n")
		}
	}
	path := filepath.Join(t.TempDir(), "releases.jsonl")
	writeFile(t, path, b.String())
	e := setupHome(t, "KZ")
	res, err := e.importOCDS(t, path, 2)
	require.NoError(t, err)
	require.Equal(t, []ingest.RecordError{
		{Location: "releases.jsonl:line 70:$.awards[0].value.amount", Reason: `"x" is not an amount: invalid number`},
		{Location: "releases.jsonl:line 130", Reason: "invalid JSON: invalid character 'x' looking for beginning of value"},
	}, res.Errors)
	good := int64(lines - 5)
	require.Equal(t, 2*good, res.Loaded) // a contract and its item each
	contracts := e.contracts(t)
	require.Len(t, contracts, int(good))
	require.Equal(t, "ocds-kzt001-1001/a", contracts[0].SourceID)
	require.Equal(t, "ocds-kzt001-1200/a", contracts[len(contracts)-1].SourceID)
}

// A release that moves which contract stands for an award, or leaves an award with contracts none of which
// counts, leaves nothing an earlier release stored counting twice or beside it: the same figure whether the
// releases come in one import or one after another.
//   - award-moves: A1's contracts C1 and C2 (1 000 and 2 000 ₸) are stored as ocid/A1 and ocid/C2; a newer
//     release cancels C1, so that C2 now stands for A1. 2 000 ₸, not C2 twice.
//   - award-pending: A1 alone (1 000 ₸) counts; a newer release gives it a pending contract, which does not
//     count, so neither does the award any more.
func TestOCDSAwardsContractsMove(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir     string
		counted int64 // tiyn
	}{{"award-moves", 2000_00}, {"award-pending", 0}} {
		dir := filepath.Join("testdata", "ocds-moves", tc.dir)
		for _, together := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s together=%v", tc.dir, together), func(t *testing.T) {
				t.Parallel()
				e := setupHome(t, "KZ")
				if together {
					_, err := e.importOCDS(t, dir, 0)
					require.NoError(t, err)
				} else {
					for _, f := range []string{"1.json", "2.json"} {
						_, err := e.importOCDS(t, filepath.Join(dir, f), 0)
						require.NoError(t, err)
					}
				}
				var counted int64
				require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT coalesce(sum(value), 0)::bigint FROM counted_items`).Scan(&counted))
				require.Equal(t, tc.counted, counted)
				if counted > 0 {
					requireRollupEqualsItems(t, e.ctx, e, tc.dir)
				}
			})
		}
	}
}

// OCDS says nothing of domestic producers: a supplier stored as one (from a spreadsheet here, from the
// portal in practice) stays one, for its earlier items and its OCDS ones. The OCDS import had written the
// flag off, and with it the tiers.
func TestOCDSKeepsAProducersFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sheet, release := filepath.Join(dir, "items.csv"), filepath.Join(dir, "release.json")
	writeFile(t, sheet, strings.Replace(csvHeader, ",updated_at", ",updated_at,supplier_domestic_producer", 1)+"\n"+
		csvRow("C-1", schoolBIN, "1000.00")+",1\n")
	writeFile(t, release, `{"uri": "u", "releases": [`+ocdsVersion("2016-09-05T00:00:00Z", "500", "KZ-BIN", "100240000003", "ТОО «Фабрика»")+`]}`)
	e := setupHome(t, "KZ")
	_, err := e.importCSV(t, sheet, 0)
	require.NoError(t, err)
	_, err = e.importOCDS(t, release, 0)
	require.NoError(t, err)
	items := e.items(t)
	require.Len(t, items, 2)
	for _, it := range items {
		require.Equal(t, "portal_flag", it.TierRule, "contract %s", it.Contract)
	}
	require.True(t, e.suppliers(t)[0].Producer)
	requireRollupEqualsItems(t, e.ctx, e, "an OCDS release of a producer")
}
