package ingest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

const (
	textileBIN = "100540000005" // on the register for 14.13 from 2018
	kiimBIN    = "100640000006" // holds an ST-KZ certificate for 1412 in 2018
)

func (e env) importFormat(t *testing.T, format, path string, maxErrors int64) (ingest.Result, error) {
	t.Helper()
	return e.im.Import(e.ctx, ingest.Options{Format: format, Path: path, MaxErrors: maxErrors, CreatedBy: "test"})
}

func (e env) mustImport(t *testing.T, format, path string) ingest.Result {
	t.Helper()
	res, err := e.importFormat(t, format, path, 0)
	require.NoError(t, err, "errors: %v", res.Errors)
	return res
}

// tiers lists each stored item as "contract/item tier rule".
func (e env) tiers(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, it := range e.items(t) {
		out = append(out, it.Contract+"/"+it.Item+" "+string(rune('0'+it.Tier))+" "+it.TierRule)
	}
	return out
}

// referenceChecksums fingerprints the reference tables and everything an import may change.
func (e env) referenceChecksums(t *testing.T) map[string]string {
	t.Helper()
	out := e.checksums(t)
	for _, q := range []string{
		`SELECT md5(coalesce(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s', bin, enstru_prefix, category_id, valid_from,
			valid_to, capacity, capacity_unit, source, region), '/' ORDER BY bin, enstru_prefix, category_id, valid_from), '')) FROM producer_register`,
		`SELECT md5(coalesce(string_agg(format('%s|%s|%s|%s|%s|%s', number, bin, enstru_prefix, local_content_bp, issued,
			expires), '/' ORDER BY number), '')) FROM origin_certificates`,
		`SELECT md5(coalesce(string_agg(format('%s|%s|%s', currency, rate_date, rate), '/' ORDER BY currency, rate_date), '')) FROM fx_rates`,
	} {
		var sum string
		require.NoError(t, e.pool.QueryRow(e.ctx, q).Scan(&sum))
		out[q[strings.LastIndex(q, "FROM ")+5:]] = sum
	}
	return out
}

type registerRow struct {
	BIN, Prefix, Category, ValidFrom, ValidTo, Capacity, Unit, Source string
}

