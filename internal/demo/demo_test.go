package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tests read datasets back from disk with encoding/json and check them against the portal format
// and against Stats without using the generator's internals, so a formatting bug cannot hide behind the
// code that made it.

// Field kinds of the portal format.
const (
	fStr     = "string"
	fStrNull = "string or null"
	fNull    = "null"
	fInt     = "integer"
	fDec     = "number with up to 2 decimals"
)

var schemas = map[string]map[string]string{
	EndpointSubject: {
		"bin": fStrNull, "iin": fNull, "inn": fStrNull, "name_ru": fStr, "name_kz": fStr, "country_code": fInt,
		"mark_resident": fInt, "mark_patronymic_producer": fInt, "mark_patronymic_supplyer": fInt,
		"customer": fInt, "supplier": fInt, "mark_national_company": fInt,
	},
	EndpointContract: {
		"id": fInt, "customer_bin": fStr, "supplier_biin": fStr, "sign_date": fStr, "fin_year": fInt,
		"contract_sum": fDec, "contract_sum_wnds": fDec, "ref_currency_code": fStr, "exchange_rate": fInt,
		"contract_ms": fDec, "ref_contract_status_id": fInt, "fakt_trade_methods_id": fInt,
		"description_ru": fStr, "description_kz": fStr, "deleted": fInt, "last_update_date": fStr,
	},
	EndpointContractUnits: {
		"id": fInt, "contract_id": fInt, "pln_point_id": fInt, "item_price": fDec, "item_price_wnds": fDec, "quantity": fInt,
		"total_sum": fDec, "total_sum_wnds": fDec, "ks_proc": fDec, "ks_sum": fDec, "deleted": fInt,
	},
	EndpointPlans: {
		"id": fInt, "ref_enstru_code": fStr, "name_ru": fStr, "name_kz": fStr, "desc_ru": fStr, "ref_units_code": fStr,
	},
	EndpointPlansKato: {"pln_points_id": fInt, "ref_kato_code": fStr},
}

// searchKey returns the value a page's next_page continues after: the identifier of its last item.
func searchKey(ep string, it item) string {
	switch ep {
	case EndpointSubject:
		if bin := it.str("bin"); bin != "" {
			return bin
		}
		return it.str("inn")
	case EndpointPlansKato:
		return string(it["pln_points_id"])
	}
	return string(it["id"])
}

var (
	reInt = regexp.MustCompile(`^-?[0-9]+$`)
	reDec = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,2})?$`)
)

type item map[string]json.RawMessage

func (it item) str(k string) string {
	var s *string
	if err := json.Unmarshal(it[k], &s); err != nil || s == nil {
		return ""
	}
	return *s
}

func (it item) int(k string) int64 {
	v, err := strconv.ParseInt(string(it[k]), 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

// cents parses a decimal of at most two places into hundredths without going through float64.
func (it item) cents(k string) int64 {
	s := string(it[k])
	whole, frac, _ := strings.Cut(s, ".")
	frac += "00"[len(frac):]
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

type dataset struct {
	pageSize int
	items    map[string][]item // By endpoint, in file order.
	pages    map[string]int
}

// readDataset reads and validates every page: the envelope, the page chain and each item's fields.
func readDataset(t *testing.T, dir string, pageSize int) *dataset {
	t.Helper()
	ds := &dataset{pageSize: pageSize, items: map[string][]item{}, pages: map[string]int{}}
	for ep, schema := range schemas {
		files, err := filepath.Glob(filepath.Join(dir, ep, "*"))
		require.NoError(t, err)
		require.NotEmpty(t, files, ep)
		for i, f := range files {
			require.Equal(t, fmt.Sprintf("page-%06d.json", i+1), filepath.Base(f), "pages are numbered without gaps")
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var page map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(raw, &page), f)
			require.ElementsMatch(t, []string{"items", "next_page"}, slices.Collect(mapKeys(page)), f)
			var items []item
			d := json.NewDecoder(bytes.NewReader(page["items"]))
			d.UseNumber()
			require.NoError(t, d.Decode(&items), f)
			var next string
			require.NoError(t, json.Unmarshal(page["next_page"], &next), f)
			last := i == len(files)-1
			require.LessOrEqual(t, len(items), pageSize, f)
			if !last {
				require.Len(t, items, pageSize, "%s: only the last page may be short", f)
				require.Equal(t, "/v3/"+ep+"?page=next&search_after="+searchKey(ep, items[len(items)-1]), next, f)
			} else {
				require.Empty(t, next, "%s: the last page links nowhere", f)
			}
			for _, it := range items {
				checkFields(t, ep, schema, it)
			}
			ds.items[ep] = append(ds.items[ep], items...)
		}
		ds.pages[ep] = len(files)
	}
	return ds
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func checkFields(t *testing.T, ep string, schema map[string]string, it item) {
	if len(it) != len(schema) {
		require.ElementsMatch(t, slices.Collect(mapKeys(schema)), slices.Collect(mapKeys(it)), "%s fields", ep)
	}
	for k, kind := range schema {
		v, ok := it[k]
		require.True(t, ok, "%s: missing %s", ep, k)
		s := string(v)
		switch kind {
		case fStr:
			require.True(t, strings.HasPrefix(s, `"`), "%s.%s = %s is not a string", ep, k, s)
		case fStrNull:
			require.True(t, s == "null" || strings.HasPrefix(s, `"`), "%s.%s = %s", ep, k, s)
		case fNull:
			require.Equal(t, "null", s, "%s.%s", ep, k)
		case fInt:
			require.Regexp(t, reInt, s, "%s.%s", ep, k)
		case fDec:
			require.Regexp(t, reDec, s, "%s.%s", ep, k)
		}
	}
}

