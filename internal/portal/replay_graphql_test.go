package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The replay server's GraphQL endpoint serves lists as the portal does, as far as public clients have
// seen it: records newest (highest id) first, at most 200 a page (a larger limit is cut to 200), the
// page after the record whose id is after, extensions.pageInfo {hasNextPage, lastId, totalCount}, and
// Contract filtered by lastUpdateDate: [from, to]. Only the fields a query selects are answered, and a
// field that the portal's schema lacks is an error, as on the portal.

// schemaFields are the fields of the portal's GraphQL types that the walks may select, by the path of
// the list in a query. They are copied from the schema introspected on the live portal
// (Rus9136/gos_tracker, docs/ows/graphql_schema.json, types Contract, ContractUnits, PlnPoint and
// PlnPointsKato), without the object fields that no walk selects.
var schemaFields = map[string][]string{
	"Contract": {"id", "parentId", "rootId", "trdBuyId", "trdBuyNumberAnno", "trdBuyNameRu", "trdBuyNameKz",
		"refAmendmAgreemJustifId", "refContractStatusId", "deleted", "crdate", "lastUpdateDate", "supplierId",
		"supplierBiin", "supplierBik", "supplierIik", "supplierFio", "contractNumber", "customerId", "customerBin",
		"contractNumberSys", "refSubjectTypeId", "isGu", "finYear", "refContractAgrFormId", "refContractYearTypeId",
		"refFinsourceId", "refCurrencyCode", "exchangeRate", "contractSum", "contractSumWnds", "signDate", "ecEndDate",
		"planExecDate", "faktExecDate", "faktSum", "faktSumWnds", "contractEndDate", "refContractCancelId",
		"refContractTypeId", "descriptionKz", "descriptionRu", "faktTradeMethodsId", "contractMs", "withNds",
		"systemId", "indexDate", "ContractUnits"},
	"Contract.ContractUnits": {"id", "lotId", "plnPointId", "itemPrice", "itemPriceWnds", "quantity", "totalSum",
		"totalSumWnds", "contractSum", "contractSumWnds", "factSum", "factSumWnds", "ksProc", "ksSum", "deleted",
		"trdBuyId", "contractRegistryId", "crdate", "execFaktDate", "execPlanDate", "executed", "parentId", "rootId",
		"refContractStatusId", "crDeleted", "systemId", "indexDate"},
	"Plans": {"id", "rootrecordId", "idc", "sysSubjectsId", "sysOrganizatorId", "subjectBiin", "subjectNameRu",
		"subjectNameKz", "nameRu", "nameKz", "refTradeMethodsId", "refUnitsCode", "codeGu", "count", "price", "amount",
		"refMonthsId", "refPlnPointStatusId", "plnPointYear", "refSubjectTypeId", "refEnstruCode", "refEnstruId",
		"refFinsourceId", "refAbpCode", "isQvazi", "dateCreate", "timestamp", "refPointTypeId", "descRu", "descKz",
		"extraDescKz", "extraDescRu", "supplyDateRu", "prepayment", "isActive", "isDeleted", "systemId", "indexDate",
		"PlansKato"},
	"Plans.PlansKato": {"id", "plnPointsId", "refKatoCode", "refCountriesCode", "fullDeliveryPlaceNameRu",
		"fullDeliveryPlaceNameKz", "count", "isActive", "isDeleted", "systemId", "indexDate"},
}

// readList reads a GraphQL list of the replay server, numbers as written.
func readList(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var recs []map[string]any
	require.NoError(t, dec.Decode(&recs), path)
	sortNewestFirst(recs)
	return recs
}

func recID(rec map[string]any) int64 {
	id, err := rec["id"].(json.Number).Int64()
	if err != nil {
		panic(err)
	}
	return id
}

func sortNewestFirst(recs []map[string]any) {
	slices.SortFunc(recs, func(a, b map[string]any) int { return int(recID(b) - recID(a)) })
}

// selection is a field a query selects, with the fields it selects in turn.
type selection struct {
	name string
	sub  []selection
}

// graphQLRequest is a request to the replay server's GraphQL endpoint.
type graphQLRequest struct {
	root    string
	sel     []selection
	limit   int
	after   int64
	window  []string // lastUpdateDate filter
	rawVars []byte
	err     string // an error the portal would answer
}

var rootCall = regexp.MustCompile(`(?s)^\s*query\s*\([^)]*\)\s*\{\s*(\w+)\s*\(([^)]*)\)\s*\{(.*)\}\s*\}\s*$`)

func parseGraphQLRequest(r io.Reader) (*graphQLRequest, error) {
	var body struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	}
	if err := json.NewDecoder(r).Decode(&body); err != nil {
		return nil, err
	}
	m := rootCall.FindStringSubmatch(body.Query)
	if m == nil {
		return nil, fmt.Errorf("query not understood: %q", body.Query)
	}
	q := &graphQLRequest{root: m[1], rawVars: body.Variables}
	for _, arg := range strings.Split(m[2], ",") {
		name, value, _ := strings.Cut(arg, ":")
		if strings.TrimSpace(value) != "$"+strings.TrimSpace(name) {
			return nil, fmt.Errorf("argument %q is not passed as a variable of its name", arg)
		}
	}
	tokens := strings.Fields(strings.NewReplacer("{", " { ", "}", " } ").Replace(m[3]))
	sel, rest, err := parseSelection(tokens)
	if err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("selection not understood (%v): %q", err, m[3])
	}
	q.sel = sel
	if msg := checkSelection(q.root, sel); msg != "" {
		q.err = msg
	}
	var vars struct {
		Limit  int             `json:"limit"`
		After  int64           `json:"after"`
		Filter json.RawMessage `json:"filter"`
	}
	if err := json.Unmarshal(body.Variables, &vars); err != nil {
		return nil, err
	}
	q.limit, q.after = vars.Limit, vars.After
	if vars.Filter != nil {
		var filter map[string][]string
		if err := json.Unmarshal(vars.Filter, &filter); err != nil {
			return nil, err
		}
		for name, v := range filter {
			if name != "lastUpdateDate" || len(v) != 2 {
				return nil, fmt.Errorf("filter %s: %v not served", name, v)
			}
			q.window = v
		}
	}
	return q, nil
}

