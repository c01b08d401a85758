package ingest_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

var (
	portalSmall  = filepath.Join("testdata", "portal-small")
	portalUpdate = filepath.Join("testdata", "portal-update")
)

const (
	schoolBIN   = "100140000001"
	akimatBIN   = "100140000002"
	producerBIN = "100240000003"
	resellerBIN = "100340000004"
	chineseINN  = "CN9133010012345"
)

// portalSmallItems is what testdata/portal-small must store, worked out by hand from the JSON: amounts in
// tiyn from total_sum_wnds (value) and total_sum (value_alt), local content = value × ks_proc / 100.
func portalSmallItems() []itemRow {
	girls, boys := "Школьная форма для девочек", "Форма школьная для мальчиков (костюм)"
	return []itemRow{
		{Contract: "1001", Item: "2001", SignedOn: "2016-08-01", Enstru: "141311.100.000001", Name: girls,
			NameKK: "Қыздарға арналған мектеп формасы", Quantity: "200", UnitPrice: i8(336000),
			Value: 60000000, ValueAlt: i8(53571429), LocalBp: i4(8400), LocalValue: 50400000,
			KATO: "751110000", Region: "75", Category: "school-uniforms", Tier: 1, TierRule: "portal_flag",
			SupplierIdent: producerBIN},
		{Contract: "1001", Item: "2002", SignedOn: "2016-08-01", Enstru: "141311.100.000001", Name: boys,
			Quantity: "100", UnitPrice: i8(448000), Value: 40000000, ValueAlt: i8(35714286),
			LocalBp: i4(8400), LocalValue: 33600000, KATO: "711210000", Region: "71",
			Category: "school-uniforms", Tier: 1, TierRule: "portal_flag", SupplierIdent: producerBIN},
		{Contract: "1001", Item: "2003", SignedOn: "2016-08-01", Enstru: "141311.100.000001", Name: boys,
			Quantity: "100", UnitPrice: i8(560000), Value: 50000000, ValueAlt: i8(44642857),
			LocalBp: i4(8400), LocalValue: 42000000, KATO: "711210000", Region: "71",
			Category: "school-uniforms", Tier: 1, TierRule: "portal_flag", Deleted: true, SupplierIdent: producerBIN},
		{Contract: "1002", Item: "2004", SignedOn: "2016-08-05", NameKK: "Мектеп формасы", Quantity: "200",
			UnitPrice: i8(1680000), Value: 300000000, ValueAlt: i8(267857143),
			LocalBp: i4(500), LocalValue: 15000000, KATO: "611610000", Region: "61",
			Category: "school-uniforms", Tier: 2, TierRule: "resident", SupplierIdent: resellerBIN},
		{Contract: "1003", Item: "2005", SignedOn: "2016-08-10", Name: "School uniform", Quantity: "200",
			UnitPrice: i8(2240000), Value: 400000000, ValueAlt: i8(357142857),
			LocalBp: i4(0), LocalValue: 0, KATO: "791010000", Region: "79",
			Category: "school-uniforms", Tier: 3, TierRule: "non_resident", SupplierIdent: chineseINN},
		{Contract: "1004", Item: "2006", SignedOn: "2016-08-12", Enstru: "141311.100.000001", Name: girls,
			NameKK: "Қыздарға арналған мектеп формасы", Quantity: "100", UnitPrice: i8(11199999),
			Value: 999999900, ValueAlt: i8(892857054), LocalBp: i4(0), LocalValue: 0,
			KATO: "751110000", Region: "75", Category: "school-uniforms", Tier: 2, TierRule: "resident",
			ContractDel: true, SupplierIdent: resellerBIN},
		{Contract: "1005", Item: "2007", SignedOn: "2016-09-01", Enstru: "141211.100.000001",
			Name: "Костюм рабочий летний", NameKK: "Жазғы жұмыс костюмі", Quantity: "20",
			// 12500.025 tenge rounds half away from zero to 12500.03.
			UnitPrice: i8(1400003), Value: 25000050, ValueAlt: i8(22321473),
			LocalBp: i4(0), LocalValue: 0, KATO: "791010000", Region: "79", Category: "workwear",
			Tier: 2, TierRule: "resident", SupplierIdent: resellerBIN},
		{Contract: "1005", Item: "2008", SignedOn: "2016-09-01", Enstru: "152012.100.000001",
			Name: "Ботинки рабочие", Quantity: "10", UnitPrice: i8(1344003), Value: 12000025,
			// 120000.25 × 12.5% = 15000.03125 tenge.
			ValueAlt: i8(10714308), LocalBp: i4(1250), LocalValue: 1500003, KATO: "791010000",
			Region: "79", Category: "footwear", Tier: 2, TierRule: "resident", SupplierIdent: resellerBIN},
		{Contract: "1005", Item: "2009", SignedOn: "2016-09-01", Enstru: "171912.100.000001",
			Name: "Бумага офисная", NameKK: "Кеңсе қағазы", Quantity: "30", UnitPrice: i8(170535),
			Value: 4567890, ValueAlt: i8(4078473), Tier: 2, TierRule: "resident", SupplierIdent: resellerBIN},
	}
}