// Uniform keyword rules of the importer's classifier (migration 00002); each word is a prefix if it ends in *.
var uniformRules = []string{
	"школьн* форм*", "форм* школьн*", "мектеп* форма*", "оқушы* форма*", "школьн* костюм*", "школьн* сарафан*",
}

var reWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// ruleMatches reports whether text holds the rule's words in order, adjacent if adjacent is set and
// anywhere otherwise.
func ruleMatches(rule, text string, adjacent bool) bool {
	words := reWord.FindAllString(strings.ToLower(text), -1)
	pats := strings.Fields(rule)
	match := func(w, p string) bool {
		if strings.HasSuffix(p, "*") {
			return strings.HasPrefix(w, strings.TrimSuffix(p, "*"))
		}
		return w == p
	}
	if adjacent {
		for i := 0; i+len(pats) <= len(words); i++ {
			ok := true
			for j, p := range pats {
				ok = ok && match(words[i+j], p)
			}
			if ok {
				return true
			}
		}
		return false
	}
	for _, p := range pats {
		if !slices.ContainsFunc(words, func(w string) bool { return match(w, p) }) {
			return false
		}
	}
	return true
}

// categoryOf classifies a plan point by ENSTRU prefix, the portal's own classification.
func categoryOf(enstru string) string {
	switch p := strings.ReplaceAll(enstru, ".", "")[:4]; p {
	case "1413":
		return CategorySchoolUniforms
	case "1412":
		return CategoryWorkwear
	case "1520":
		return CategoryFootwear
	case "3101":
		return CategoryFurniture
	case "2620":
		return CategoryComputers
	}
	return ""
}

var (
	reBIN    = regexp.MustCompile(`^[0-9]{12}$`)
	reENSTRU = regexp.MustCompile(`^[0-9]{6}\.[0-9]{3}\.[0-9]{6}$`)
	reKATO   = regexp.MustCompile(`^[0-9]{9}$`)
)

var regionCodes = []string{"10", "11", "15", "19", "23", "27", "31", "33", "35", "39", "43", "47", "55", "59", "61", "62", "63", "71", "75", "79"}

// views are the joins the checks need, built from the files alone.
type views struct {
	subjects  map[string]item // By BIN or foreign tax number.
	contracts map[int64]item
	plans     map[int64]item
	katos     map[int64][]string
	units     map[int64][]item // By contract.
	volumes   map[YearCategory]Volume
	regionUni map[string]Volume // School uniforms, all years, by region.
}

