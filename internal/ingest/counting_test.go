package ingest_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

// portalContract is a school-uniform contract of the producer, signed on 1 August 2016, with one unit of
// value tenge under plan point 3001; extra is added to its fields.
func portalContract(id, status int, value int64, extra string) (contract, unit string) {
	contract = fmt.Sprintf(`{"id": %d, "customer_bin": "100140000001", "supplier_biin": "100240000003", "sign_date": "2016-08-01 10:00:00", "contract_sum_wnds": %d, "ref_contract_status_id": %d, "last_update_date": "2016-08-02 10:00:00"%s}`,
		id, value, status, extra)
	unit = fmt.Sprintf(`{"id": %d, "contract_id": %d, "pln_point_id": 3001, "quantity": 1, "total_sum_wnds": %d, "ks_proc": 50}`, id+1000000, id, value)
	return contract, unit
}

func portalTree(contracts, units []string) map[string]string {
	files := goodTree()
	files["contract/page-000001.json"] = page(contracts...)
	files["contract-units/page-000001.json"] = page(units...)
	return files
}

// The contract status decides what counts (docs/methodology.md): concluded contracts at their value,
// terminated ones at what was paid when it is known, drafts, refusals, contracts not concluded and those
// voided by a court not at all. The import says how many each status left out.
func TestContractStatusDecidesWhatCounts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var contracts, units []string
	for _, c := range []struct {
		id, status int
		value      int64
		extra      string
	}{
		{1, 190, 1000, ""},                         // in force: counts
		{2, 390, 2000, ""},                         // executed: counts
		{3, 330, 4000, ""},                         // not concluded
		{4, 110, 8000, ""},                         // draft
		{5, 130, 16000, ""},                        // awaiting the buyer's signature
		{6, 430, 32000, ""},                        // purchase refused
		{7, 480, 64000, ""},                        // void by a court's decision
		{8, 340, 10000, `, "fakt_sum_wnds": 2500`}, // terminated: counts at the 2,500 paid
		{9, 350, 500, ""},                          // terminated by agreement, payment unknown: its value
		{10, 999, 128000, ""},                      // a status the table does not know
	} {
		k, u := portalContract(c.id, c.status, c.value, c.extra)
		contracts, units = append(contracts, k), append(units, u)
	}
	res, err := e.importPortal(t, writeTree(t, portalTree(contracts, units)), 0)
	require.NoError(t, err)
	require.Len(t, e.items(t), 10, "every contract is stored, counted or not")

	f := e.schoolUniforms2016(t)
	require.Equal(t, int64((1000+2000+2500+500)*100), f.Total)
	require.Equal(t, int64(4), f.Items)
	requireRollupEqualsItems(t, e.ctx, e, "statuses, one contract counted at what was paid")

	skipped := map[string]int64{}
	for _, s := range res.Skipped {
		require.True(t, s.Stored, "%v", s)
		skipped[s.String()] = s.Count
	}
	for _, want := range []string{
		"status 330 (Не заключен)", "status 110 (Проект договора)", "status 130 (На подписании у Заказчика)",
		"status 430 (Отказ от закупки и договора)", "status 480 (Недействительный по решению суда)",
		`status "999", which is not in the table of contract statuses`,
	} {
		found := false
		for reason, n := range skipped {
			if strings.Contains(reason, want) {
				require.Equal(t, int64(1), n, reason)
				require.True(t, strings.HasPrefix(reason, "1 stored, not counted: contracts of "), reason)
				found = true
			}
		}
		require.True(t, found, "no note of %q among %v", want, res.Skipped)
	}
	require.Len(t, res.Skipped, 6, "%v", res.Skipped)
}

