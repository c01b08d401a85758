package ingest_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

// csvItems is what testdata/items.csv must store, worked out by hand: tiyn, USD lines at 470.5 tenge.
func csvItems() []itemRow {
	return []itemRow{
		{Contract: "C-2016-001", Item: "1", SignedOn: "2016-08-01", Enstru: "141311.100.000001",
			Name: "Школьная форма для девочек", Quantity: "200", UnitPrice: i8(300000), Value: 60000000,
			ValueAlt: i8(53571429), LocalBp: i4(8400), LocalValue: 50400000, KATO: "751110000", Region: "75",
			Category: "school-uniforms", Tier: 1, TierRule: "portal_flag", SupplierIdent: producerBIN},
		{Contract: "C-2016-001", Item: "2", SignedOn: "2016-08-01", Enstru: "141311.100.000001",
			Name: "Форма школьная для мальчиков (костюм)", Quantity: "100", UnitPrice: i8(400000), Value: 40000000,
			ValueAlt: i8(35714286), LocalBp: i4(8400), LocalValue: 33600000, KATO: "711210000", Region: "71",
			Category: "school-uniforms", Tier: 1, TierRule: "portal_flag", SupplierIdent: producerBIN},
		// Only a Kazakh name; 123 456.50 × 84.5% = 104 320.7425 tenge.
		{Contract: "C-2016-001", Item: "3", SignedOn: "2016-08-01", NameKK: "Мектеп формасы", Quantity: "50",
			UnitPrice: i8(246913), Value: 12345650, ValueAlt: i8(11022902), LocalBp: i4(8450), LocalValue: 10432074,
			KATO: "611610000", Region: "61", Category: "school-uniforms", Tier: 1, TierRule: "portal_flag",
			SupplierIdent: producerBIN},
		{Contract: "C-2016-001", Item: "4", SignedOn: "2016-08-01", Enstru: "141311.100.000001",
			Name: "Форма школьная (брак)", Quantity: "2", UnitPrice: i8(500000), Value: 1000000,
			ValueAlt: i8(892857), LocalBp: i4(8400), LocalValue: 840000, KATO: "751110000", Region: "75",
			Category: "school-uniforms", Tier: 1, TierRule: "portal_flag", Deleted: true, SupplierIdent: producerBIN},
		// No item_id: "#" and the position among the contract's rows without one (docs/import-csv.md).
		{Contract: "C-2016-002", Item: "#1", SignedOn: "2016-09-01", Enstru: "141211.100.000001",
			Name: "Костюм рабочий летний", NameKK: "Жазғы жұмыс костюмі", Quantity: "20", UnitPrice: i8(1250000),
			Value: 25000000, ValueAlt: i8(22321429), LocalBp: i4(1000), LocalValue: 2500000, KATO: "791010000",
			Region: "79", Category: "workwear", Tier: 2, TierRule: "resident", SupplierIdent: resellerBIN},
		{Contract: "C-2016-002", Item: "#2", SignedOn: "2016-09-01", Enstru: "152012.100.000001",
			Name: "Ботинки рабочие", Quantity: "10", UnitPrice: i8(1200000), Value: 12000000, ValueAlt: i8(10714286),
			KATO: "791010000", Region: "79", Category: "footwear", Tier: 2, TierRule: "resident",
			SupplierIdent: resellerBIN},
		// 1234.50 USD × 470.5 = 580 832.25 tenge; 12.345 USD rounds to 12.35, × 470.5 = 5810.675 tenge;
		// 1102.23 × 470.5 = 518 599.215 tenge.
		{Contract: "C-2016-003", Item: "A1", SignedOn: "2016-08-10", Name: "School uniform", Quantity: "100",
			UnitPrice: i8(581068), Value: 58083225, ValueAlt: i8(51859922), KATO: "791010000", Region: "79",
			Category: "school-uniforms", Tier: 3, TierRule: "non_resident", SupplierIdent: chineseINN},
		// 500.00 × 470.5 = 235 250 tenge; 20.00 × 470.5 = 9410; 446.43 × 470.5 = 210 045.315.
		{Contract: "C-2016-003", Item: "A2", SignedOn: "2016-08-10", Name: "Школьный сарафан",
			NameKK: "Мектеп сарафаны", Quantity: "25", UnitPrice: i8(941000), Value: 23525000, ValueAlt: i8(21004532),
			KATO: "791010000", Region: "79", Category: "school-uniforms", Tier: 3, TierRule: "non_resident",
			SupplierIdent: chineseINN},
	}
}