func (ds *dataset) views(t *testing.T) *views {
	t.Helper()
	v := &views{subjects: map[string]item{}, contracts: map[int64]item{}, plans: map[int64]item{},
		katos: map[int64][]string{}, units: map[int64][]item{}, volumes: map[YearCategory]Volume{},
		regionUni: map[string]Volume{}}
	for _, s := range ds.items[EndpointSubject] {
		id := s.str("bin")
		if id == "" {
			id = s.str("inn")
		}
		require.NotEmpty(t, id)
		_, dup := v.subjects[id]
		require.False(t, dup, "subject identifiers are unique: %s", id)
		v.subjects[id] = s
	}
	for _, c := range ds.items[EndpointContract] {
		_, dup := v.contracts[c.int("id")]
		require.False(t, dup, "contract ids are unique: %d", c.int("id"))
		v.contracts[c.int("id")] = c
	}
	for _, p := range ds.items[EndpointPlans] {
		_, dup := v.plans[p.int("id")]
		require.False(t, dup, "plan point ids are unique: %d", p.int("id"))
		v.plans[p.int("id")] = p
	}
	for _, k := range ds.items[EndpointPlansKato] {
		v.katos[k.int("pln_points_id")] = append(v.katos[k.int("pln_points_id")], k.str("ref_kato_code"))
	}
	for _, u := range ds.items[EndpointContractUnits] {
		v.units[u.int("contract_id")] = append(v.units[u.int("contract_id")], u)
		c, ok := v.contracts[u.int("contract_id")]
		require.True(t, ok, "unit %d: contract exists", u.int("id"))
		p, ok := v.plans[u.int("pln_point_id")]
		require.True(t, ok, "unit %d: plan point exists", u.int("id"))
		if u.int("deleted") == 1 || !statusCounts(int(c.int("ref_contract_status_id"))) {
			continue
		}
		cat := categoryOf(p.str("ref_enstru_code"))
		producer := v.subjects[c.str("supplier_biin")].int("mark_patronymic_producer") == 1
		key := YearCategory{int(c.int("fin_year")), cat}
		vol := v.volumes[key]
		vol.Total += u.cents("total_sum_wnds")
		if producer {
			vol.Domestic += u.cents("total_sum_wnds")
		}
		v.volumes[key] = vol
		if cat == CategorySchoolUniforms {
			r := v.katos[p.int("id")][0][:2]
			vol := v.regionUni[r]
			vol.Total += u.cents("total_sum_wnds")
			if producer {
				vol.Domestic += u.cents("total_sum_wnds")
			}
			v.regionUni[r] = vol
		}
	}
	return v
}