func (e env) register(t *testing.T) []registerRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT r.bin, r.enstru_prefix, coalesce(c.slug, ''), r.valid_from::text, coalesce(r.valid_to::text, ''),
		       coalesce(r.capacity::text, ''), r.capacity_unit, r.source
		FROM producer_register r LEFT JOIN categories c ON c.id = r.category_id
		ORDER BY r.bin, r.enstru_prefix, c.slug, r.valid_from`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[registerRow])
	require.NoError(t, err)
	return out
}

var tiersBefore = []string{
	"R-2017-A/1 2 resident",
	"R-2018-A/1 2 resident",
	"R-2018-A/2 2 resident",
	"R-2018-B1/1 2 resident",
	"R-2018-B2/1 2 resident",
	"R-2018-B2/2 2 resident",
	"R-2019-B/1 2 resident",
}

// A producer on the register from 2018-01-01 for 14.13 makes its 2018 items of that prefix domestic; its
// 2017 items and its other products stay as they were. Loading the register after the contracts decides
// those tiers again, and gives what loading it first would have.
func TestRegisterAsOfDate(t *testing.T) {
	t.Parallel()
	contracts := filepath.Join("testdata", "ref-contracts.csv")
	registerFile := filepath.Join("testdata", "ref-register.csv")
	e := setup(t)
	e.mustImport(t, "csv", contracts)
	require.Equal(t, tiersBefore, e.tiers(t))

	res := e.mustImport(t, "register", registerFile)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 1}, res)
	require.Equal(t, batchRow{Format: "register", Status: "committed", Read: 1, Loaded: 1}, e.batch(t, res.BatchID))
	require.Equal(t, []registerRow{{BIN: textileBIN, Prefix: "1413", ValidFrom: "2018-01-01", Capacity: "120000",
		Unit: "шт/год", Source: "Реестр отечественных товаропроизводителей"}}, e.register(t))
	after := []string{
		"R-2017-A/1 2 resident",
		"R-2018-A/1 1 register",
		"R-2018-A/2 2 resident", // footwear, 15.20: not in the registered scope
		"R-2018-B1/1 2 resident",
		"R-2018-B2/1 2 resident",
		"R-2018-B2/2 2 resident",
		"R-2019-B/1 2 resident",
	}
	require.Equal(t, after, e.tiers(t))

	// The same register again changes nothing.
	sums := e.referenceChecksums(t)
	again := e.mustImport(t, "register", registerFile)
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 1, Unchanged: 1}, again)
	require.Equal(t, sums, e.referenceChecksums(t))

	// Register first, contracts second: the same tiers.
	first := setup(t)
	first.mustImport(t, "register", registerFile)
	first.mustImport(t, "csv", contracts)
	require.Equal(t, after, first.tiers(t))

	// A changed entry replaces the stored one: ended on 2018-03-01, it no longer covers the 15 March contract.
	path := filepath.Join(t.TempDir(), "register.csv")
	writeFile(t, path, strings.Replace(readFile(t, registerFile), "2018-01-01,,", "2018-01-01,2018-03-01,", 1))
	changed := e.mustImport(t, "register", path)
	require.Equal(t, ingest.Result{BatchID: changed.BatchID, Status: "committed", Read: 1, Loaded: 1, Replaced: 1}, changed)
	require.Len(t, e.register(t), 1)
	require.Equal(t, "2018-03-01", e.register(t)[0].ValidTo)
	require.Equal(t, tiersBefore, e.tiers(t))
}

// A register entry for a category or for every product of the producer.
func TestRegisterScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, row string
		want      []string
	}{
		{"category", textileBIN + ",,school-uniforms,2017-01-01,,,,,", []string{
			"R-2017-A/1 1 register", "R-2018-A/1 1 register", "R-2018-A/2 2 resident"}},
		{"every product", textileBIN + ",,,2018-03-15,2018-03-15,,,,", []string{
			"R-2017-A/1 2 resident", "R-2018-A/1 1 register", "R-2018-A/2 1 register"}},
		{"full ENSTRU code", textileBIN + ",152012.100.000001,,2018-01-01,,,,,", []string{
			"R-2017-A/1 2 resident", "R-2018-A/1 2 resident", "R-2018-A/2 1 register"}},
		{"another producer", "100940000009,,,1990-01-01,,,,,", []string{
			"R-2017-A/1 2 resident", "R-2018-A/1 2 resident", "R-2018-A/2 2 resident"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
			path := filepath.Join(t.TempDir(), "register.csv")
			writeFile(t, path, strings.Join(ingest.RegisterColumns, ",")+"\n"+tt.row+"\n")
			e.mustImport(t, "register", path)
			require.Equal(t, tt.want, e.tiers(t)[:3])
			require.Equal(t, tiersBefore[3:], e.tiers(t)[3:])
		})
	}
}

// An ST-KZ certificate makes its holder a domestic producer of its products while it is valid, issue and
// expiry days included; the register, when it also holds, is the rule recorded.
func TestCertificateValidity(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
	res := e.mustImport(t, "certificates", filepath.Join("testdata", "ref-certificates.csv"))
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 1}, res)
	require.Equal(t, "certificates", e.batch(t, res.BatchID).Format)
	withCertificate := []string{
		"R-2017-A/1 2 resident",
		"R-2018-A/1 2 resident",
		"R-2018-A/2 2 resident",
		"R-2018-B1/1 2 resident", // 15 February, before the certificate was issued
		"R-2018-B2/1 1 certificate",
		"R-2018-B2/2 2 resident", // school uniforms, 14.13: not what the certificate covers
		"R-2019-B/1 2 resident",  // after it expired
	}
	require.Equal(t, withCertificate, e.tiers(t))

	var bp int32
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT local_content_bp FROM origin_certificates`).Scan(&bp))
	require.Equal(t, int32(7250), bp)

	sums := e.referenceChecksums(t)
	again := e.mustImport(t, "certificates", filepath.Join("testdata", "ref-certificates.csv"))
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 1, Unchanged: 1}, again)
	require.Equal(t, sums, e.referenceChecksums(t))

	// Validity bounds are inclusive: a certificate issued on the signing day, or expiring on it, counts.
	path := filepath.Join(t.TempDir(), "certificates.csv")
	writeFile(t, path, "number,bin,enstru_code,local_content_percent,issued,expires\n"+
		"KZ 7100 2018 0000123,"+kiimBIN+",1412,72.5,2018-02-15,2018-06-01\n")
	changed := e.mustImport(t, "certificates", path)
	require.Equal(t, ingest.Result{BatchID: changed.BatchID, Status: "committed", Read: 1, Loaded: 1, Replaced: 1}, changed)
	require.Equal(t, []string{
		"R-2017-A/1 2 resident", "R-2018-A/1 2 resident", "R-2018-A/2 2 resident",
		"R-2018-B1/1 1 certificate", "R-2018-B2/1 1 certificate", "R-2018-B2/2 2 resident", "R-2019-B/1 2 resident",
	}, e.tiers(t))

	// A correction moving the certificate to another holder decides the tiers of both again.
	writeFile(t, path, "number,bin,enstru_code,local_content_percent,issued,expires\n"+
		"KZ 7100 2018 0000123,"+textileBIN+",14,72.5,2018-01-01,2018-12-31\n")
	e.mustImport(t, "certificates", path)
	require.Equal(t, []string{
		"R-2017-A/1 2 resident", "R-2018-A/1 1 certificate", "R-2018-A/2 2 resident",
		"R-2018-B1/1 2 resident", "R-2018-B2/1 2 resident", "R-2018-B2/2 2 resident", "R-2019-B/1 2 resident",
	}, e.tiers(t))

	// The register is tried first.
	e.mustImport(t, "register", filepath.Join("testdata", "ref-register.csv"))
	require.Equal(t, "R-2018-A/1 1 register", e.tiers(t)[1])
}

