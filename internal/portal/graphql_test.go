package portal

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// realCapture reads a GraphQL list that a public client captured from the live portal.
func realCapture(t *testing.T, name string) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "goszakup", name))
	require.NoError(t, err)
	var recs []json.RawMessage
	require.NoError(t, json.Unmarshal(b, &recs))
	return recs
}

// The portal's real GraphQL records become the REST records the importer reads: snake_case names,
// values byte for byte, nested records with their parent's id.
func TestConvertRealCaptures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		list       *graphQLList
		capture    string
		wantRecord string
		wantNested []string
	}{
		{name: "a contract with its units", list: contractList, capture: "graphql_contracts_listing.json",
			wantRecord: `{"id": 25610081, "trd_buy_id": 17359331, "contract_number": "970140002674/260023/00", ` +
				`"contract_number_sys": "970140002674/260023/00", "supplier_biin": "801109300250", "sign_date": "2026-07-27 06:12:40", ` +
				`"ref_contract_status_id": 190, "contract_sum": 215000, "fakt_sum": 0, "crdate": "2026-07-27 05:50:31", ` +
				`"last_update_date": "2026-07-27 06:12:41"}`,
			wantNested: []string{`{"contract_id": 25610081, "lot_id": 42654530, "item_price": 2150, "quantity": 100, "total_sum": 215000}`}},
		{name: "a plan point with its places", list: planList, capture: "graphql_plans_listing.json",
			wantRecord: `{"id": 87589888, "rootrecord_id": 87460941, "pln_point_year": 2026, "subject_biin": "240440028805", ` +
				`"name_ru": "Жалюзи", "desc_ru": "пластиковые", "extra_desc_ru": "Жалюзи", "ref_enstru_code": "222314.700.000093", ` +
				`"count": 8, "price": 13500, "amount": 108000, "ref_trade_methods_id": 60, "ref_pln_point_status_id": 2, ` +
				`"ref_months_id": 8, "is_active": 1, "date_create": "2026-08-06 12:23:11", "timestamp": "2026-08-06 12:26:41"}`,
			wantNested: []string{`{"pln_points_id": 87589888, "ref_kato_code": "334620100", "full_delivery_place_name_ru": "область Жетісу, Панфиловский район, г.Жаркент "}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs := realCapture(t, tt.capture)
			got, err := tt.list.convert(recs[0])
			require.NoError(t, err)
			requireConverted(t, got, tt.wantRecord, tt.wantNested)
			for _, r := range recs {
				c, err := tt.list.convert(r)
				require.NoError(t, err)
				require.True(t, json.Valid(c.record), "%s", c.record)
				for _, n := range c.nested {
					require.True(t, json.Valid(n), "%s", n)
				}
			}
		})
	}
}

// requireConverted checks a converted record and its nested records, as JSON text.
func requireConverted(t *testing.T, got converted, record string, nested []string) {
	t.Helper()
	require.Equal(t, record, string(got.record))
	var texts []string
	for _, n := range got.nested {
		texts = append(texts, string(n))
	}
	require.Equal(t, nested, texts)
}

func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		list       *graphQLList
		in         string
		wantRecord string
		wantNested []string
		wantErr    string
	}{
		{name: "amounts keep their digits, amendments their parents", list: contractList,
			in: `{"id": "77", "contractSumWnds": 1250000.50, "faktSumWnds": 1e3, "parentId": 70, "rootId": 60, "supplierFio": "dropped",
				"ContractUnits": [{"id": 1, "itemPriceWnds": 0.10, "plnPointId": 5, "totalSumWnds": 12.345}, {"id": 2, "deleted": null}]}`,
			wantRecord: `{"id": "77", "parent_id": 70, "root_id": 60, "contract_sum_wnds": 1250000.50, "fakt_sum_wnds": 1e3}`,
			wantNested: []string{`{"contract_id": 77, "id": 1, "pln_point_id": 5, "item_price_wnds": 0.10, "total_sum_wnds": 12.345}`,
				`{"contract_id": 77, "id": 2, "deleted": null}`}},
		{name: "no units", list: contractList, in: `{"id": 1, "ContractUnits": null}`, wantRecord: `{"id": 1}`},
		{name: "deleted and active plan points", list: planList,
			in:         `{"id": 9, "isDeleted": 1, "isActive": 0, "PlansKato": [{"refKatoCode": "751110000", "plnPointsId": 9, "isDeleted": 0}]}`,
			wantRecord: `{"id": 9, "is_active": 0, "is_deleted": 1}`,
			wantNested: []string{`{"pln_points_id": 9, "ref_kato_code": "751110000", "is_deleted": 0}`}},
		{name: "no id", list: contractList, in: `{"contractSum": 1}`, wantErr: "a Contract record without a usable id"},
		{name: "units that are not a list", list: contractList, in: `{"id": 3, "ContractUnits": {"id": 1}}`,
			wantErr: "Contract 3: ContractUnits is not a list of objects"},
		{name: "not an object", list: planList, in: `[1]`, wantErr: "a Plans record is not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.list.convert(json.RawMessage(tt.in))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			requireConverted(t, got, tt.wantRecord, tt.wantNested)
		})
	}
}

// The queries select only fields of the portal's schema, and every field the importer reads (or is
// being extended to read) comes under its REST name.
func TestQueriesSelectWhatTheImporterReads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		list             *graphQLList
		record, nested   []string
		nestedParentName string
	}{
		{list: contractList,
			record: []string{"id", "customer_bin", "supplier_biin", "sign_date", "fin_year", "contract_sum", "contract_sum_wnds",
				"ref_currency_code", "exchange_rate", "contract_ms", "ref_contract_status_id", "fakt_trade_methods_id",
				"description_ru", "description_kz", "deleted", "last_update_date", "fakt_sum", "fakt_sum_wnds", "parent_id", "root_id"},
			nested: []string{"id", "pln_point_id", "item_price", "item_price_wnds", "quantity", "total_sum", "total_sum_wnds",
				"ks_proc", "deleted"},
			nestedParentName: "contract_id"},
		{list: planList,
			record:           []string{"id", "ref_enstru_code", "name_ru", "name_kz", "desc_ru", "ref_units_code", "is_deleted", "is_active"},
			nested:           []string{"ref_kato_code"},
			nestedParentName: "pln_points_id"},
	}
	rest := func(fields []field) []string {
		var names []string
		for _, f := range fields {
			names = append(names, f.rest)
		}
		return names
	}
	for _, tt := range tests {
		t.Run(tt.list.root, func(t *testing.T) {
			t.Parallel()
			q, err := parseGraphQLRequest(strings.NewReader(string(tt.list.request(200, 0, []string{"2026-01-01", "2026-01-02"}))))
			require.NoError(t, err)
			require.Empty(t, q.err, "every field selected is in the portal's schema")
			require.Equal(t, tt.list.root, q.root)
			for _, name := range tt.record {
				require.Contains(t, rest(tt.list.fields), name)
			}
			for _, name := range tt.nested {
				require.Contains(t, rest(tt.list.nestedFlds), name)
			}
			require.Equal(t, tt.nestedParentName, tt.list.parentKey)
			require.False(t, slices.ContainsFunc(tt.list.nestedFlds, func(f field) bool { return f.rest == tt.list.parentKey }),
				"the parent's id is not also taken from the nested record")
		})
	}
}

func TestParseGraphQL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		limit   int
		want    graphQLPage
		wantErr string
	}{
		{name: "a page with a next one", limit: 2,
			body: `{"data": {"Contract": [{"id": 9}, {"id": 8}]}, "extensions": {"pageInfo": {"hasNextPage": true, "lastId": 8, "totalCount": 5}}}`,
			want: graphQLPage{items: []json.RawMessage{[]byte(`{"id": 9}`), []byte(`{"id": 8}`)}, hasNext: true, lastID: 8}},
		{name: "lastId as a string", limit: 1,
			body: `{"data": {"Contract": [{"id": 9}]}, "extensions": {"pageInfo": {"hasNextPage": true, "lastId": "9"}}}`,
			want: graphQLPage{items: []json.RawMessage{[]byte(`{"id": 9}`)}, hasNext: true, lastID: 9}},
		{name: "the last page", limit: 2,
			body: `{"data": {"Contract": [{"id": 1}]}, "extensions": {"pageInfo": {"hasNextPage": false, "lastId": 1}}}`,
			want: graphQLPage{items: []json.RawMessage{[]byte(`{"id": 1}`)}}},
		{name: "no records", limit: 2, body: `{"data": {"Contract": []}, "extensions": {"pageInfo": {"hasNextPage": false}}}`,
			want: graphQLPage{items: []json.RawMessage{}}},
		{name: "a null list", limit: 2, body: `{"data": {"Contract": null}}`, want: graphQLPage{}},
		{name: "without pageInfo, a full page goes on after its last record", limit: 2,
			body: `{"data": {"Contract": [{"id": 9}, {"id": "7"}]}}`,
			want: graphQLPage{items: []json.RawMessage{[]byte(`{"id": 9}`), []byte(`{"id": "7"}`)}, hasNext: true, lastID: 7}},
		{name: "without pageInfo, a short page is the last", limit: 3, body: `{"data": {"Contract": [{"id": 9}]}}`,
			want: graphQLPage{items: []json.RawMessage{[]byte(`{"id": 9}`)}}},
		{name: "errors", limit: 2, body: `{"errors": [{"message": "Cannot query field \"x\""}, {"message": "timeout"}], "data": {"Contract": null}}`,
			wantErr: `the portal's GraphQL answered errors: Cannot query field "x"; timeout`},
		{name: "another list", limit: 2, body: `{"data": {"Plans": []}}`, wantErr: "no data.Contract"},
		{name: "not a list", limit: 2, body: `{"data": {"Contract": {"id": 1}}}`, wantErr: "data.Contract is not an array"},
		{name: "a next page without lastId", limit: 2, body: `{"data": {"Contract": []}, "extensions": {"pageInfo": {"hasNextPage": true}}}`,
			wantErr: "hasNextPage without a usable lastId"},
		{name: "truncated", limit: 2, body: `{"data": {"Contract": [{"id": 9}`, wantErr: "invalid GraphQL response"},
		{name: "an HTML page", limit: 2, body: `<html>Service Unavailable</html>`, wantErr: "invalid GraphQL response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGraphQL([]byte(tt.body), "Contract", tt.limit)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