// An amendment is a contract of its own that names the first version (root_id, parent_id); the contract
// counts once, at its latest version in force, in whichever order the versions arrive. The first version
// is 450 once an amendment is created, and is still the one in force while the amendment is a draft.
func TestAmendmentCountsOnce(t *testing.T) {
	t.Parallel()
	original, originalUnit := portalContract(1001, 450, 10000, "")
	amendment, amendmentUnit := portalContract(1002, 190, 12000, `, "parent_id": 1001, "root_id": 1001`)
	amendment = strings.Replace(amendment, `"2016-08-01 10:00:00"`, `"2016-09-01 10:00:00"`, 1)
	// The original still in force, as an export taken before its status changed to 450 would have it.
	stale := strings.Replace(original, `"ref_contract_status_id": 450`, `"ref_contract_status_id": 190`, 1)

	// A second amendment of the same first version, naming the first amendment as its parent.
	first := strings.Replace(amendment, `"ref_contract_status_id": 190`, `"ref_contract_status_id": 450`, 1)
	second, secondUnit := portalContract(1003, 190, 15000, `, "parent_id": 1002, "root_id": 1001`)
	second = strings.Replace(second, `"2016-08-01 10:00:00"`, `"2016-10-01 10:00:00"`, 1)
	draft := strings.Replace(amendment, `"ref_contract_status_id": 190`, `"ref_contract_status_id": 110`, 1)
	secondDraft := strings.Replace(second, `"ref_contract_status_id": 190`, `"ref_contract_status_id": 110`, 1)

	for _, tc := range []struct {
		name    string
		imports [][2][]string // contracts and units of each import
		want    int64
	}{
		{"together", [][2][]string{{{original, amendment}, {originalUnit, amendmentUnit}}}, 12000},
		{"two amendments", [][2][]string{{{second, original, first}, {originalUnit, amendmentUnit, secondUnit}}}, 15000},
		{"amendment later", [][2][]string{{{stale}, {originalUnit}}, {{amendment}, {amendmentUnit}}}, 12000},
		{"amendment first", [][2][]string{{{amendment}, {amendmentUnit}}, {{stale}, {originalUnit}}}, 12000},
		{"amendment drafted", [][2][]string{{{original, draft}, {originalUnit, amendmentUnit}}}, 10000},
		{"amendment drafted later", [][2][]string{{{original}, {originalUnit}}, {{draft}, {amendmentUnit}}}, 10000},
		{"amendment not imported", [][2][]string{{{original}, {originalUnit}}}, 10000},
		{"second amendment drafted", [][2][]string{{{secondDraft, original, first}, {originalUnit, amendmentUnit, secondUnit}}}, 12000},
		{"draft, then in force", [][2][]string{{{original, draft}, {originalUnit, amendmentUnit}}, {{amendment}, {amendmentUnit}}}, 12000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			for _, in := range tc.imports {
				_, err := e.importPortal(t, writeTree(t, portalTree(in[0], in[1])), 0)
				require.NoError(t, err)
			}
			f := e.schoolUniforms2016(t)
			require.Equal(t, tc.want*100, f.Total, "the latest version's figures, once")
			require.Equal(t, int64(1), f.Items)
			requireRollupEqualsItems(t, e.ctx, e, tc.name)
		})
	}
}

// A contract signed at 23:30 Almaty time on 31 December belongs to that year, whatever the server's zone.
func TestPortalSignedOnNewYearsEve(t *testing.T) {
	t.Parallel()
	e := setup(t)
	k, u := portalContract(1, 190, 1000, "")
	k = strings.Replace(k, `"2016-08-01 10:00:00"`, `"2016-12-31 23:30:00"`, 1)
	_, err := e.importPortal(t, writeTree(t, portalTree([]string{k}, []string{u})), 0)
	require.NoError(t, err)
	require.Equal(t, "2016-12-31", e.items(t)[0].SignedOn)
	require.Equal(t, int64(100000), e.schoolUniforms2016(t).Total)
	c := e.contracts(t)[0]
	require.Equal(t, "2016-08-02 10:00:00", c.UpdatedAt, "last_update_date is Almaty time")
}

// A plan point removed from the plan (is_deleted) decides no item: a unit that names it is a bad record,
// and a deleted KATO row decides no region.
func TestDeletedPlanPointsDecideNothing(t *testing.T) {
	t.Parallel()

	t.Run("plan point", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		files := goodTree()
		files["plans/page-000001.json"] = page(strings.Replace(goodPlan, `{"id": 3001,`, `{"id": 3001, "is_deleted": 1,`, 1))
		res, err := e.importPortal(t, writeTree(t, files), 0)
		require.ErrorIs(t, err, ingest.ErrTooManyErrors)
		requireErrors(t, []ingest.RecordError{{Location: "contract-units/page-000001.json:$.items[0]",
			Reason: "pln_point_id 3001 is not in plans/, or is marked deleted there"}}, res.Errors)
		require.Empty(t, e.items(t))
	})

	t.Run("KATO row", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		files := goodTree()
		files["plans-kato/page-000001.json"] = "[" + strings.Replace(goodKATO, `"751110000"`, `"711210000", "is_deleted": 1`, 1) + ", " + goodKATO + "]"
		res, err := e.importPortal(t, writeTree(t, files), 0)
		require.NoError(t, err)
		items := e.items(t)
		require.Len(t, items, 1)
		require.Equal(t, "751110000", items[0].KATO, "the smallest KATO code would be 71's, were its row not deleted")
		require.Equal(t, "75", items[0].Region)
		require.Contains(t, fmt.Sprint(res.Skipped), "KATO rows marked deleted")
	})
}

