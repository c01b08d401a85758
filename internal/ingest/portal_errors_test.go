package ingest_test

import (
	"bytes"
	"compress/gzip"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

const (
	goodSchool   = `{"bin": "100140000001", "name_ru": "КГУ «Средняя школа №5»", "country_code": 398, "mark_resident": 1, "customer": 1}`
	goodProducer = `{"bin": "100240000003", "name_ru": "ТОО «Казахстанская швейная фабрика»", "country_code": 398, "mark_resident": 1, "mark_patronymic_producer": 1, "supplier": 1}`
	goodPlan     = `{"id": 3001, "ref_enstru_code": "141311.100.000001", "name_ru": "Школьная форма для девочек"}`
	goodKATO     = `{"pln_points_id": 3001, "ref_kato_code": "751110000"}`
	goodContract = `{"id": 1001, "customer_bin": "100140000001", "supplier_biin": "100240000003", "sign_date": "2016-08-01 00:00:00", "contract_sum_wnds": 600000.00, "last_update_date": "2016-08-02 10:00:00"}`
	goodUnit     = `{"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "quantity": 200, "total_sum_wnds": 600000.00, "ks_proc": 84}`
)

// page writes records as one saved API page.
func page(records ...string) string {
	return `{"items": [` + strings.Join(records, ",\n") + `], "next_page": null}`
}

// goodTree is a valid export of one contract with one unit; each case below changes one file of it.
func goodTree() map[string]string {
	return map[string]string{
		"subject/page-000001.json":        page(goodSchool, goodProducer),
		"plans/page-000001.json":          page(goodPlan),
		"plans-kato/page-000001.json":     "[" + goodKATO + "]",
		"contract/page-000001.json":       page(goodContract),
		"contract-units/page-000001.json": page(goodUnit),
	}
}

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.String()
}