// checkDataset checks what must hold for a dataset of any size and returns the joined views.
func checkDataset(t *testing.T, ds *dataset, st Stats) *views {
	t.Helper()
	v := ds.views(t)

	require.Len(t, ds.items[EndpointSubject], st.Subjects)
	require.Len(t, ds.items[EndpointContract], st.Contracts)
	require.Len(t, ds.items[EndpointContractUnits], st.Units)
	require.Len(t, ds.items[EndpointPlans], st.PlanPoints)
	require.Len(t, ds.items[EndpointPlansKato], st.PlanKatos)
	require.Equal(t, st.Units, st.PlanPoints, "one plan point per unit")
	require.Equal(t, st.Buyers+st.Suppliers, st.Subjects)

	nationals := 0
	for id, s := range v.subjects {
		if s.int("mark_national_company") == 1 {
			nationals++
		}
		if bin := s.str("bin"); bin != "" {
			require.Regexp(t, reBIN, bin)
			require.Equal(t, byte('4'), bin[4], "%s: legal entity", bin)
			d := []byte(bin)
			for i := range d {
				d[i] -= '0'
			}
			c, ok := checkDigit(d[:11])
			require.True(t, ok && c == d[11], "%s: check digit", bin)
			require.Equal(t, "null", string(s["inn"]))
			require.Equal(t, int64(398), s.int("country_code"))
			require.Equal(t, int64(1), s.int("mark_resident"))
		} else {
			require.Contains(t, []int64{156, 643, 792, 417, 860, 112}, s.int("country_code"), id)
			require.Equal(t, int64(0), s.int("mark_resident"))
			require.Equal(t, int64(0), s.int("mark_patronymic_producer"))
		}
		require.NotEqual(t, s.int("customer"), s.int("supplier"), "%s is a buyer or a supplier", id)
	}
	require.Equal(t, 1, nationals, "one national company")

	first, last := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	buyerRegions := map[[2]string]map[string]bool{} // (buyer, era) → region prefixes.
	deleted := 0
	for id, c := range v.contracts {
		require.Equal(t, int64(1), v.subjects[c.str("customer_bin")].int("customer"), "contract %d: buyer", id)
		require.Equal(t, int64(1), v.subjects[c.str("supplier_biin")].int("supplier"), "contract %d: supplier", id)
		sign, err := time.Parse(portalTime, c.str("sign_date"))
		require.NoError(t, err)
		require.False(t, sign.Before(first) || sign.After(last), "contract %d signed %s", id, sign)
		require.Equal(t, "00:00:00", sign.Format("15:04:05"))
		require.Equal(t, int64(sign.Year()), c.int("fin_year"))
		upd, err := time.Parse(portalTime, c.str("last_update_date"))
		require.NoError(t, err)
		require.False(t, upd.Before(sign), "contract %d updated before signing", id)
		require.Equal(t, "KZT", c.str("ref_currency_code"))
		require.Equal(t, int64(0), c.int("deleted"))
		require.Contains(t, []int64{2, 3, 6}, c.int("fakt_trade_methods_id"))

		units := v.units[id]
		require.True(t, len(units) >= 1 && len(units) <= 6, "contract %d has %d units", id, len(units))
		var sum, vat, ksw int64
		cats := map[string]bool{}
		era := "before"
		if sign.Year() >= 2022 {
			era = "after"
		}
		for _, u := range units {
			require.Equal(t, u.cents("item_price")*u.int("quantity"), u.cents("total_sum"), "unit %d", u.int("id"))
			require.Equal(t, (u.cents("total_sum")*112+50)/100, u.cents("total_sum_wnds"), "unit %d VAT", u.int("id"))
			require.Equal(t, (u.cents("total_sum_wnds")*u.cents("ks_proc")+5000)/10000, u.cents("ks_sum"), "unit %d", u.int("id"))
			require.True(t, u.cents("ks_proc") >= 0 && u.cents("ks_proc") <= 10000)
			require.Positive(t, u.int("quantity"))
			p := v.plans[u.int("pln_point_id")]
			require.Regexp(t, reENSTRU, p.str("ref_enstru_code"))
			require.Contains(t, []string{"796", "715", "839"}, p.str("ref_units_code"))
			cats[categoryOf(p.str("ref_enstru_code"))] = true
			katos := v.katos[p.int("id")]
			require.Len(t, katos, 1, "plan point %d", p.int("id"))
			require.Regexp(t, reKATO, katos[0])
			require.Contains(t, regionCodes, katos[0][:2])
			if sign.Year() < 2022 {
				require.NotContains(t, []string{"10", "33", "62"}, katos[0][:2], "region did not exist in %d", sign.Year())
			}
			key := [2]string{c.str("customer_bin"), era}
			if buyerRegions[key] == nil {
				buyerRegions[key] = map[string]bool{}
			}
			buyerRegions[key][katos[0][:2]] = true
			if u.int("deleted") == 1 {
				deleted++
				continue
			}
			sum += u.cents("total_sum")
			vat += u.cents("total_sum_wnds")
			ksw += u.cents("ks_proc") * u.cents("total_sum_wnds")
		}
		require.Len(t, cats, 1, "contract %d mixes categories", id)
		require.NotContains(t, cats, "", "contract %d has an unknown ENSTRU prefix", id)
		require.Positive(t, vat, "contract %d has a non-deleted unit", id)
		require.Equal(t, sum, c.cents("contract_sum"), "contract %d sum", id)
		require.Equal(t, vat, c.cents("contract_sum_wnds"), "contract %d sum with VAT", id)
		require.Equal(t, (ksw+vat/2)/vat, c.cents("contract_ms"), "contract %d local content", id)
	}
	require.Equal(t, st.DeletedUnits, deleted)
	for key, rs := range buyerRegions {
		require.Len(t, rs, 1, "buyer %s delivers to one region %s 2022", key[0], key[1])
	}

	checked := map[string]bool{} // Plan points repeat a few products; each text is checked once.
	for _, p := range v.plans {
		cat := categoryOf(p.str("ref_enstru_code"))
		text := p.str("name_ru") + " " + p.str("name_kz") + " " + p.str("desc_ru")
		if checked[cat+text] {
			continue
		}
		checked[cat+text] = true
		for _, rule := range uniformRules {
			if cat != CategorySchoolUniforms {
				require.False(t, ruleMatches(rule, text, false), "%q would be classified as a school uniform by %q", text, rule)
			}
		}
		if cat == CategorySchoolUniforms {
			require.True(t, ruleMatches("школьн* форм*", p.str("name_ru"), true), p.str("name_ru"))
			require.True(t, ruleMatches("мектеп* форма*", p.str("name_kz"), true), p.str("name_kz"))
		}
	}

	for y := 2016; y <= 2026; y++ {
		for _, c := range categorySlugs {
			key := YearCategory{y, c}
			require.Equal(t, st.Volumes[key], v.volumes[key], "%v: Stats agree with the files", key)
		}
	}
	return v
}

