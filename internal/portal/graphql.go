package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// GraphQLPath is the portal's GraphQL endpoint. A list there answers pages of at most GraphQLLimit
// records, newest (highest id) first; the next page is asked for with after: the lastId of the page
// before, from the response's extensions.pageInfo.
const GraphQLPath = "/v3/graphql"

// GraphQLLimit is the most records a GraphQL page holds: the portal caps limit at 200.
const GraphQLLimit = 200

// field maps a GraphQL field to the snake_case name of the REST API, which the importer reads.
type field struct{ gql, rest string }

// graphQLList is a GraphQL list that a fetch walks, and how its records become REST records.
//
// Every GraphQL name below is a field of the portal's schema as introspected by a public client
// (Rus9136/gos_tracker, docs/ows/graphql_schema.json, July 2026); real responses carrying camelCase
// contracts with nested ContractUnits, and plan points with nested PlansKato, are in
// testdata/goszakup. ASSUMPTIONS, each kept here: the REST names are the camelCase names in
// snake_case, as the REST lists spell the fields they share (contract_sum_wnds, ref_enstru_code ...);
// a nested list holds all of a record's units or places, not a first few.
type graphQLList struct {
	root       string  // the query's root field: Contract, Plans
	filterType string  // the type of its filter argument, when a filter is sent
	dateFilter string  // the filter field that takes the since window [from, to]; "" when none works
	created    string  // without dateFilter: the REST field of the date a record was created, which ends a since walk
	fields     []field // scalar fields, in the order written
	nested     string  // the list nested in each record: ContractUnits, PlansKato
	nestedType string  // its GraphQL type, for messages
	nestedDir  string  // the folder its records go to
	parentKey  string  // the REST field that names the parent record in a nested record
	nestedFlds []field
}

// contractList walks contracts with their units. Contract is filtered by lastUpdateDate, which the
// portal's own documentation and public clients use for incremental loads.
var contractList = &graphQLList{
	root: "Contract", filterType: "ContractFiltersInput", dateFilter: "lastUpdateDate",
	fields: []field{
		{"id", "id"}, {"parentId", "parent_id"}, {"rootId", "root_id"},
		{"trdBuyId", "trd_buy_id"}, {"trdBuyNumberAnno", "trd_buy_number_anno"},
		{"contractNumber", "contract_number"}, {"contractNumberSys", "contract_number_sys"},
		{"customerBin", "customer_bin"}, {"supplierBiin", "supplier_biin"},
		{"signDate", "sign_date"}, {"finYear", "fin_year"},
		{"refContractStatusId", "ref_contract_status_id"}, {"refContractTypeId", "ref_contract_type_id"},
		{"faktTradeMethodsId", "fakt_trade_methods_id"},
		{"contractSum", "contract_sum"}, {"contractSumWnds", "contract_sum_wnds"},
		{"faktSum", "fakt_sum"}, {"faktSumWnds", "fakt_sum_wnds"},
		{"refCurrencyCode", "ref_currency_code"}, {"exchangeRate", "exchange_rate"}, {"contractMs", "contract_ms"},
		{"descriptionRu", "description_ru"}, {"descriptionKz", "description_kz"},
		{"deleted", "deleted"}, {"crdate", "crdate"}, {"lastUpdateDate", "last_update_date"}, {"systemId", "system_id"},
	},
	nested: "ContractUnits", nestedType: "ContractUnits", nestedDir: "contract-units", parentKey: "contract_id",
	nestedFlds: []field{
		{"id", "id"}, {"plnPointId", "pln_point_id"}, {"lotId", "lot_id"},
		{"itemPrice", "item_price"}, {"itemPriceWnds", "item_price_wnds"}, {"quantity", "quantity"},
		{"totalSum", "total_sum"}, {"totalSumWnds", "total_sum_wnds"},
		{"ksProc", "ks_proc"}, {"ksSum", "ks_sum"}, {"deleted", "deleted"},
		{"parentId", "parent_id"}, {"rootId", "root_id"}, {"systemId", "system_id"},
	},
}