func csvContracts() []contractRow {
	return []contractRow{
		// No contract_total column: the total is the sum of the items that are not deleted.
		{SourceID: "C-2016-001", Source: "csv", Buyer: schoolBIN, Supplier: producerBIN, SignedOn: "2016-08-01",
			Currency: "KZT", ExchangeRate: "1", Total: 112345650, UpdatedAt: "2016-08-02 10:00:00"},
		{SourceID: "C-2016-002", Source: "csv", Buyer: akimatBIN, Supplier: resellerBIN, SignedOn: "2016-09-01",
			Currency: "KZT", ExchangeRate: "1", Total: 37000000, UpdatedAt: "2016-09-02 11:00:00"},
		// 1734.50 USD × 470.5.
		{SourceID: "C-2016-003", Source: "csv", Buyer: schoolBIN, Supplier: chineseINN, SignedOn: "2016-08-10",
			Currency: "USD", ExchangeRate: "470.5", Total: 81608225, UpdatedAt: "2016-08-11 15:45:00"},
	}
}

func TestCSVItems(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"items.csv", "items-semicolon.csv"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			res, err := e.importCSV(t, filepath.Join("testdata", file), 0)
			require.NoError(t, err)
			require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 8, Loaded: 11}, res)
			require.Equal(t, batchRow{Format: "csv", Status: "committed", Read: 8, Loaded: 11}, e.batch(t, res.BatchID))

			require.Equal(t, csvItems(), e.items(t))
			require.Equal(t, csvContracts(), e.contracts(t))
			require.Equal(t, exampleSuppliers(), e.suppliers(t))
			buyers := e.buyers(t)
			require.Len(t, buyers, 2)
			require.Equal(t, []string{"education", "akimat"}, []string{buyers[0].BuyerType, buyers[1].BuyerType})
			require.Equal(t, "79", buyers[1].Region)

			// School uniforms: 600 000 + 400 000 + 123 456.50 (domestic) + 580 832.25 + 235 250 (Chinese).
			require.Equal(t, figures{Total: 193953875, Domestic: 112345650, LocalContent: 94432074, Items: 5}, e.schoolUniforms2016(t))

			// The same file again is all unchanged.
			again, err := e.importCSV(t, filepath.Join("testdata", file), 0)
			require.NoError(t, err)
			require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 8, Unchanged: 11}, again)
		})
	}
}

// The semicolon export (BOM, CRLF, decimal commas, spaces between thousands, DD.MM.YYYY) stores exactly
// what the comma one does, down to every column.
func TestCSVSemicolonSameAsComma(t *testing.T) {
	t.Parallel()
	comma, semicolon := setup(t), setup(t)
	_, err := comma.importCSV(t, filepath.Join("testdata", "items.csv"), 0)
	require.NoError(t, err)
	_, err = semicolon.importCSV(t, filepath.Join("testdata", "items-semicolon.csv"), 0)
	require.NoError(t, err)

	a, b := storedDump(t, comma), storedDump(t, semicolon)
	require.Len(t, a, 8+3+3+2)
	require.Equal(t, a, b)
}

// csvHeader is the header of the bad-input cases: the required columns, names and a description.
const csvHeader = "contract_id,signed_on,buyer_bin,buyer_name,supplier_id,supplier_name,item_name,value,description,updated_at"

func csvRow(contract, buyerBIN, value string) string {
	return fmt.Sprintf("%s,2016-08-01,%s,КГУ «Средняя школа №5»,100240000003,ТОО «Фабрика»,Школьная форма,%s,,2016-08-02", contract, buyerBIN, value)
}