// Values are with VAT (total_sum_wnds), so unit prices are too (item_price_wnds), never item_price.
func TestPortalUnitPriceWithVAT(t *testing.T) {
	t.Parallel()
	e := setup(t)
	files := goodTree()
	files["contract-units/page-000001.json"] = page(strings.Replace(goodUnit, `"quantity": 200`, `"quantity": 200, "item_price": 2678.57, "item_price_wnds": 3000.00`, 1))
	_, err := e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)
	require.Equal(t, i8(300000), e.items(t)[0].UnitPrice)
}

const sheetHeader = "contract_id,signed_on,buyer_bin,supplier_id,supplier_country,item_id,enstru_code,item_name,quantity,value,kato,status\n"

func sheetRow(contract, signed, item, kato, status string, value int) string {
	return fmt.Sprintf("%s,%s,100140000001,100240000003,KZ,%s,141311.100.000001,Школьная форма,1,%d,%s,%s\n",
		contract, signed, item, value, kato, status)
}

// Two rows of one contract item would be stored once but summed twice into the contract's total: they are
// a bad record naming both lines, and nothing is written.
func TestSheetRepeatedItemIsABadRecord(t *testing.T) {
	t.Parallel()
	e := setup(t)
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, sheetHeader+
		sheetRow("C-1", "2016-08-01", "1", "751110000", "", 10000)+
		sheetRow("C-2", "2016-08-01", "1", "751110000", "", 500)+
		sheetRow("C-1", "2016-08-01", "1", "751110000", "", 10000))
	before := e.checksums(t)
	res, err := e.importCSV(t, path, 0)
	require.ErrorIs(t, err, ingest.ErrTooManyErrors)
	requireErrors(t, []ingest.RecordError{{Location: "items.csv:4",
		Reason: "item 1 of contract C-1 is given again (first at items.csv:2)"}}, res.Errors)
	require.Equal(t, before, e.checksums(t))

	// Allowed one bad record, the import keeps the other contract and not a tenge of C-1.
	_, err = e.importCSV(t, path, 1)
	require.NoError(t, err)
	require.Equal(t, int64(50000), e.schoolUniforms2016(t).Total)
}

// A spreadsheet's procurement method becomes the portal's code when it names one method, so a target
// scoped to that method counts it; a name several methods share, or another text, is kept as written.
func TestSheetMethodIsThePortalsCode(t *testing.T) {
	t.Parallel()
	e := setup(t)
	path := filepath.Join(t.TempDir(), "items.csv")
	row := func(contract, method string) string {
		return strings.TrimSuffix(sheetRow(contract, "2016-08-01", "1", "751110000", "", 100), "\n") + "," + method + "\n"
	}
	writeFile(t, path, strings.TrimSuffix(sheetHeader, "\n")+",method\n"+
		row("C-1", "Открытый конкурс")+row("C-2", " ЗЦП ")+row("C-3", "2")+row("C-4", "АУК")+row("C-5", "по-своему")+row("C-6", ""))
	_, err := e.importCSV(t, path, 0)
	require.NoError(t, err)
	methods := map[string]string{}
	for _, c := range e.contracts(t) {
		methods[c.SourceID] = c.Method
	}
	require.Equal(t, map[string]string{"C-1": "2", "C-2": "3", "C-3": "2", "C-4": "АУК", "C-5": "по-своему", "C-6": ""}, methods)
}