// planList walks plan points with their delivery places. Plans takes no working date filter (a public
// client found that a date filter with a start returns nothing), but it lists points newest first and a
// change to a point is a new point with a new id: a since walk stops after a page of points all created
// before the since date.
var planList = &graphQLList{
	root: "Plans", created: "date_create",
	fields: []field{
		{"id", "id"}, {"rootrecordId", "rootrecord_id"}, {"plnPointYear", "pln_point_year"},
		{"subjectBiin", "subject_biin"}, {"nameRu", "name_ru"}, {"nameKz", "name_kz"},
		{"descRu", "desc_ru"}, {"descKz", "desc_kz"}, {"extraDescRu", "extra_desc_ru"}, {"extraDescKz", "extra_desc_kz"},
		{"refEnstruCode", "ref_enstru_code"}, {"refUnitsCode", "ref_units_code"},
		{"count", "count"}, {"price", "price"}, {"amount", "amount"},
		{"refTradeMethodsId", "ref_trade_methods_id"}, {"refPlnPointStatusId", "ref_pln_point_status_id"},
		{"refSubjectTypeId", "ref_subject_type_id"}, {"refMonthsId", "ref_months_id"}, {"isQvazi", "is_qvazi"},
		{"isActive", "is_active"}, {"isDeleted", "is_deleted"},
		{"dateCreate", "date_create"}, {"timestamp", "timestamp"}, {"systemId", "system_id"},
	},
	nested: "PlansKato", nestedType: "PlnPointsKato", nestedDir: "plans-kato", parentKey: "pln_points_id",
	nestedFlds: []field{
		{"id", "id"}, {"refKatoCode", "ref_kato_code"}, {"refCountriesCode", "ref_countries_code"},
		{"fullDeliveryPlaceNameRu", "full_delivery_place_name_ru"}, {"count", "count"},
		{"isActive", "is_active"}, {"isDeleted", "is_deleted"}, {"systemId", "system_id"},
	},
}