func TestCSVBadInput(t *testing.T) {
	t.Parallel()
	good := csvRow("C-1", schoolBIN, "1000.00")
	tests := []struct {
		name    string
		content string
		want    []ingest.RecordError
		items   int64 // loaded when the errors are allowed
	}{
		{
			name:    "unknown column",
			content: csvHeader + ",colour\n" + good + ",red\n",
			want:    []ingest.RecordError{{"items.csv:1", `unknown column "colour"`}},
		},
		{
			name:    "missing required column",
			content: strings.Replace(csvHeader, ",value", "", 1) + "\n" + strings.Replace(good, ",1000.00", "", 1) + "\n",
			want:    []ingest.RecordError{{"items.csv:1", "missing required column(s): value"}},
		},
		{
			name:    "column twice",
			content: csvHeader + ",Value\n" + good + ",1000.00\n",
			want:    []ingest.RecordError{{"items.csv:1", `column "value" appears twice`}},
		},
		{
			name:    "amount with a decimal comma in a comma file",
			content: csvHeader + "\n" + good + "\n" + csvRow("C-2", schoolBIN, `"1,5"`) + "\n",
			want:    []ingest.RecordError{{"items.csv:3", `value: "1,5" is not an amount`}},
			items:   1,
		},
		{
			// The portal's symbol for 350 (terminated by agreement, counting what was paid) is OCDS's code for
			// a contract that counts nothing: read as either, half the time it is wrong.
			name: "a status two statuses share",
			content: strings.Replace(csvHeader, ",updated_at", ",updated_at,status", 1) + "\n" + good + ",Cancelled\n" +
				csvRow("C-2", schoolBIN, "5.00") + ",350\n",
			want:  []ingest.RecordError{{"items.csv:2", `status: "Cancelled" names statuses that count differently: write Отменён or 350 (Расторгнут по соглашению сторон)`}},
			items: 1,
		},
		{
			// Stored per supplier, the last row's flag would decide every row's tier.
			name: "one supplier both a producer and not",
			content: strings.Replace(csvHeader, ",updated_at", ",updated_at,supplier_domestic_producer", 1) + "\n" +
				good + ",1\n" + csvRow("C-2", schoolBIN, "5.00") + ",0\n" + csvRow("C-3", schoolBIN, "7.00") + ",1\n",
			want:  []ingest.RecordError{{"items.csv:3", "supplier_domestic_producer: 0 (or empty) here but 1 at items.csv:2 for the same supplier 100240000003"}},
			items: 2,
		},
		{
			name:    "impossible date",
			content: csvHeader + "\n" + good + "\n" + strings.Replace(csvRow("C-2", schoolBIN, "5.00"), "2016-08-01", "31.02.2016", 1) + "\n",
			want:    []ingest.RecordError{{"items.csv:3", `signed_on: "31.02.2016" is not a date`}},
			items:   1,
		},
		{
			// An unquoted comma in a name shifts every later column.
			name:    "one field too many",
			content: csvHeader + "\n" + good + "\n" + strings.Replace(csvRow("C-2", schoolBIN, "5.00"), "ТОО «Фабрика»", "ТОО «Фабрика», филиал", 1) + "\n",
			want:    []ingest.RecordError{{"items.csv:3", "wrong number of fields"}},
			items:   1,
		},
		{
			name:    "one field too few",
			content: csvHeader + "\n" + good + "\n" + strings.TrimSuffix(csvRow("C-2", schoolBIN, "5.00"), ",2016-08-02") + "\n",
			want:    []ingest.RecordError{{"items.csv:3", "wrong number of fields"}},
			items:   1,
		},
		{
			name:    "empty file",
			content: "",
			want:    []ingest.RecordError{{"items.csv", "the file is empty"}},
		},
		{
			name:    "five-digit buyer_bin",
			content: csvHeader + "\n" + good + "\n" + csvRow("C-2", "12345", "5.00") + "\n",
			want:    []ingest.RecordError{{"items.csv:3", `buyer_bin: "12345" is not 12 digits`}},
			items:   1,
		},
		{
			// The bad row's line counts the lines of the quoted description before it.
			name: "bad row after a multi-line description",
			content: csvHeader + "\n" + strings.Replace(good, ",,2016", `,"Поставка
в два этапа",2016`, 1) + "\n" + csvRow("C-2", "10014000000X", "5.00") + "\n",
			want:  []ingest.RecordError{{"items.csv:4", `buyer_bin: "10014000000X" is not 12 digits`}},
			items: 1,
		},
		{
			name:    "stray quote in the first field",
			content: csvHeader + "\n" + good + "\n" + csvRow(`"C-2"x`, schoolBIN, "5.00") + "\n",
			want:    []ingest.RecordError{{"items.csv:3", "unreadable CSV"}},
			items:   1,
		},
		{
			name:    "stray quote in a later field",
			content: csvHeader + "\n" + good + "\n" + strings.Replace(csvRow("C-2", schoolBIN, "5.00"), "Школьная форма", `Форма "Лидер"`, 1) + "\n",
			want:    []ingest.RecordError{{"items.csv:3", "unreadable CSV"}},
			items:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "items.csv")
			writeFile(t, path, tt.content)

			e := setup(t)
			res, err := importNoPanic(t, e, path, 0)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
			require.Equal(t, "failed", res.Status)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, emptyCounts(), e.counts(t))
			require.Equal(t, "failed", e.batch(t, res.BatchID).Status)
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))

			e = setup(t)
			res, err = importNoPanic(t, e, path, int64(len(tt.want)))
			require.NoError(t, err)
			require.Equal(t, "committed", res.Status)
			requireErrors(t, tt.want, res.Errors)
			require.Equal(t, tt.items, e.counts(t)["contract_items"])
			require.Equal(t, res.Errors, e.storedErrors(t, res.BatchID))
		})
	}
}