func parseSelection(tokens []string) ([]selection, []string, error) {
	var sel []selection
	for len(tokens) > 0 {
		switch tok := tokens[0]; tok {
		case "}":
			return sel, tokens, nil
		case "{":
			if len(sel) == 0 {
				return nil, nil, errors.New("a { without a field")
			}
			sub, rest, err := parseSelection(tokens[1:])
			if err != nil || len(rest) == 0 || rest[0] != "}" {
				return nil, nil, errors.New("an unclosed {")
			}
			sel[len(sel)-1].sub = sub
			tokens = rest[1:]
		default:
			sel = append(sel, selection{name: tok})
			tokens = tokens[1:]
		}
	}
	return sel, tokens, nil
}

func checkSelection(path string, sel []selection) string {
	for _, s := range sel {
		if !slices.Contains(schemaFields[path], s.name) {
			return fmt.Sprintf("Cannot query field %q on type %q.", s.name, path)
		}
		if s.sub != nil {
			if msg := checkSelection(path+"."+s.name, s.sub); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// key names the request in the replay server's logs and faults: the list and the cursor.
func (q *graphQLRequest) key() string { return fmt.Sprintf("graphql/%s/after=%d", q.root, q.after) }

// answer is the page the request asks for, of the list's records (newest first).
func (q *graphQLRequest) answer(recs []map[string]any) []byte {
	if q.err != "" {
		b, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"message": q.err}}, "data": map[string]any{q.root: nil}})
		return b
	}
	var match []map[string]any
	for _, rec := range recs {
		if q.after > 0 && recID(rec) >= q.after {
			continue
		}
		if q.window != nil {
			if q.root != "Contract" {
				continue // a public client found that Plans answers nothing to a date filter
			}
			date := fmt.Sprint(rec["lastUpdateDate"])[:len("2006-01-02")]
			if (q.window[0] != "" && date < q.window[0]) || (q.window[1] != "" && date > q.window[1]) {
				continue
			}
		}
		match = append(match, rec)
	}
	limit := q.limit
	if limit <= 0 || limit > GraphQLLimit {
		limit = GraphQLLimit
	}
	page := match[:min(limit, len(match))]
	items := make([]map[string]any, len(page))
	for i, rec := range page {
		items[i] = project(rec, q.sel)
	}
	pageInfo := map[string]any{"hasNextPage": len(match) > limit, "totalCount": len(match), "limitPage": limit}
	if len(page) > 0 {
		pageInfo["lastId"] = recID(page[len(page)-1])
	}
	b, err := json.Marshal(map[string]any{"data": map[string]any{q.root: items}, "extensions": map[string]any{"pageInfo": pageInfo}})
	if err != nil {
		panic(err)
	}
	return b
}

// project keeps the selected fields of a record; a field the record lacks is null, as GraphQL answers.
func project(rec map[string]any, sel []selection) map[string]any {
	out := make(map[string]any, len(sel))
	for _, s := range sel {
		v := rec[s.name]
		if s.sub != nil && v != nil {
			var list []map[string]any
			for _, n := range v.([]any) {
				list = append(list, project(n.(map[string]any), s.sub))
			}
			if list == nil {
				list = []map[string]any{}
			}
			v = list
		}
		out[s.name] = v
	}
	return out
}

// genContracts makes n contracts with ids from first down, each with one to three units, last updated
// on the given day (YYYY-MM-DD).
func genContracts(n int, first int64, day string) []map[string]any {
	recs := make([]map[string]any, n)
	for i := range n {
		id := first - int64(i)
		var units []any
		for u := range 1 + i%3 {
			units = append(units, map[string]any{
				"id": json.Number(strconv.FormatInt(id*10+int64(u), 10)), "plnPointId": json.Number("7001"),
				"itemPrice": json.Number("1000.50"), "itemPriceWnds": json.Number("1120.56"), "quantity": json.Number("2"),
				"totalSum": json.Number("2001.00"), "totalSumWnds": json.Number("2241.12"), "ksProc": json.Number("50"), "deleted": json.Number("0"),
			})
		}
		recs[i] = map[string]any{
			"id": json.Number(strconv.FormatInt(id, 10)), "customerBin": "100140000001", "supplierBiin": "100240000003",
			"signDate": day + " 10:00:00", "finYear": json.Number("2026"), "contractSum": json.Number("2001.00"),
			"contractSumWnds": json.Number("2241.12"), "refCurrencyCode": "KZT", "exchangeRate": json.Number("1"),
			"refContractStatusId": json.Number("330"), "faktTradeMethodsId": json.Number("3"), "deleted": json.Number("0"),
			"lastUpdateDate": day + " 12:00:00", "ContractUnits": units,
		}
	}
	return recs
}