func TestDefaultDataset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := DefaultOptions()
	start := time.Now()
	st, err := Generate(context.Background(), dir, opts)
	require.NoError(t, err)
	t.Logf("generated %d units in %s", st.Units, time.Since(start))
	ds := readDataset(t, dir, opts.PageSize)
	v := checkDataset(t, ds, st)

	t.Run("size", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, opts.Items, st.Units)
		require.GreaterOrEqual(t, st.Units, 50_000)
		require.InDelta(t, 600, st.Buyers, 60)
		require.InDelta(t, 400, st.Suppliers, 40)
		require.Equal(t, (st.Units+opts.PageSize-1)/opts.PageSize, ds.pages[EndpointContractUnits])
		share := float64(st.DeletedUnits) / float64(st.Units)
		require.True(t, share > 0.001 && share < 0.006, "deleted share %.4f", share)
		t.Logf("subjects %d (buyers %d, suppliers %d), contracts %d, units %d (deleted %d)",
			st.Subjects, st.Buyers, st.Suppliers, st.Contracts, st.Units, st.DeletedUnits)
	})

	t.Run("school uniforms 2016", func(t *testing.T) {
		t.Parallel()
		key := YearCategory{2016, CategorySchoolUniforms}
		for name, vol := range map[string]Volume{"stats": st.Volumes[key], "files": v.volumes[key]} {
			require.InEpsilon(t, 37e9*100, float64(vol.Total), 0.03, name)
			share := vol.DomesticShare()
			require.True(t, share >= 0.06 && share <= 0.08, "%s: domestic share %.4f", name, share)
		}
	})

	t.Run("yearly figures", func(t *testing.T) {
		t.Parallel()
		want := map[int]float64{2016: 7, 2017: 9, 2018: 13, 2019: 11, 2020: 17, 2021: 22, 2022: 20, 2023: 27, 2024: 31, 2025: 36, 2026: 39}
		prev := int64(0)
		for y := 2016; y <= 2026; y++ {
			vol := st.Volumes[YearCategory{y, CategorySchoolUniforms}]
			require.InDelta(t, want[y], 100*vol.DomesticShare(), 2, "%d domestic share", y)
			require.Greater(t, vol.Total, prev, "%d: the market grows", y)
			prev = vol.Total
			for _, c := range []string{CategoryWorkwear, CategoryFootwear} {
				vol := st.Volumes[YearCategory{y, c}]
				require.True(t, vol.Total > 2e9*100 && vol.Total < 10e9*100, "%d %s: %d", y, c, vol.Total)
				share := vol.DomesticShare()
				require.True(t, share >= 0.18 && share <= 0.45, "%d %s: share %.3f", y, c, share)
			}
			t.Logf("%d school uniforms %.2f bn tenge, domestic %.1f%%", y, float64(vol.Total)/1e11, 100*vol.DomesticShare())
		}
	})

	t.Run("regions", func(t *testing.T) {
		t.Parallel()
		prefixes := map[string]bool{}
		for _, ks := range v.katos {
			prefixes[ks[0][:2]] = true
		}
		require.GreaterOrEqual(t, len(prefixes), 20)
		var all Volume
		for _, vol := range v.regionUni {
			all.Total += vol.Total
			all.Domestic += vol.Domestic
		}
		low := 0
		for _, r := range regionCodes {
			if v.regionUni[r].DomesticShare() < all.DomesticShare()/4 {
				low++
			}
		}
		require.GreaterOrEqual(t, low, 2, "some regions buy almost no domestic uniforms")
		for _, r := range []string{"63", "75"} {
			require.Greater(t, v.regionUni[r].DomesticShare(), 1.5*all.DomesticShare(), "region %s buys domestic", r)
		}
		var b strings.Builder
		for _, r := range regionCodes {
			fmt.Fprintf(&b, " %s:%.0f%%", r, 100*v.regionUni[r].DomesticShare())
		}
		t.Logf("school uniforms 2016-2026, domestic share by region (all %.1f%%):%s", 100*all.DomesticShare(), b.String())
	})

	t.Run("seasons", func(t *testing.T) {
		t.Parallel()
		var summer, total int
		for id, c := range v.contracts {
			p := v.plans[v.units[id][0].int("pln_point_id")]
			if categoryOf(p.str("ref_enstru_code")) != CategorySchoolUniforms {
				continue
			}
			total++
			if m := c.str("sign_date")[5:7]; m >= "06" && m <= "08" {
				summer++
			}
		}
		require.Greater(t, float64(summer)/float64(total), 0.5, "most school uniforms are bought in June to August")
	})

	t.Run("deterministic", func(t *testing.T) {
		t.Parallel()
		same, other := t.TempDir(), t.TempDir()
		_, err := Generate(context.Background(), same, opts)
		require.NoError(t, err)
		requireSameTree(t, dir, same)
		o := opts
		o.Seed = 2
		_, err = Generate(context.Background(), other, o)
		require.NoError(t, err)
		for _, ep := range []string{EndpointSubject, EndpointContract, EndpointContractUnits} {
			a, err := os.ReadFile(filepath.Join(dir, ep, "page-000001.json"))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(other, ep, "page-000001.json"))
			require.NoError(t, err)
			require.NotEqual(t, a, b, "%s differs for another seed", ep)
		}
	})
}