// importNoPanic turns a panic of the importer into a test failure, so one bad case does not take the
// whole test binary down.
func importNoPanic(t *testing.T, e env, path string, maxErrors int64) (res ingest.Result, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Import panicked: %v", p)
		}
	}()
	return e.importCSV(t, path, maxErrors)
}

// updated_at is optional: a spreadsheet without it still loads its items.
func TestCSVWithoutUpdatedAt(t *testing.T) {
	t.Parallel()
	header := strings.TrimSuffix(csvHeader, ",updated_at")
	content := header + "\n" +
		strings.TrimSuffix(csvRow("C-1", schoolBIN, "1000.00"), ",2016-08-02") + "\n" +
		strings.TrimSuffix(csvRow("C-1", schoolBIN, "250.50"), ",2016-08-02") + "\n"
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, content)

	e := setup(t)
	res, err := e.importCSV(t, path, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 2, Loaded: 3}, res)
	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, int64(125050), c[0].Total)
	items := e.items(t)
	require.Len(t, items, 2)
	require.Equal(t, []int64{100000, 25050}, []int64{items[0].Value, items[1].Value})

	// Re-importing it is a no-op, not a second copy.
	again, err := e.importCSV(t, path, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: again.BatchID, Status: "committed", Read: 2, Unchanged: 3}, again)
}

// A row without item_id in a contract whose other rows have ids must not replace one of them.
func TestCSVRowsWithAndWithoutItemID(t *testing.T) {
	t.Parallel()
	header := "contract_id,signed_on,buyer_bin,supplier_id,item_id,item_name,value,updated_at"
	content := header + "\n" +
		"C-1,2016-08-01,100140000001,100240000003,1,Школьная форма для девочек,600000.00,2016-08-02\n" +
		"C-1,2016-08-01,100140000001,100240000003,,Форма школьная для мальчиков,400000.00,2016-08-02\n"
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, content)

	e := setup(t)
	res, err := e.importCSV(t, path, 0)
	if err != nil {
		// Refusing the clash is fine too; silently keeping one of the rows is not.
		require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
		require.NotEmpty(t, res.Errors)
		return
	}
	require.Equal(t, int64(2), res.Read)
	f := e.schoolUniforms2016(t)
	require.Equal(t, int64(100000000), f.Total, "both rows must be stored: %+v", e.items(t))
}

// Numbers in exponent notation load as the numbers they are, through the direct load and through staging.
func TestCSVExponentNumbers(t *testing.T) {
	t.Parallel()
	header := "contract_id,signed_on,buyer_bin,supplier_id,item_id,quantity,value,currency,exchange_rate"
	content := header + "\n" +
		"C-1,2016-08-01,100140000001,100240000003,1,1.5e3,600000.00,KZT,\n" +
		"C-2,2016-08-01,100140000001,100240000003,1,2E-1,100.00,USD,4.705e2\n"
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, content)
	for _, staged := range []bool{false, true} {
		e := setup(t)
		_, err := e.im.Import(e.ctx, ingest.Options{Format: "csv", Path: path, Staged: staged})
		require.NoError(t, err)
		var got []string
		rows, err := e.pool.Query(e.ctx, `SELECT k.source_id || ' ' || i.quantity || ' ' || k.exchange_rate || ' ' || i.value
			FROM contract_items i JOIN contracts k ON k.id = i.contract_id ORDER BY 1`)
		require.NoError(t, err)
		got, err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.Equal(t, []string{"C-1 1500 1 60000000", "C-2 0.2 470.5 4705000"}, got, "staged %v", staged)
	}
}