func portalSmallContracts() []contractRow {
	fy := i4(2016)
	return []contractRow{
		{SourceID: "1001", Source: "portal", Buyer: schoolBIN, Supplier: producerBIN, SignedOn: "2016-08-01",
			FiscalYear: fy, Method: "3", Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 100000000,
			TotalAlt: i8(89285714), LocalBp: i4(8400), Description: "Поставка школьной формы",
			UpdatedAt: "2016-08-02 10:00:00"},
		{SourceID: "1002", Source: "portal", Buyer: schoolBIN, Supplier: resellerBIN, SignedOn: "2016-08-05",
			FiscalYear: fy, Method: "2", Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 300000000,
			TotalAlt: i8(267857143), LocalBp: i4(500), Description: "Мектеп формасы",
			UpdatedAt: "2016-08-06 09:30:00"},
		{SourceID: "1003", Source: "portal", Buyer: schoolBIN, Supplier: chineseINN, SignedOn: "2016-08-10",
			FiscalYear: fy, Method: "3", Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 400000000,
			TotalAlt: i8(357142857), LocalBp: i4(0), Description: "Школьная форма",
			UpdatedAt: "2016-08-11 15:45:00"},
		{SourceID: "1004", Source: "portal", Buyer: schoolBIN, Supplier: resellerBIN, SignedOn: "2016-08-12",
			FiscalYear: fy, Method: "3", Status: "400", Currency: "KZT", ExchangeRate: "1", Total: 999999900,
			TotalAlt: i8(892857054), LocalBp: i4(0), Description: "Ошибочно внесённый договор",
			Deleted: true, UpdatedAt: "2016-08-13 08:00:00"},
		{SourceID: "1005", Source: "portal", Buyer: akimatBIN, Supplier: resellerBIN, SignedOn: "2016-09-01",
			FiscalYear: fy, Method: "2", Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 41567965,
			TotalAlt: i8(37114254), LocalBp: i4(361), Description: "Спецодежда, обувь и канцтовары",
			UpdatedAt: "2016-09-02 11:00:00"},
	}
}

func TestPortalSmall(t *testing.T) {
	t.Parallel()
	e := setup(t)

	res, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)
	require.Positive(t, res.BatchID)
	// 5 subjects + 7 plan points + 6 plan KATO rows + 5 contracts + 9 units; 5 contracts and 9 items written.
	require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 32, Loaded: 14}, res)
	require.Equal(t, batchRow{Format: "portal", Status: "committed", Read: 32, Loaded: 14}, e.batch(t, res.BatchID))
	require.Empty(t, e.storedErrors(t, res.BatchID))

	require.Equal(t, portalSmallItems(), e.items(t))
	require.Equal(t, portalSmallContracts(), e.contracts(t))

	// School uniforms: 600 000 + 400 000 (domestic) + 3 000 000 (reseller) + 4 000 000 (Chinese) tenge; the
	// deleted unit (500 000) and the deleted contract (9 999 999) are out. Local content 84% of 1 000 000
	// plus 5% of 3 000 000.
	f := e.schoolUniforms2016(t)
	require.Equal(t, figures{Total: 800000000, Domestic: 100000000, LocalContent: 99000000, Items: 4}, f)
	require.Equal(t, int64(1250), f.Domestic*10000/f.Total, "domestic share in basis points")

	require.Equal(t, exampleSuppliers(), e.suppliers(t))

	buyers := e.buyers(t)
	require.Len(t, buyers, 2)
	// The school's uniforms go to four regions, one item each: its region is one of them, none stands out.
	require.Contains(t, []string{"61", "71", "75", "79"}, buyers[0].Region)
	buyers[0].Region = ""
	require.Equal(t, []buyerRow{
		{BIN: schoolBIN, NameRU: "КГУ «Средняя школа №5»", NameKK: "«№5 орта мектеп» КММ", BuyerType: "education"},
		// The akimat's items are delivered to Shymkent (79) but for the paper, which has no KATO.
		{BIN: akimatBIN, NameRU: "ГУ «Аппарат акима города Шымкент»", NameKK: "«Шымкент қаласы әкімінің аппараты» ММ",
			BuyerType: "akimat", Region: "79"},
	}, buyers)
}