func TestPortalBadInput(t *testing.T) {
	t.Parallel()
	const (
		contractPage = "contract/page-000001.json"
		unitPage     = "contract-units/page-000001.json"
		extraPage    = "contract/page-000002.json"
	)
	// A second contract, valid but for what each case does to it.
	bad := func(fields string) string {
		return `{"id": 1002, "customer_bin": "100140000001", "supplier_biin": "100240000003", "contract_sum_wnds": 5.00, ` + fields + `}`
	}
	tests := []struct {
		name  string
		files map[string]string // replace or add files of goodTree
		want  []ingest.RecordError
	}{
		{
			name:  "contract without sign_date",
			files: map[string]string{contractPage: page(bad(`"deleted": 0`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", "sign_date: is required"}},
		},
		{
			name: "decimal comma in total_sum_wnds",
			files: map[string]string{unitPage: page(
				`{"id": 2002, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": "12,5"}`, goodUnit)},
			want: []ingest.RecordError{{unitPage + ":$.items[0]", `total_sum_wnds: "12,5" is not an amount`}},
		},
		{
			name:  "impossible date",
			files: map[string]string{contractPage: page(bad(`"sign_date": "2016-13-45"`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", `sign_date: "2016-13-45" is not a date`}},
		},
		{
			name: "unit of an absent contract",
			files: map[string]string{unitPage: page(
				`{"id": 2002, "contract_id": 9999, "pln_point_id": 3001, "total_sum_wnds": 1.00}`, goodUnit)},
			want: []ingest.RecordError{{unitPage + ":$.items[0]", "contract_id 9999 is neither in contract/ nor already imported"}},
		},
		{
			name: "unit of an absent plan point",
			files: map[string]string{unitPage: page(
				`{"id": 2002, "contract_id": 1001, "pln_point_id": 9999, "total_sum_wnds": 1.00}`, goodUnit)},
			want: []ingest.RecordError{{unitPage + ":$.items[0]", "pln_point_id 9999 is not in plans/, or is marked deleted there"}},
		},
		{
			name: "unknown customer_bin",
			files: map[string]string{contractPage: page(
				`{"id": 1002, "customer_bin": "100140009999", "supplier_biin": "100240000003", "sign_date": "2016-08-01", "contract_sum_wnds": 5.00}`,
				goodContract)},
			want: []ingest.RecordError{{contractPage + ":$.items[0]", "customer_bin 100140009999 is neither in subject/ nor a known buyer"}},
		},
		{
			name: "unknown supplier_biin",
			files: map[string]string{contractPage: page(
				`{"id": 1002, "customer_bin": "100140000001", "supplier_biin": "100940000009", "sign_date": "2016-08-01", "contract_sum_wnds": 5.00}`,
				goodContract)},
			want: []ingest.RecordError{{contractPage + ":$.items[0]", "supplier_biin 100940000009 is neither in subject/ nor a known supplier"}},
		},
		{
			// The reason must say which field is wrong: a record has dozens.
			name:  "object where a number is expected",
			files: map[string]string{contractPage: page(bad(`"sign_date": "2016-08-01", "contract_sum": {"amount": 5, "currency": "KZT"}`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", "contract_sum"}},
		},
		{
			name:  "array where a string is expected",
			files: map[string]string{contractPage: page(bad(`"sign_date": ["2016-08-01"]`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", "sign_date"}},
		},
		{
			// A download cut in the middle of a record: the file is one error and the import goes on.
			name:  "truncated page",
			files: map[string]string{extraPage: `{"items": [{"id": 1002, "customer_bin": "1001400`},
			want:  []ingest.RecordError{{extraPage, "the file ends in the middle of a JSON value"}},
		},
		{
			name:  "truncated between records",
			files: map[string]string{extraPage: `{"items": [` + bad(`"sign_date": "2016-08-01"`) + `,`},
			want:  []ingest.RecordError{{extraPage, "the file ends in the middle of a JSON value"}},
		},
		{
			name:  "not JSON",
			files: map[string]string{extraPage: "<html><body>502 Bad Gateway</body></html>"},
			want:  []ingest.RecordError{{extraPage, "invalid JSON at byte 1: invalid character '<'"}},
		},
		{
			name:  "empty page file",
			files: map[string]string{extraPage: ""},
			want:  []ingest.RecordError{{extraPage, "file is empty"}},
		},
		{
			name:  "page without items",
			files: map[string]string{extraPage: `{"next_page": null, "total": 0}`},
			want:  []ingest.RecordError{{extraPage, `there is no "items" key`}},
		},
		{
			name:  "items is not an array",
			files: map[string]string{extraPage: `{"items": {"id": 1002}}`},
			want:  []ingest.RecordError{{extraPage, "$.items: want an array"}},
		},
		{
			name:  "data after the page",
			files: map[string]string{extraPage: `{"items": []} {"items": []}`},
			want:  []ingest.RecordError{{extraPage, "unexpected data after the end of the page"}},
		},
		{
			name:  "gz page that is not gzip",
			files: map[string]string{"contract/page-000002.json.gz": page()},
			want:  []ingest.RecordError{{"contract/page-000002.json.gz", "not a gzip file"}},
		},
		{
			name: "ks_proc above 100",
			files: map[string]string{unitPage: page(
				`{"id": 2002, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": 1.00, "ks_proc": 150}`, goodUnit)},
			want: []ingest.RecordError{{unitPage + ":$.items[0]", `ks_proc: "150": percentage 150 out of range 0..100`}},
		},
		{
			name: "negative amount",
			files: map[string]string{unitPage: page(
				`{"id": 2002, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": -1.00}`, goodUnit)},
			want: []ingest.RecordError{{unitPage + ":$.items[0]", `total_sum_wnds: "-1.00" is negative`}},
		},
		{
			name:  "two-digit KATO",
			files: map[string]string{"plans-kato/page-000001.json": `[{"pln_points_id": 3001, "ref_kato_code": "75"}, ` + goodKATO + `]`},
			want:  []ingest.RecordError{{"plans-kato/page-000001.json:$[0]", `ref_kato_code: "75" is not a 9-digit KATO code`}},
		},
		{
			name:  "malformed ENSTRU code",
			files: map[string]string{"plans/page-000001.json": page(`{"id": 3002, "ref_enstru_code": "14-13", "name_ru": "Форма"}`, goodPlan)},
			want:  []ingest.RecordError{{"plans/page-000001.json:$.items[0]", `ref_enstru_code: "14-13" is not an ENSTRU code`}},
		},
		{
			name:  "five-digit BIN",
			files: map[string]string{"subject/page-000001.json": page(`{"bin": "12345", "name_ru": "ТОО «Ошибка»"}`, goodSchool, goodProducer)},
			want:  []ingest.RecordError{{"subject/page-000001.json:$.items[0]", `bin: "12345" is not 12 digits`}},
		},
		{
			name:  "subject without a name",
			files: map[string]string{"subject/page-000001.json": page(`{"bin": "100540000005", "name_ru": null, "name_kz": ""}`, goodSchool, goodProducer)},
			want:  []ingest.RecordError{{"subject/page-000001.json:$.items[0]", "name_ru or name_kz is required"}},
		},
		{
			name:  "unknown country code",
			files: map[string]string{"subject/page-000001.json": page(`{"bin": "100540000005", "name_ru": "ТОО «Ошибка»", "country_code": "QQ"}`, goodSchool, goodProducer)},
			want:  []ingest.RecordError{{"subject/page-000001.json:$.items[0]", `country_code: "QQ" is not an ISO 3166 country code`}},
		},
		{
			// 999 is ISO 3166's "international" placeholder, not a country: a supplier with it has no
			// two-letter country to store.
			name: "country code 999 of a supplier",
			files: map[string]string{
				"subject/page-000001.json": page(`{"bin": "100540000005", "name_ru": "ТОО «Ошибка»", "country_code": 999}`, goodSchool, goodProducer),
				contractPage: page(`{"id": 1002, "customer_bin": "100140000001", "supplier_biin": "100540000005", "sign_date": "2016-08-01", "contract_sum_wnds": 5.00}`,
					goodContract),
			},
			want: []ingest.RecordError{
				{"subject/page-000001.json:$.items[0]", `country_code: "999" is not an ISO 3166 country code`},
				{contractPage + ":$.items[0]", "supplier_biin 100540000005 is neither in subject/ nor a known supplier"},
			},
		},
		{
			name:  "currency TENGE",
			files: map[string]string{contractPage: page(bad(`"sign_date": "2016-08-01", "ref_currency_code": "TENGE"`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", `ref_currency_code: "TENGE" is not an ISO 4217 currency code`}},
		},
		{
			name:  "USD without a rate",
			files: map[string]string{contractPage: page(bad(`"sign_date": "2016-08-01", "ref_currency_code": "USD"`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", "no exchange rate for USD on 2016-08-01"}},
		},
		{
			name:  "USD at rate zero",
			files: map[string]string{contractPage: page(bad(`"sign_date": "2016-08-01", "ref_currency_code": "USD", "exchange_rate": 0`), goodContract)},
			want:  []ingest.RecordError{{contractPage + ":$.items[0]", "no exchange rate for USD on 2016-08-01"}},
		},
		{
			name: "same version with different contents",
			files: map[string]string{contractPage: page(
				bad(`"sign_date": "2016-08-01", "last_update_date": "2016-08-02 10:00:00"`), goodContract,
				strings.Replace(bad(`"sign_date": "2016-08-01", "last_update_date": "2016-08-02 10:00:00"`), "5.00", "6.00", 1))},
			want: []ingest.RecordError{
				{contractPage + ":$.items[0]", "contract 1002 appears more than once with the same last_update_date but different contents"},
				{contractPage + ":$.items[2]", "contract 1002 appears more than once with the same last_update_date but different contents"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := goodTree()
			maps.Copy(files, tt.files)
			dir := writeTree(t, files)

			// Refused: nothing but the failed batch and its errors is written.
			e := setup(t)
			res, err := e.importPortal(t, dir, 0)
			require.Error(t, err)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
			require.Equal(t, "failed", res.Status)
			require.Equal(t, int64(len(tt.want)), res.Rejected)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, emptyCounts(), e.counts(t))
			b := e.batch(t, res.BatchID)
			require.Equal(t, "failed", b.Status)
			require.Equal(t, int64(len(tt.want)), b.Rejected)
			require.Contains(t, b.Message, "too many bad records")
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))

			// Allowed: the bad records are skipped and reported, the good contract and unit are loaded.
			e = setup(t)
			res, err = e.importPortal(t, dir, int64(len(tt.want)))
			require.NoError(t, err)
			require.Equal(t, "committed", res.Status)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, int64(2), res.Loaded)
			require.Equal(t, map[string]int64{"buyers": 1, "suppliers": 1, "contracts": 1, "contract_items": 1, "contract_replacements": 0}, e.counts(t))
			require.Equal(t, "committed", e.batch(t, res.BatchID).Status)
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))
		})
	}
}

// A gzipped page reads like a plain one.
func TestPortalGzipPage(t *testing.T) {
	t.Parallel()
	files := goodTree()
	delete(files, "contract/page-000001.json")
	files["contract/page-000001.json.gz"] = gzipped(t, page(goodContract))
	e := setup(t)
	res, err := e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)
	require.Equal(t, int64(2), res.Loaded)
	require.Equal(t, int64(6), res.Read)
}

// With room for one bad record, an export with one bad unit commits everything else and keeps the error.
func TestPortalErrorLimitCommitsRest(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, portalSmall)
	writeFile(t, filepath.Join(dir, "contract-units", "page-000003.json"),
		page(`{"id": 2010, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": 1.00, "ks_proc": 150}`))

	e := setup(t)
	res, err := e.importPortal(t, dir, 1)
	require.NoError(t, err)
	want := []ingest.RecordError{{Location: "contract-units/page-000003.json:$.items[0]",
		Reason: `ks_proc: "150": percentage 150 out of range 0..100`}}
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 33, Loaded: 14, Rejected: 1, Errors: want}, res)
	require.Equal(t, batchRow{Format: "portal", Status: "committed", Read: 33, Loaded: 14, Rejected: 1}, e.batch(t, res.BatchID))
	require.Equal(t, want, e.storedErrors(t, res.BatchID))
	require.Equal(t, portalSmallItems(), e.items(t))
	require.Equal(t, figures{Total: 800000000, Domestic: 100000000, LocalContent: 99000000, Items: 4}, e.schoolUniforms2016(t))

	// One more bad record than allowed refuses the lot.
	writeFile(t, filepath.Join(dir, "contract-units", "page-000004.json"),
		page(`{"id": 2011, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": "1 000"}`))
	e = setup(t)
	res, err = e.importPortal(t, dir, 1)
	require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
	require.Equal(t, "failed", res.Status)
	require.Equal(t, int64(2), res.Rejected)
	require.Equal(t, emptyCounts(), e.counts(t))
}

// Units published without their contract apply to the stored contract.
// A plans page that breaks off is dropped whole, also when it is the folder's only page and its points were
// still buffered: the unit naming one is refused as in the staged merge, not loaded.
func TestPortalOnlyPlansPageBrokenOff(t *testing.T) {
	t.Parallel()
	files := goodTree()
	files["plans/page-000001.json"] = `{"items": [` + goodPlan + `, {"id": 3002, "name_ru": "Бр`
	delete(files, "plans-kato/page-000001.json") // so that the page is the only one its reader reads
	dir := writeTree(t, files)
	var results []ingest.Result
	var items [][]itemRow
	for _, staged := range []bool{false, true} {
		e := setup(t)
		res, err := e.im.Import(e.ctx, ingest.Options{Format: "portal", Path: dir, MaxErrors: 10, Staged: staged, CreatedBy: "test"})
		require.NoError(t, err)
		res.BatchID = 0
		results = append(results, res)
		items = append(items, e.items(t))
	}
	require.Equal(t, results[1], results[0])
	require.Equal(t, items[1], items[0])
	require.Empty(t, items[0])
	require.Equal(t, int64(2), results[0].Rejected, "the page and the unit: %v", results[0].Errors)
}

func TestPortalUnitsOfStoredContract(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.importPortal(t, writeTree(t, goodTree()), 0)
	require.NoError(t, err)

	files := map[string]string{
		"plans/page-000001.json":          page(goodPlan),
		"contract-units/page-000001.json": page(`{"id": 2002, "contract_id": 1001, "pln_point_id": 3001, "total_sum_wnds": 250.50, "ks_proc": 50}`),
	}
	res, err := e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 2, Loaded: 1}, res)

	items := e.items(t)
	require.Len(t, items, 2)
	require.Equal(t, "2002", items[1].Item)
	require.Equal(t, int64(25050), items[1].Value)
	require.Equal(t, int64(12525), items[1].LocalValue)
	require.Equal(t, "2016-08-01", items[1].SignedOn)
	require.Equal(t, "portal_flag", items[1].TierRule)
}

// A foreign-currency contract without its own rate is priced from fx_rates of its signing date.
func TestPortalRateFromFXRates(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.pool.Exec(e.ctx, `INSERT INTO fx_rates (currency, rate_date, rate) VALUES ('USD', '2016-08-01', 333.29), ('USD', '2016-08-02', 340)`)
	require.NoError(t, err)
	files := goodTree()
	files["contract/page-000001.json"] = page(strings.Replace(goodContract, `"contract_sum_wnds"`, `"ref_currency_code": "usd", "contract_sum_wnds"`, 1))
	files["contract-units/page-000001.json"] = page(`{"id": 2001, "contract_id": 1001, "pln_point_id": 3001, "item_price": 0.013, "item_price_wnds": 0.015, "quantity": 1, "total_sum_wnds": 1500.75, "ks_proc": 10}`)
	_, err = e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)

	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, "USD", c[0].Currency)
	require.Equal(t, "333.29", c[0].ExchangeRate)
	// 600 000.00 USD × 333.29 = 199 974 000.00 tenge.
	require.Equal(t, int64(19997400000), c[0].Total)
	items := e.items(t)
	require.Len(t, items, 1)
	// 1500.75 × 333.29 = 500 184.9675 tenge; 0.015 rounds to 0.02 USD, × 333.29 = 6.6658 tenge.
	require.Equal(t, int64(50018497), items[0].Value)
	require.Equal(t, i8(667), items[0].UnitPrice)
	require.Equal(t, int64(5001850), items[0].LocalValue)
}