// requireSameTree requires two directories to hold the same files with the same bytes.
func requireSameTree(t *testing.T, a, b string) {
	t.Helper()
	list := func(root string) []string {
		var files []string
		require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				files = append(files, rel)
			}
			return err
		}))
		sort.Strings(files)
		return files
	}
	fa, fb := list(a), list(b)
	require.Equal(t, fa, fb)
	for _, f := range fa {
		x, err := os.ReadFile(filepath.Join(a, f))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, f))
		require.NoError(t, err)
		require.True(t, bytes.Equal(x, y), "%s differs between runs", f)
	}
}

func TestSmallDatasets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"500 items", Options{Seed: 1, Items: 500, PageSize: 100}},
		{"one item", Options{Seed: 3, Items: 1, PageSize: 10}},
		{"pages of one", Options{Seed: 4, Items: 40, PageSize: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			st, err := Generate(context.Background(), dir, tc.opts)
			require.NoError(t, err)
			require.Equal(t, tc.opts.Items, st.Units)
			checkDataset(t, readDataset(t, dir, tc.opts.PageSize), st)
		})
	}
}

func TestStalePagesRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Generate(context.Background(), dir, Options{Seed: 1, Items: 3000, PageSize: 100})
	require.NoError(t, err)
	st, err := Generate(context.Background(), dir, Options{Seed: 1, Items: 300, PageSize: 100})
	require.NoError(t, err)
	checkDataset(t, readDataset(t, dir, 100), st)
}

func TestOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      Options
		want    Options
		wantErr string
	}{
		{"zero takes defaults", Options{}, Options{Items: DefaultItems, PageSize: DefaultPageSize}, ""},
		{"kept", Options{Seed: 7, Items: 10, PageSize: 3}, Options{Seed: 7, Items: 10, PageSize: 3}, ""},
		{"negative items", Options{Items: -1}, Options{}, "demo: items -1 is negative"},
		{"negative page size", Options{PageSize: -5}, Options{}, "demo: page size -5 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.in.normalize()
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Generate(ctx, t.TempDir(), Options{Items: 1000})
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorContains(t, err, "demo: ")
	})
	t.Run("directory is a file", func(t *testing.T) {
		t.Parallel()
		f := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(f, nil, 0o644))
		_, err := Generate(context.Background(), f, Options{Items: 10})
		require.ErrorContains(t, err, "demo: create subject")
	})
	t.Run("page size", func(t *testing.T) {
		t.Parallel()
		_, err := PortalSink(t.TempDir(), 0)
		require.EqualError(t, err, "demo: page size 0 is not positive")
	})
}