func TestPortalIdempotent(t *testing.T) {
	t.Parallel()
	e := setup(t)

	first, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)
	require.Equal(t, int64(14), first.Loaded)
	before := e.checksums(t)

	second, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)
	require.Greater(t, second.BatchID, first.BatchID)
	require.Equal(t, ingest.Result{BatchID: second.BatchID, Status: "committed", Read: 32, Unchanged: 14}, second)
	require.Equal(t, batchRow{Format: "portal", Status: "committed", Read: 32, Unchanged: 14}, e.batch(t, second.BatchID))
	require.Equal(t, before, e.checksums(t))

	// Every contract still belongs to the batch that wrote it.
	var batches []int64
	rows, err := e.pool.Query(e.ctx, `SELECT DISTINCT batch_id FROM contracts`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		batches = append(batches, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int64{first.BatchID}, batches)
}

type replacementRow struct {
	Contract   string
	BatchID    int64
	OldBatchID pgtype.Int8
	OldUpdated time.Time
	NewUpdated time.Time
}

func (e env) replacements(t *testing.T) []replacementRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT k.source_id, r.batch_id, r.old_batch_id, r.old_updated_at, r.new_updated_at
		FROM contract_replacements r JOIN contracts k ON k.id = r.contract_id
		ORDER BY k.source_id, r.batch_id`)
	require.NoError(t, err)
	var out []replacementRow
	for rows.Next() {
		var r replacementRow
		require.NoError(t, rows.Scan(&r.Contract, &r.BatchID, &r.OldBatchID, &r.OldUpdated, &r.NewUpdated))
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestPortalReplacement(t *testing.T) {
	t.Parallel()
	e := setup(t)

	first, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)

	// The update republishes contract 1002 (with its unit and plan point) at a newer last_update_date,
	// now supplied by the domestic producer.
	update, err := e.importPortal(t, portalUpdate, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: update.BatchID, Status: "committed", Read: 4, Loaded: 2, Replaced: 1}, update)
	require.Equal(t, batchRow{Format: "portal", Status: "committed", Read: 4, Loaded: 2, Replaced: 1}, e.batch(t, update.BatchID))

	require.Equal(t, []replacementRow{{
		Contract: "1002", BatchID: update.BatchID, OldBatchID: i8(first.BatchID),
		// Almaty time, UTC+6 in 2016.
		OldUpdated: time.Date(2016, 8, 6, 3, 30, 0, 0, time.UTC),
		NewUpdated: time.Date(2016, 9, 15, 6, 0, 0, 0, time.UTC),
	}}, normalise(e.replacements(t)))

	wantContracts := portalSmallContracts()
	wantContracts[1].Supplier = producerBIN
	wantContracts[1].Description = "Мектеп формасы (жеткізуші ауыстырылды)"
	wantContracts[1].UpdatedAt = "2016-09-15 12:00:00"
	require.Equal(t, wantContracts, e.contracts(t))

	wantItems := portalSmallItems()
	wantItems[3].Tier, wantItems[3].TierRule, wantItems[3].SupplierIdent = 1, "portal_flag", producerBIN
	require.Equal(t, wantItems, e.items(t))

	// The 3 000 000 tenge move to the domestic producer: 4 000 000 of 8 000 000 is 50%.
	f := e.schoolUniforms2016(t)
	require.Equal(t, figures{Total: 800000000, Domestic: 400000000, LocalContent: 99000000, Items: 4}, f)
	require.Equal(t, int64(5000), f.Domestic*10000/f.Total)

	// Importing the older export again changes nothing: 1002 and its unit are stale, the rest unchanged
	// (5 contracts and the 8 units of the other contracts).
	after := e.checksums(t)
	older, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)
	require.Equal(t, ingest.Result{BatchID: older.BatchID, Status: "committed", Read: 32, Unchanged: 13}, older)
	require.Equal(t, after, e.checksums(t))
	require.Equal(t, wantContracts, e.contracts(t))
	require.Equal(t, wantItems, e.items(t))
}

// A newer version of a contract can come without its units (they did not change). Its items must still
// follow the contract: the tier depends on the contract's supplier.
func TestPortalContractUpdateWithoutUnits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.importPortal(t, portalSmall, 0)
	require.NoError(t, err)

	// Only contract/ of the update: 1002 moves to the domestic producer, its unit 2004 is not republished.
	dir := writeTree(t, map[string]string{
		"contract/page-000001.json": readFile(t, filepath.Join(portalUpdate, "contract", "page-000001.json")),
	})

	res, err := e.importPortal(t, dir, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), res.Replaced)

	wantItems := portalSmallItems()
	wantItems[3].Tier, wantItems[3].TierRule, wantItems[3].SupplierIdent = 1, "portal_flag", producerBIN
	require.Equal(t, wantItems, e.items(t))
	f := e.schoolUniforms2016(t)
	require.Equal(t, int64(400000000), f.Domestic)
}

func normalise(rows []replacementRow) []replacementRow {
	for i := range rows {
		rows[i].OldUpdated = rows[i].OldUpdated.UTC()
		rows[i].NewUpdated = rows[i].NewUpdated.UTC()
	}
	return rows
}