// query is the GraphQL document that asks for a page of the list. Its variables are $limit, $after
// (omitted for the first page) and, with a date filter, $filter.
func (l *graphQLList) query() string {
	var b strings.Builder
	if l.dateFilter != "" {
		fmt.Fprintf(&b, "query($filter: %s, $limit: Int, $after: Int) {\n  %s(filter: $filter, limit: $limit, after: $after) {\n", l.filterType, l.root)
	} else {
		fmt.Fprintf(&b, "query($limit: Int, $after: Int) {\n  %s(limit: $limit, after: $after) {\n", l.root)
	}
	writeFields := func(indent string, fields []field) {
		for i, f := range fields {
			if i%8 == 0 {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(indent)
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(f.gql)
		}
		b.WriteByte('\n')
	}
	writeFields("    ", l.fields)
	fmt.Fprintf(&b, "    %s {\n", l.nested)
	writeFields("      ", l.nestedFlds)
	b.WriteString("    }\n  }\n}\n")
	return b.String()
}

// request is the body of the POST that asks for the page after the record with id after (0: the
// first page), with the since window when the list takes one.
func (l *graphQLList) request(limit int, after int64, window []string) []byte {
	vars := map[string]any{"limit": limit}
	if after > 0 {
		vars["after"] = after
	}
	if l.dateFilter != "" && len(window) == 2 {
		vars["filter"] = map[string]any{l.dateFilter: window}
	}
	b, err := json.Marshal(map[string]any{"query": l.query(), "variables": vars})
	if err != nil {
		panic(err) // strings and numbers always marshal
	}
	return b
}

// graphQLPage is a page of a GraphQL list.
type graphQLPage struct {
	items   []json.RawMessage
	hasNext bool
	lastID  int64 // the after of the next page
}

// parseGraphQL checks a GraphQL response, {"data": {root: [...]}, "extensions": {"pageInfo":
// {"hasNextPage", "lastId"}}}. Without a pageInfo, a full page is taken to have a next one, after its
// last record. Errors reported by the portal are retried like a broken page: they may be passing
// failures of its search index.
func parseGraphQL(body []byte, root string, limit int) (graphQLPage, error) {
	var raw struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
		Extensions struct {
			PageInfo *struct {
				HasNextPage *bool           `json:"hasNextPage"`
				LastID      json.RawMessage `json:"lastId"`
			} `json:"pageInfo"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return graphQLPage{}, fmt.Errorf("invalid GraphQL response (%d bytes, truncated?): %w", len(body), err)
	}
	if len(raw.Errors) > 0 {
		msgs := make([]string, 0, len(raw.Errors))
		for _, e := range raw.Errors {
			msgs = append(msgs, e.Message)
		}
		return graphQLPage{}, fmt.Errorf("the portal's GraphQL answered errors: %s (the field names queried are in internal/portal/graphql.go)",
			strings.Join(msgs, "; "))
	}
	list, ok := raw.Data[root]
	if !ok {
		return graphQLPage{}, fmt.Errorf("invalid GraphQL response: no data.%s", root)
	}
	var p graphQLPage
	if !bytes.Equal(list, []byte("null")) {
		if err := json.Unmarshal(list, &p.items); err != nil {
			return graphQLPage{}, fmt.Errorf("invalid GraphQL response: data.%s is not an array", root)
		}
	}
	if pi := raw.Extensions.PageInfo; pi != nil && pi.HasNextPage != nil {
		p.hasNext = *pi.HasNextPage
		if p.hasNext {
			id, ok := parseID(pi.LastID)
			if !ok {
				return graphQLPage{}, fmt.Errorf("invalid GraphQL response: hasNextPage without a usable lastId (%s)", pi.LastID)
			}
			p.lastID = id
		}
		return p, nil
	}
	// No pageInfo: go on after the last record of a full page.
	if len(p.items) >= limit && len(p.items) > 0 {
		id, err := recordID(p.items[len(p.items)-1])
		if err != nil {
			return graphQLPage{}, err
		}
		p.hasNext, p.lastID = true, id
	}
	return p, nil
}

// recordID reads the id of a GraphQL record.
func recordID(rec json.RawMessage) (int64, error) {
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(rec, &r); err != nil {
		return 0, fmt.Errorf("a record is not an object: %w", err)
	}
	id, ok := parseID(r.ID)
	if !ok {
		return 0, fmt.Errorf("a record without a usable id (%s)", r.ID)
	}
	return id, nil
}

// converted is a GraphQL record as REST records: the record itself and its nested ones.
type converted struct {
	id      int64
	created string // the value of the list's created field, "" when it has none
	record  []byte
	nested  [][]byte
}

// convert turns a GraphQL record into the REST records the importer reads: the list's fields under
// their REST names, in the list's order, and each nested record with the parent's id under parentKey.
// Values are copied byte for byte, so amounts keep the digits the portal sent. Fields the record
// lacks are left out; fields the list does not name are dropped.
func (l *graphQLList) convert(rec json.RawMessage) (converted, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(rec, &obj); err != nil {
		return converted{}, fmt.Errorf("a %s record is not an object: %w", l.root, err)
	}
	id, ok := parseID(obj["id"])
	if !ok {
		return converted{}, fmt.Errorf("a %s record without a usable id (%s)", l.root, obj["id"])
	}
	c := converted{id: id, record: restRecord(obj, l.fields, "", nil)}
	if l.created != "" {
		for _, f := range l.fields {
			if f.rest == l.created {
				_ = json.Unmarshal(obj[f.gql], &c.created) // absent, null or not a string: ""
			}
		}
	}
	var nested []map[string]json.RawMessage
	if raw, ok := obj[l.nested]; ok && !bytes.Equal(raw, []byte("null")) {
		if err := json.Unmarshal(raw, &nested); err != nil {
			return converted{}, fmt.Errorf("%s %d: %s is not a list of objects: %w", l.root, id, l.nested, err)
		}
	}
	parent := strconv.AppendInt(nil, id, 10)
	for _, n := range nested {
		c.nested = append(c.nested, restRecord(n, l.nestedFlds, l.parentKey, parent))
	}
	return c, nil
}

// restRecord writes obj's fields under their REST names, with key: value first when key is set.
func restRecord(obj map[string]json.RawMessage, fields []field, key string, value []byte) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	sep := func() {
		if b.Len() > 1 {
			b.WriteString(", ")
		}
	}
	if key != "" {
		fmt.Fprintf(&b, "%q: %s", key, value)
	}
	for _, f := range fields {
		v, ok := obj[f.gql]
		if !ok {
			continue
		}
		sep()
		fmt.Fprintf(&b, "%q: %s", f.rest, bytes.TrimSpace(v))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// errNoProgress stops a walk whose cursor does not move.
var errNoProgress = errors.New("the page's lastId is the cursor it was asked for; stopping rather than looping")

// parseID reads a record id: a positive integer, as a JSON number or string.
func parseID(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if strings.HasPrefix(s, `"`) && json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