// Of the rows of one contract in a file, those of its newest updated_at are its items, wherever they stand;
// a later file's rows update items and add new ones but do not remove the others (docs/import-csv.md).
func TestCSVNewestVersionsRows(t *testing.T) {
	t.Parallel()
	const header = "contract_id,item_id,signed_on,buyer_bin,buyer_name,supplier_id,supplier_name,item_name,value,description,updated_at"
	row := func(item, value, updated string) string {
		return fmt.Sprintf("C-1,%s,2016-08-01,%s,КГУ «Средняя школа №5»,100240000003,ТОО «Фабрика»,Школьная форма,%s,,%s",
			item, schoolBIN, value, updated)
	}
	dir := t.TempDir()
	both := filepath.Join(dir, "both.csv")
	writeFile(t, both, header+"\n"+row("1", "1500.00", "2016-08-05")+"\n"+row("1", "1000.00", "2016-08-02")+"\n"+
		row("2", "250.50", "2016-08-02")+"\n")
	e := setup(t)
	res, err := e.importCSV(t, both, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 3, Loaded: 2}, res)
	require.Equal(t, map[string]int64{"1": 150000}, itemValues(t, e))
	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, int64(150000), c[0].Total)

	older, newer := filepath.Join(dir, "older.csv"), filepath.Join(dir, "newer.csv")
	writeFile(t, older, header+"\n"+row("1", "1000.00", "2016-08-02")+"\n"+row("2", "250.50", "2016-08-02")+"\n")
	writeFile(t, newer, header+"\n"+row("1", "1500.00", "2016-08-05")+"\n")
	e = setup(t)
	_, err = e.importCSV(t, older, 0)
	require.NoError(t, err)
	res, err = e.importCSV(t, newer, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 2, Replaced: 1}, res)
	require.Equal(t, map[string]int64{"1": 150000, "2": 25050}, itemValues(t, e))
	c = e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, int64(175050), c[0].Total, "the sum of every stored item, not of the file's one row")

	// A later version signed on another day by another supplier, carrying only item 1: item 2 is the new
	// version's too, signed when it was and decided by its supplier, as the figures and the download read it.
	// It had kept the old date and supplier's tier, so that a period of the new date counted the contract
	// without it.
	moved := filepath.Join(dir, "moved.csv")
	writeFile(t, moved, header+"\n"+fmt.Sprintf("C-1,1,2016-09-05,%s,КГУ «Средняя школа №5»,%s,ТОО «Мега Трейд»,Школьная форма,1500.00,,2016-09-06",
		schoolBIN, resellerBIN)+"\n")
	_, err = e.importCSV(t, moved, 0)
	require.NoError(t, err)
	items := e.items(t)
	require.Len(t, items, 2)
	for _, it := range items {
		require.Equal(t, "2016-09-05", it.SignedOn, "item %s", it.Item)
		require.Equal(t, resellerBIN, it.SupplierIdent, "item %s", it.Item)
		require.Equal(t, items[0].Tier, it.Tier, "item %s", it.Item)
		require.Equal(t, items[0].TierRule, it.TierRule, "item %s", it.Item)
	}
	requireRollupEqualsItems(t, e.ctx, e, "a later version with one of two items")
}

// An amount that overflows once converted to tiyn is a bad record with its location, not a failed merge.
func TestOversizedAmountIsABadRecord(t *testing.T) {
	t.Parallel()
	rows := "contract_id,signed_on,buyer_bin,supplier_id,value,currency,exchange_rate\n" +
		"OK-1,2016-08-01,100140000001,100240000003,1000.00,KZT,\n" +
		"BIG-1,2016-08-01,100140000001,100240000003,99999999999999.00,USD,999999\n"
	path := filepath.Join(t.TempDir(), "big.csv")
	writeFile(t, path, rows)
	e := setup(t)

	res, err := e.importCSV(t, path, 0)
	require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
	require.Equal(t, []ingest.RecordError{{
		Location: "big.csv:3",
		Reason:   "contract BIG-1: an amount converted to tenge exceeds 90 quadrillion tiyn; check the amounts and the exchange rate",
	}}, res.Errors)

	_, err = e.importCSV(t, path, 1)
	require.NoError(t, err)
	var contracts int
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(*) FROM contracts").Scan(&contracts))
	require.Equal(t, 1, contracts)
}