// certified lists each stored item as "contract/item Ki value": the certified local-content percentage in
// basis points ("-" without a certificate) and the certified local-content value in tiyn.
func (e env) certified(t *testing.T) []string {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT format('%s/%s %s %s', k.source_id, i.source_id, coalesce(i.local_content_certified_bp::text, '-'),
		              i.local_content_certified_value)
		FROM contract_items i JOIN contracts k ON k.id = i.contract_id
		ORDER BY k.source_id, i.source_id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// Local content by the national methodology takes Ki from the supplier's ST-KZ certificate valid on the
// signing date whose prefix starts the good's code, the most specific one first; without one Ki is 0.
// DESIGN.md's example: S = 50 000, a good of 40 000 with Ki = 1, KC = 80%.
func TestCertifiedLocalContent(t *testing.T) {
	t.Parallel()
	none := []string{"R-2017-A/1 - 0", "R-2018-A/1 - 0", "R-2018-A/2 - 0", "R-2018-B1/1 - 0", "R-2018-B2/1 - 0",
		"R-2018-B2/2 - 0", "R-2019-B/1 - 0"}
	withCertificate := []string{"R-2017-A/1 - 0", "R-2018-A/1 - 0", "R-2018-A/2 - 0",
		"R-2018-B1/1 - 0",          // before the certificate was issued
		"R-2018-B2/1 7250 2900000", // 40 000.00 × 72.5%
		"R-2018-B2/2 - 0",          // 14.13 is not what it covers
		"R-2019-B/1 - 0"}           // after it expired
	for _, certificatesFirst := range []bool{false, true} {
		e := setup(t)
		if certificatesFirst {
			e.mustImport(t, "certificates", filepath.Join("testdata", "ref-certificates.csv"))
			e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
			require.Equal(t, withCertificate, e.certified(t), "certificates loaded first")
			continue
		}
		e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
		require.Equal(t, none, e.certified(t))
		e.mustImport(t, "certificates", filepath.Join("testdata", "ref-certificates.csv"))
		require.Equal(t, withCertificate, e.certified(t))

		// A broader certificate covers the rest of the holder's 14.x goods in 2018; the narrower one keeps its
		// own. Ki = 1 on the work suit: KC of R-2018-B2 is 40 000 / 50 000 = 80%.
		path := filepath.Join(t.TempDir(), "certificates.csv")
		writeFile(t, path, "number,bin,enstru_code,local_content_percent,issued,expires\n"+
			"KZ 7100 2018 0000123,"+kiimBIN+",141211,100,2018-03-01,2018-12-31\n"+
			"KZ 7100 2018 0000200,"+kiimBIN+",14,40,2018-01-01,2018-12-31\n")
		e.mustImport(t, "certificates", path)
		require.Equal(t, []string{"R-2017-A/1 - 0", "R-2018-A/1 - 0", "R-2018-A/2 - 0",
			"R-2018-B1/1 4000 1200000", "R-2018-B2/1 10000 4000000", "R-2018-B2/2 4000 400000", "R-2019-B/1 - 0"}, e.certified(t))
		var kc string
		require.NoError(t, e.pool.QueryRow(e.ctx, `
			SELECT round(sum(i.local_content_certified_value) FILTER (WHERE i.source_id = '1') * 100.0 / max(k.total), 1)::text
			FROM contract_items i JOIN contracts k ON k.id = i.contract_id WHERE k.source_id = 'R-2018-B2'`).Scan(&kc))
		require.Equal(t, "80.0", kc)

		// A contract imported again with a later signing date is decided again as of that date.
		rows := strings.Split(strings.TrimSpace(readFile(t, filepath.Join("testdata", "ref-contracts.csv"))), "\n")
		var moved []string
		for _, r := range rows[1:] {
			if strings.HasPrefix(r, "R-2018-B1,") {
				moved = append(moved, strings.Replace(strings.Replace(r, "2018-02-15", "2019-02-15", 1), "2018-02-16 09:00:00", "2019-02-16 09:00:00", 1))
			}
		}
		later := filepath.Join(t.TempDir(), "later.csv")
		writeFile(t, later, rows[0]+"\n"+strings.Join(moved, "\n")+"\n")
		e.mustImport(t, "csv", later)
		require.Equal(t, "R-2018-B1/1 - 0", e.certified(t)[3])
	}
}

// Rates apply when a contract is imported: a USD contract without its own rate is priced at the loaded rate
// of its signing day, exactly; without one it is refused. A rate loaded later re-prices nothing.
func TestFXRates(t *testing.T) {
	t.Parallel()
	contract := "contract_id,signed_on,buyer_bin,supplier_id,supplier_country,item_id,item_name,quantity,unit_price,value,currency\n" +
		"U-1,2016-08-10,100140000001,CN9133010012345,CN,1,School uniform,100,12.345,1234.50,USD\n"
	path := filepath.Join(t.TempDir(), "usd.csv")
	writeFile(t, path, contract)

	e := setup(t)
	res, err := e.importFormat(t, "csv", path, 0)
	require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
	require.Equal(t, []ingest.RecordError{{Location: "usd.csv:2",
		Reason: "no exchange rate for USD on 2016-08-10: give the contract's exchange_rate or load rates for that date"}}, res.Errors)
	require.Equal(t, emptyCounts(), e.counts(t))

	fx := e.mustImport(t, "fx", filepath.Join("testdata", "ref-fx.csv"))
	require.Equal(t, ingest.Result{BatchID: fx.BatchID, Status: "committed", Read: 3, Loaded: 3}, fx)
	require.Equal(t, "fx", e.batch(t, fx.BatchID).Format)

	e.mustImport(t, "csv", path)
	items := e.items(t)
	require.Len(t, items, 1)
	// 1234.50 USD × 470.5 = 580 832.25 tenge; 12.345 rounds to 12.35 USD, × 470.5 = 5810.675 tenge.
	require.Equal(t, int64(58083225), items[0].Value)
	require.Equal(t, i8(581068), items[0].UnitPrice)
	c := e.contracts(t)
	require.Equal(t, "470.5", c[0].ExchangeRate)
	require.Equal(t, int64(58083225), c[0].Total)

	// A corrected rate replaces the stored one but leaves the contract priced as it was.
	sums := e.checksums(t)
	fixed := filepath.Join(t.TempDir(), "fx.csv")
	writeFile(t, fixed, "date,currency,rate\n2016-08-10,USD,471\n2016-08-10,EUR,520.130\n")
	res = e.mustImport(t, "fx", fixed)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 2, Loaded: 1, Replaced: 1, Unchanged: 1}, res)
	require.Equal(t, sums, e.checksums(t))
	var rate string
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT rate::text FROM fx_rates WHERE currency = 'USD' AND rate_date = '2016-08-10'`).Scan(&rate))
	require.Equal(t, "471", rate)
}

// Reference files may be XLSX workbooks: dates as date cells, numbers as number cells.
func TestReferenceXLSX(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	register := filepath.Join(dir, "register.xlsx")
	writeXLSX(t, register, [][]any{
		{"bin", "enstru_prefix", "category", "valid_from", "valid_to", "capacity", "capacity_unit", "source", "region"},
		{textileBIN, "14.13", nil, date(2018, 1, 1), nil, 120000, "шт/год", "Реестр отечественных товаропроизводителей", 751110000},
	})
	certificates := filepath.Join(dir, "certificates.xlsx")
	writeXLSX(t, certificates, [][]any{
		{"number", "bin", "enstru_code", "local_content_percent", "issued", "expires"},
		{"KZ 7100 2018 0000123", kiimBIN, 141211, 72.5, date(2018, 3, 1), "2018-12-31"},
	})
	fx := filepath.Join(dir, "fx.xlsx")
	writeXLSX(t, fx, [][]any{
		{"date", "currency", "rate"},
		{date(2016, 8, 10), "USD", 470.5},
		{"10.08.2016", "EUR", 520.13},
		{date(2016, 8, 11), "USD", 471.02},
	})

	fromCSV, fromXLSX := setup(t), setup(t)
	for _, e := range []env{fromCSV, fromXLSX} {
		e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
	}
	for _, format := range []string{"register", "certificates", "fx"} {
		fromCSV.mustImport(t, format, filepath.Join("testdata", "ref-"+format+".csv"))
		res := fromXLSX.mustImport(t, format, filepath.Join(dir, format+".xlsx"))
		require.Equal(t, int64(0), res.Rejected)
	}
	require.Equal(t, fromCSV.referenceChecksums(t), fromXLSX.referenceChecksums(t))
	require.Equal(t, fromCSV.tiers(t), fromXLSX.tiers(t))
}

// Every bad row is reported with its file, line and reason; the import refuses them all or, within
// --max-errors, loads the good rows. A refused import leaves every table as it was.
func TestReferenceBadRows(t *testing.T) {
	t.Parallel()
	const (
		registerHeader    = "bin,enstru_prefix,category,valid_from,valid_to,capacity,capacity_unit,source"
		registerGood      = "100540000005,1413,,2018-01-01,,120000,шт/год,МИИР"
		certificateHeader = "number,bin,enstru_code,local_content_percent,issued,expires"
		certificateGood   = "KZ-1,100640000006,1412,72.5,2018-03-01,2018-12-31"
		fxHeader          = "date,currency,rate"
		fxGood            = "2016-08-10,USD,470.5"
	)
	register := func(rows ...string) string {
		return registerHeader + "\n" + registerGood + "\n" + strings.Join(rows, "\n") + "\n"
	}
	certificates := func(rows ...string) string {
		return certificateHeader + "\n" + certificateGood + "\n" + strings.Join(rows, "\n") + "\n"
	}
	fx := func(rows ...string) string { return fxHeader + "\n" + fxGood + "\n" + strings.Join(rows, "\n") + "\n" }
	tests := []struct {
		name, format, file, content string
		want                        []ingest.RecordError
		loaded                      int64 // rows loaded when the errors are allowed
	}{
		{"BIN of 11 digits", "register", "register.csv", register("10054000000,1413,,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", `bin: "10054000000" is not 12 digits`}}, 1},
		{"BIN missing", "register", "register.csv", register(",1413,,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", "bin: is required"}}, 1},
		{"prefix with a dash", "register", "register.csv", register("100540000005,14-13,,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", `enstru_prefix: "14-13" is not an ENSTRU code or prefix (digits, dots allowed: 14.13, 141311.100.000001)`}}, 1},
		{"prefix of one digit", "register", "register.csv", register("100540000005,1,,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", `enstru_prefix: "1" has 1 digit(s): an ENSTRU prefix has 2 to 15`}}, 1},
		{"prefix and category", "register", "register.csv", register("100540000005,1413,school-uniforms,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", "enstru_prefix and category: give one of them (or neither, for every product), not both"}}, 1},
		{"unknown category", "register", "register.csv", register("100540000005,,uniforms,2018-01-01,,,,"),
			[]ingest.RecordError{{"register.csv:3", `category: "uniforms" is not a category (known: computers, footwear, furniture, school-uniforms, workwear)`}}, 1},
		{"valid_from missing", "register", "register.csv", register("100540000005,1413,,,,,,"),
			[]ingest.RecordError{{"register.csv:3", "valid_from: is required"}}, 1},
		{"impossible valid_from", "register", "register.csv", register("100540000005,1413,,2018-02-30,,,,"),
			[]ingest.RecordError{{"register.csv:3", `valid_from: "2018-02-30" is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)`}}, 1},
		{"valid_to before valid_from", "register", "register.csv", register("100540000005,1413,,2018-01-01,31.12.2017,,,"),
			[]ingest.RecordError{{"register.csv:3", "valid_to: 2017-12-31 is before valid_from 2018-01-01"}}, 1},
		{"negative capacity", "register", "register.csv", register("100540000005,1413,,2019-01-01,,-5,,"),
			[]ingest.RecordError{{"register.csv:3", `capacity: "-5" is not a non-negative number`}}, 1},
		{"decimal comma in a comma file", "register", "register.csv", register(`100540000005,1413,,2019-01-01,,"12,5",,`),
			[]ingest.RecordError{{"register.csv:3", `capacity: "12,5" is not a non-negative number`}}, 1},
		{"one entry with two capacities", "register", "register.csv", register("100640000006,1412,,2018-01-01,,100,,", "100640000006,1412,,2018-01-01,,200,,"),
			[]ingest.RecordError{
				{"register.csv:3", "the register entry of 100640000006 with this scope and valid_from is given more than once with different values (register.csv:3, register.csv:4)"},
				{"register.csv:4", "the register entry of 100640000006 with this scope and valid_from is given more than once with different values (register.csv:3, register.csv:4)"},
			}, 1},
		{"region in no known region", "register", "register.csv", "bin,valid_from,region\n100540000005,2018-01-01,75\n100540000005,2019-01-01,990000000\n",
			[]ingest.RecordError{{"register.csv:3", `region: "990000000" is in no known region (known: 10, 11, 15, 19, 23, 27, 31, 33, 35, 39, 43, 47, 55, 59, 61, 62, 63, 71, 75, 79)`}}, 1},
		{"region not a KATO code", "register", "register.csv", "bin,valid_from,region\n100540000005,2018-01-01,75\n100540000005,2019-01-01,Алматы\n",
			[]ingest.RecordError{{"register.csv:3", `region: "Алматы" is not a KATO code (2 to 9 digits)`}}, 1},
		{"field missing", "register", "register.csv", register("100540000005,1413,,2019-01-01,,,"),
			[]ingest.RecordError{{"register.csv:3", "wrong number of fields: 7, the header has 8"}}, 1},
		{"local content over 100%", "certificates", "certificates.csv", certificates("KZ-2,100640000006,1412,120,2018-03-01,2018-12-31"),
			[]ingest.RecordError{{"certificates.csv:3", `local_content_percent: "120": percentage 120 out of range 0..100`}}, 1},
		{"local content missing", "certificates", "certificates.csv", certificates("KZ-2,100640000006,1412,,2018-03-01,2018-12-31"),
			[]ingest.RecordError{{"certificates.csv:3", "local_content_percent: is required"}}, 1},
		{"expires before issued", "certificates", "certificates.csv", certificates("KZ-2,100640000006,1412,50,2018-03-01,2018-02-28"),
			[]ingest.RecordError{{"certificates.csv:3", "expires: 2018-02-28 is before issued 2018-03-01"}}, 1},
		{"number missing", "certificates", "certificates.csv", certificates(",100640000006,1412,50,2018-03-01,2018-12-31"),
			[]ingest.RecordError{{"certificates.csv:3", "number: is required"}}, 1},
		{"ENSTRU code missing", "certificates", "certificates.csv", certificates("KZ-2,100640000006,,50,2018-03-01,2018-12-31"),
			[]ingest.RecordError{{"certificates.csv:3", "enstru_code: is required"}}, 1},
		{"IIN with a letter", "certificates", "certificates.csv", certificates("KZ-2,90010130012O,1412,50,2018-03-01,2018-12-31"),
			[]ingest.RecordError{{"certificates.csv:3", `bin: "90010130012O" is not 12 digits`}}, 1},
		{"one number, two holders", "certificates", "certificates.csv", certificates("KZ-1,100540000005,1412,72.5,2018-03-01,2018-12-31"),
			[]ingest.RecordError{
				{"certificates.csv:2", "certificate KZ-1 is given more than once with different values (certificates.csv:2, certificates.csv:3)"},
				{"certificates.csv:3", "certificate KZ-1 is given more than once with different values (certificates.csv:2, certificates.csv:3)"},
			}, 0},
		{"rate for the tenge", "fx", "fx.csv", fx("2016-08-10,KZT,1"),
			[]ingest.RecordError{{"fx.csv:3", "currency: KZT needs no rate: rates are tenge per unit of another currency"}}, 1},
		{"made-up currency", "fx", "fx.csv", fx("2016-08-10,XYZ,1"),
			[]ingest.RecordError{{"fx.csv:3", `currency: "XYZ" is not an ISO 4217 currency code`}}, 1},
		{"currency name", "fx", "fx.csv", fx("2016-08-10,доллар,1"),
			[]ingest.RecordError{{"fx.csv:3", `currency: "доллар" is not an ISO 4217 currency code such as KZT`}}, 1},
		{"zero rate", "fx", "fx.csv", fx("2016-08-10,EUR,0.00"),
			[]ingest.RecordError{{"fx.csv:3", `rate: "0.00" must be greater than 0`}}, 1},
		{"rate not a number", "fx", "fx.csv", fx("2016-08-10,EUR,n/a"),
			[]ingest.RecordError{{"fx.csv:3", `rate: "n/a" is not a positive number`}}, 1},
		{"implausible rate", "fx", "fx.csv", fx("2016-08-10,EUR,5201300"),
			[]ingest.RecordError{{"fx.csv:3", `rate: "5201300" tenge per unit is not a plausible exchange rate`}}, 1},
		{"rate missing", "fx", "fx.csv", fx("2016-08-10,EUR,"),
			[]ingest.RecordError{{"fx.csv:3", "rate: is required"}}, 1},
		{"two-digit year", "fx", "fx.csv", fx("10.08.16,EUR,520.13"),
			[]ingest.RecordError{{"fx.csv:3", `date: "10.08.16" is not a date (want YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or DD.MM.YYYY)`}}, 1},
		{"two rates on one day", "fx", "fx.csv", fx("2016-08-10,USD,470.50", "2016-08-10,USD,471"),
			[]ingest.RecordError{
				{"fx.csv:2", "the USD rate of 2016-08-10 is given more than once with different values (fx.csv:2, fx.csv:3, fx.csv:4)"},
				{"fx.csv:3", "the USD rate of 2016-08-10 is given more than once with different values (fx.csv:2, fx.csv:3, fx.csv:4)"},
				{"fx.csv:4", "the USD rate of 2016-08-10 is given more than once with different values (fx.csv:2, fx.csv:3, fx.csv:4)"},
			}, 0},
		{"unknown column", "fx", "fx.csv", "date,currency,rate,source\n2016-08-10,USD,470.5,NBK\n",
			[]ingest.RecordError{{"fx.csv:1", `unknown column "source" (columns are listed in docs/import-reference.md)`}}, 0},
		{"required column missing", "fx", "fx.csv", "date,currency\n2016-08-10,USD\n",
			[]ingest.RecordError{{"fx.csv:1", "missing required column(s): rate"}}, 0},
		{"empty file", "certificates", "certificates.csv", "",
			[]ingest.RecordError{{"certificates.csv", "the file is empty: want a header row (see docs/import-reference.md)"}}, 0},
		{"workbook named .csv", "register", "register.csv", "PK\x03\x04 not really",
			[]ingest.RecordError{{"register.csv", "the file is an XLSX workbook (or another zip archive), not CSV: save it as CSV or import it as XLSX"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), tt.file)
			writeFile(t, path, tt.content)

			// Loaded before, so a refused import has something to leave alone.
			e := setup(t)
			e.mustImport(t, "csv", filepath.Join("testdata", "ref-contracts.csv"))
			e.mustImport(t, "register", filepath.Join("testdata", "ref-register.csv"))
			e.mustImport(t, "certificates", filepath.Join("testdata", "ref-certificates.csv"))
			e.mustImport(t, "fx", filepath.Join("testdata", "ref-fx.csv"))
			sums := e.referenceChecksums(t)

			res, err := e.importFormat(t, tt.format, path, 0)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
			require.Equal(t, "failed", res.Status)
			require.Equal(t, tt.want, res.Errors)
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))
			b := e.batch(t, res.BatchID)
			require.Equal(t, tt.format, b.Format)
			require.Equal(t, "failed", b.Status)
			require.Equal(t, sums, e.referenceChecksums(t))

			e = setup(t)
			res, err = e.importFormat(t, tt.format, path, int64(len(tt.want)))
			require.NoError(t, err)
			require.Equal(t, "committed", res.Status)
			require.Equal(t, tt.want, res.Errors)
			require.Equal(t, int64(len(tt.want)), res.Rejected)
			require.Equal(t, tt.loaded, res.Loaded)
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))
		})
	}
}

// A workbook's rows are located by their row number.
func TestReferenceXLSXBadRow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "register.xlsx")
	writeXLSX(t, path, [][]any{
		{"bin", "enstru_prefix", "valid_from", "capacity"},
		{textileBIN, 1413, date(2018, 1, 1), 120000},
		nil,
		{100540000005, 1413, 43101, -5}, // a BIN typed as a number; 43101 is 2018-01-01
		{"10054000000", 1413, date(2018, 1, 1)},
		{textileBIN, 1520, date(2018, 1, 1), nil, "note"},
	})
	e := setup(t)
	res, err := e.importFormat(t, "register", path, 10)
	require.NoError(t, err)
	require.Equal(t, []ingest.RecordError{
		{"register.xlsx:4", `capacity: "-5" is not a non-negative number`},
		{"register.xlsx:5", `bin: "10054000000" is not 12 digits`},
		{"register.xlsx:6", "cell E6 has a value but column E has no header"},
	}, res.Errors)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 3, Loaded: 1, Rejected: 3, Errors: res.Errors}, res)
}

// A ';' file saved by Excel in a Russian or Kazakh locale: byte-order mark, CRLF, decimal commas.
func TestReferenceSemicolonCSV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fx := filepath.Join(dir, "fx.csv")
	writeFile(t, fx, "\ufeffdate;currency;rate\r\n10.08.2016;USD;470,5\r\n10.08.2016;EUR;520,13\r\n11.08.2016;USD;471,02\r\n")
	register := filepath.Join(dir, "register.csv")
	writeFile(t, register, "\ufeffbin;enstru_prefix;category;valid_from;valid_to;capacity;capacity_unit;source;region\r\n"+
		"100540000005;14.13;;01.01.2018;;120 000;шт/год;Реестр отечественных товаропроизводителей;75\r\n")

	fromComma, fromSemicolon := setup(t), setup(t)
	fromComma.mustImport(t, "fx", filepath.Join("testdata", "ref-fx.csv"))
	fromComma.mustImport(t, "register", filepath.Join("testdata", "ref-register.csv"))
	fromSemicolon.mustImport(t, "fx", fx)
	fromSemicolon.mustImport(t, "register", register)
	require.Equal(t, fromComma.referenceChecksums(t), fromSemicolon.referenceChecksums(t))
}