// A spreadsheet's status may be a code or a name in any language; an unknown one, a KATO code of no region
// and a signing date more than a year ahead are bad records.
func TestSheetChecks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	future := time.Now().AddDate(1, 1, 0).Format(time.DateOnly)
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, sheetHeader+
		sheetRow("C-1", "2016-08-01", "1", "751110000", "Действует", 100)+
		sheetRow("C-2", "2016-08-01", "1", "751110000", "not concluded", 200)+
		sheetRow("C-3", "2016-08-01", "1", "751110000", "390", 400)+
		sheetRow("C-4", "2016-08-01", "1", "751110000", "signed somehow", 800)+
		sheetRow("C-5", "2016-08-01", "1", "991110000", "", 1600)+
		sheetRow("C-6", future, "1", "751110000", "", 3200))
	res, err := e.importCSV(t, path, 3)
	require.NoError(t, err)
	requireErrors(t, []ingest.RecordError{
		{Location: "items.csv:5", Reason: `status: "signed somehow" is no contract status Ules knows`},
		{Location: "items.csv:6", Reason: `kato: "991110000" names no region`},
		{Location: "items.csv:7", Reason: "signed_on: " + future + " is more than a year from today"},
	}, res.Errors)
	statuses := map[string]string{}
	for _, c := range e.contracts(t) {
		statuses[c.SourceID] = c.Status
	}
	require.Equal(t, map[string]string{"C-1": "190", "C-2": "330", "C-3": "390"}, statuses)
	require.Equal(t, int64(50000), e.schoolUniforms2016(t).Total, "C-1 and C-3 count, C-2 was not concluded")
}