// A supplier's producer flag is stored for the supplier, undated, so every stored item of the supplier is
// decided by the flag it has now: a later import that changes it decides again the items of earlier
// imports too, whether the later import loads its contracts directly or merges them staged.
func TestSupplierFlagChangedByALaterImport(t *testing.T) {
	t.Parallel()
	header := strings.Replace(csvHeader, ",updated_at", ",updated_at,supplier_domestic_producer", 1)
	row := func(contract, updated, flag string) string {
		return fmt.Sprintf("%s,2016-08-01,%s,КГУ «Средняя школа №5»,100240000003,ТОО «Фабрика»,Школьная форма,1000.00,,%s,%s",
			contract, schoolBIN, updated, flag)
	}
	// Without the column a file says nothing of producers: the flag stored stays, and so do the tiers.
	silent := func(contract, updated string) string {
		return fmt.Sprintf("%s,2016-08-01,%s,КГУ «Средняя школа №5»,100240000003,ТОО «Фабрика»,Школьная форма,1000.00,,%s",
			contract, schoolBIN, updated)
	}
	tests := []struct {
		name   string
		header string
		later  string
		rule   string
	}{
		{"a new contract, loaded directly", header, row("C-3", "2016-08-02", "0"), "resident"},
		{"a newer version of a stored contract, staged", header, row("C-2", "2016-08-09", "0"), "resident"},
		{"a file without the column, loaded directly", csvHeader, silent("C-3", "2016-08-02"), "portal_flag"},
		{"a file without the column, staged", csvHeader, silent("C-2", "2016-08-09"), "portal_flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			first, later := filepath.Join(dir, "first.csv"), filepath.Join(dir, "later.csv")
			writeFile(t, first, header+"\n"+row("C-1", "2016-08-02", "1")+"\n"+row("C-2", "2016-08-02", "1")+"\n")
			writeFile(t, later, tt.header+"\n"+tt.later+"\n")
			e := setup(t)
			_, err := e.importCSV(t, first, 0)
			require.NoError(t, err)
			for _, it := range e.items(t) {
				require.Equal(t, "portal_flag", it.TierRule, "contract %s after the first import", it.Contract)
			}
			_, err = e.importCSV(t, later, 0)
			require.NoError(t, err)
			items := e.items(t)
			require.NotEmpty(t, items)
			for _, it := range items {
				require.Equal(t, tt.rule, it.TierRule, "contract %s after the later import", it.Contract)
			}
			requireRollupEqualsItems(t, e.ctx, e, "a supplier's flag changed by a later import")
		})
	}
}

// A newer version signed on another day at another dollar rate, carrying only item 1: item 2, stored in
// tenge at the old rate, is priced again at the new one, as is the total, the sum of the items. It had kept
// 200 USD at 450 beside item 1 at 500.
func TestCSVNewRatePricesAgainTheRowsLeftOut(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const header = "contract_id,signed_on,buyer_bin,supplier_id,item_id,item_name,quantity,unit,unit_price,value,currency,updated_at"
	row := func(signed, item, quantity, value, updated string) string {
		return fmt.Sprintf("U1,%s,%s,100240000003,%s,Школьная форма,%s,796,100,%s,USD,%s", signed, schoolBIN, item, quantity, value, updated)
	}
	fx, v1, v2 := filepath.Join(dir, "fx.csv"), filepath.Join(dir, "v1.csv"), filepath.Join(dir, "v2.csv")
	writeFile(t, fx, "date,currency,rate\n2026-03-05,USD,450\n2026-03-06,USD,500\n")
	writeFile(t, v1, header+"\n"+row("2026-03-05", "1", "1", "100", "2026-03-05T10:00:00")+"\n"+row("2026-03-05", "2", "2", "200", "2026-03-05T10:00:00")+"\n")
	writeFile(t, v2, header+"\n"+row("2026-03-06", "1", "1", "100", "2026-03-06T10:00:00")+"\n")
	e := setup(t)
	e.mustImport(t, "fx", fx)
	e.mustImport(t, "csv", v1)
	require.Equal(t, map[string]int64{"1": 45_000_00, "2": 90_000_00}, itemValues(t, e))
	e.mustImport(t, "csv", v2)
	require.Equal(t, map[string]int64{"1": 50_000_00, "2": 100_000_00}, itemValues(t, e))
	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, int64(150_000_00), c[0].Total)
	var price int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT unit_price FROM contract_items WHERE source_id = '2'`).Scan(&price))
	require.Equal(t, int64(50_000_00), price, "100 USD at 500")
	requireRollupEqualsItems(t, e.ctx, e, "a new rate for the rows left out")
}