// recorder is a Sink that checks the emission order Sink documents.
type recorder struct {
	t                   *testing.T
	subjects, contracts int
	plans, katos, units map[int64]bool // Emitted but not yet claimed by a contract.
	unitsOf             map[int64]int
	closed              int
	failAfter           int
}

func (r *recorder) Subject(Subject) error {
	require.Zero(r.t, r.contracts+len(r.plans)+len(r.units), "subjects come first")
	r.subjects++
	return nil
}

func (r *recorder) PlanPoint(p PlanPoint) error { r.plans[p.ID] = true; return nil }

func (r *recorder) PlanKato(k PlanKato) error {
	require.True(r.t, r.plans[k.PlanPointID], "plan point before its place")
	r.katos[k.PlanPointID] = true
	return nil
}

func (r *recorder) Unit(u Unit) error {
	require.True(r.t, r.katos[u.PlanPointID], "plan point and place before the unit")
	r.units[u.ID] = true
	r.unitsOf[u.ContractID]++
	return nil
}

func (r *recorder) Contract(c Contract) error {
	require.Positive(r.t, r.unitsOf[c.ID], "units before their contract")
	require.Len(r.t, r.units, r.unitsOf[c.ID], "no units of other contracts are pending")
	clear(r.units)
	clear(r.plans)
	clear(r.katos)
	r.contracts++
	if r.failAfter > 0 && r.contracts == r.failAfter {
		return fmt.Errorf("sink full")
	}
	return nil
}

func (r *recorder) Close() error { r.closed++; return nil }

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, plans: map[int64]bool{}, katos: map[int64]bool{}, units: map[int64]bool{}, unitsOf: map[int64]int{}}
}

func TestRunOrder(t *testing.T) {
	t.Parallel()
	r := newRecorder(t)
	st, err := Run(context.Background(), r, Options{Seed: 5, Items: 2000})
	require.NoError(t, err)
	require.Equal(t, 1, r.closed)
	require.Equal(t, st.Contracts, r.contracts)
	require.Equal(t, st.Subjects, r.subjects)

	failing := newRecorder(t)
	failing.failAfter = 10
	_, err = Run(context.Background(), failing, Options{Seed: 5, Items: 2000})
	require.EqualError(t, err, "sink full")
	require.Equal(t, 1, failing.closed, "the sink is closed after a failure too")
}

func TestAppendCents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {5, "0.05"}, {50, "0.5"}, {100, "1"}, {123456, "1234.56"}, {123450, "1234.5"},
		{-1, "-0.01"}, {-250, "-2.5"}, {9_223_372_036_854_775_807, "92233720368547758.07"},
		{-9_223_372_036_854_775_808, "-92233720368547758.08"},
	} {
		require.Equal(t, tc.want, string(appendCents(nil, tc.in)), "%d", tc.in)
	}
}

func TestAppendString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "ТОО «Жібек» \"A\\B\"", "a\nb\tc\x01\x1f", "Ұлытау облысы"} {
		var got string
		require.NoError(t, json.Unmarshal(appendString(nil, s), &got))
		require.Equal(t, s, got)
	}
}

func TestCheckDigit(t *testing.T) {
	t.Parallel()
	// BINs of well-known Kazakhstani companies, whose check digits are valid by construction.
	for _, id := range []string{"000740000728", "940140000385", "971240001315"} {
		d := []byte(id)
		for i := range d {
			d[i] -= '0'
		}
		c, ok := checkDigit(d[:11])
		require.True(t, ok)
		require.Equal(t, d[11], c, id)
	}
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	opts := DefaultOptions()
	for b.Loop() {
		if _, err := Generate(context.Background(), dir, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(opts.Items)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