// The status table holds every status of the portal's published list, under its names, and the rule the
// methodology states for each class of them.
func TestStatusTableCoversThePortalList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var list struct {
		Items []struct {
			ID     int    `json:"id"`
			NameRU string `json:"name_ru"`
			NameKZ string `json:"name_kz"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(readFile(t, "../../db/testdata/ref_contract_status.json")), &list))
	require.Len(t, list.Items, 33)
	stored := map[string][3]string{}
	rows, err := e.pool.Query(e.ctx, `SELECT code, name_ru, name_kk, counts FROM contract_statuses WHERE scheme = 'portal'`)
	require.NoError(t, err)
	for rows.Next() {
		var code, ru, kk, counts string
		require.NoError(t, rows.Scan(&code, &ru, &kk, &counts))
		stored[code] = [3]string{ru, kk, counts}
	}
	require.NoError(t, rows.Err())
	require.Len(t, stored, len(list.Items))
	for _, s := range list.Items {
		got, ok := stored[fmt.Sprint(s.ID)]
		require.True(t, ok, "status %d", s.ID)
		require.Equal(t, strings.TrimSpace(s.NameRU), got[0])
		require.Equal(t, strings.TrimSpace(s.NameKZ), got[1])
	}
	var methods, outsideLaw int
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(*), count(*) FILTER (WHERE NOT in_law) FROM trade_methods").Scan(&methods, &outsideLaw))
	require.Equal(t, 35, methods, "the portal's ref_trade_methods")
	require.Equal(t, 8, outsideLaw, "names marked не ГЗ")
	for counts, codes := range map[string][]string{
		"value": {"190", "390", "375", "450", "455", "470", "460", "464", "465"},
		"paid":  {"340", "350", "462", "463"},
		"none":  {"110", "115", "120", "125", "130", "131", "135", "160", "165", "185", "330", "461", "430", "480"},
	} {
		for _, code := range codes {
			require.Equal(t, counts, stored[code][2], "status %s", code)
		}
	}
}

// An export's refs/ folder names the portal's statuses and methods as the portal publishes them; a status
// new to Ules is added counting nowhere, and the import says so.
func TestPortalRefsLoadNames(t *testing.T) {
	t.Parallel()
	e := setup(t)
	statuses := readFile(t, "../../db/testdata/ref_contract_status.json")
	statuses = strings.Replace(statuses, `"items": [`, `"items": [{"id": 999, "code": "NewOne", "name_ru": "Новый статус", "name_kz": "Жаңа мәртебе"},`, 1)
	// The capture writes Cyrillic as \u escapes: "Действует" becomes "Действует (в силе)".
	statuses = strings.Replace(statuses, `"name_ru": "\u0414\u0435\u0439\u0441\u0442\u0432\u0443\u0435\u0442"`, `"name_ru": "Действует (в силе)"`, 1)
	k, u := portalContract(1, 999, 1000, "")
	files := portalTree([]string{k}, []string{u})
	files["refs/ref_contract_status/page-000001.json"] = statuses
	files["refs/ref_trade_methods/page-000001.json"] = readFile(t, "../../db/testdata/ref_trade_methods.json")
	res, err := e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)
	require.Contains(t, fmt.Sprint(res.Skipped), "note: the portal lists a contract status new to Ules, 999 (Новый статус)")
	require.Contains(t, fmt.Sprint(res.Skipped), "1 stored, not counted: contracts of status 999 (Новый статус)")
	require.Zero(t, e.schoolUniforms2016(t).Total)

	var name, counts string
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT name_ru, counts FROM contract_statuses WHERE code = '190'").Scan(&name, &counts))
	require.Equal(t, "Действует (в силе)", name)
	require.Equal(t, "value", counts, "the portal names a status; what it counts stays ours")
	var methods, outsideLaw int
	require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(*), count(*) FILTER (WHERE NOT in_law) FROM trade_methods").Scan(&methods, &outsideLaw))
	require.Equal(t, 35, methods)
	require.Equal(t, 8, outsideLaw)

	// A broken page of the list is a bad record of its own.
	files["refs/ref_trade_methods/page-000001.json"] = `{"items": [`
	res, err = e.importPortal(t, writeTree(t, files), 0)
	require.ErrorIs(t, err, ingest.ErrTooManyErrors)
	require.Len(t, res.Errors, 1)
	require.Equal(t, "refs/ref_trade_methods/page-000001.json", res.Errors[0].Location)
}

// An OCDS release that cancels a contract, newer than the one that counted it, stops it counting; an
// older one changes nothing.
func TestOCDSCancelledInANewerRelease(t *testing.T) {
	t.Parallel()
	const (
		award = `{"ocid": "ocds-kzt001-950", "id": "%s", "date": "%s",
  "buyer": {"name": "Школа", "identifier": {"scheme": "KZ-BIN", "id": "100140000001"}},
  "awards": [{"id": "a", "status": "%s", "date": "2017-01-05", "value": {"amount": 10, "currency": "KZT"},
              "suppliers": [{"name": "Поставщик", "identifier": {"scheme": "KZ-BIN", "id": "100240000003"}}],
              "items": [{"id": "1", "description": "Парта", "quantity": 1}]}]%s}`
		contract = `, "contracts": [{"id": "c1", "awardID": "a", "status": "%s", "dateSigned": "2017-01-07",
              "value": {"amount": 10, "currency": "KZT"}, "items": [{"id": "1", "description": "Парта", "quantity": 1}]}]`
	)
	release := func(id, date, awardStatus, contractStatus string) string {
		c := ""
		if contractStatus != "" {
			c = fmt.Sprintf(contract, contractStatus)
		}
		return oneLine(fmt.Sprintf(award, id, date, awardStatus, c))
	}
	counted := func(e env) int {
		var n int
		require.NoError(t, e.pool.QueryRow(e.ctx, "SELECT count(*) FROM counted_items").Scan(&n))
		return n
	}
	for _, tc := range []struct {
		name    string
		imports [][]string // JSON Lines of each import
		want    int
	}{
		{"award cancelled later", [][]string{{release("1", "2017-01-10T00:00:00Z", "active", "")}, {release("2", "2017-02-10T00:00:00Z", "cancelled", "")}}, 0},
		{"contract cancelled later", [][]string{{release("1", "2017-01-10T00:00:00Z", "active", "active")}, {release("2", "2017-02-10T00:00:00Z", "active", "cancelled")}}, 0},
		{"both in one file", [][]string{{release("1", "2017-01-10T00:00:00Z", "active", "active"), release("2", "2017-02-10T00:00:00Z", "active", "cancelled")}}, 0},
		{"cancelled before it was active", [][]string{{release("1", "2017-01-10T00:00:00Z", "active", "cancelled"), release("2", "2017-02-10T00:00:00Z", "active", "active")}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			for i, lines := range tc.imports {
				path := filepath.Join(t.TempDir(), fmt.Sprintf("releases-%d.jsonl", i))
				writeFile(t, path, strings.Join(lines, "\n")+"\n")
				_, err := e.importOCDS(t, path, 0)
				require.NoError(t, err)
			}
			require.Equal(t, tc.want, counted(e))
		})
	}
}
