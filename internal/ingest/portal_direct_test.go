package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
)

// portalPages is a portal export in memory: each endpoint's pages, in order, as decoded items.
type portalPages map[string][][]map[string]any

// generatedPortal writes the demo dataset of n items as a portal export in pages of pageSize.
func generatedPortal(t *testing.T, n, pageSize int) string {
	t.Helper()
	dir := t.TempDir()
	sink, err := demo.PortalSink(dir, pageSize)
	require.NoError(t, err)
	_, err = demo.Run(context.Background(), sink, demo.Options{Seed: 7, Items: n})
	require.NoError(t, err)
	return dir
}

func readPortalPages(t *testing.T, dir string) portalPages {
	t.Helper()
	out := portalPages{}
	for _, ep := range []string{"subject", "plans", "plans-kato", "contract", "contract-units"} {
		files, err := filepath.Glob(filepath.Join(dir, ep, "page-*.json"))
		require.NoError(t, err)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber() // amounts keep their digits
			var page struct {
				Items []map[string]any `json:"items"`
			}
			require.NoError(t, dec.Decode(&page), f)
			out[ep] = append(out[ep], page.Items)
		}
	}
	return out
}

// write saves the pages as a new export; edit may change them first.
func (p portalPages) write(t *testing.T, edit func(p portalPages)) string {
	t.Helper()
	copied := portalPages{}
	for ep, pages := range p {
		for _, items := range pages {
			var page []map[string]any
			for _, it := range items {
				c := map[string]any{}
				for k, v := range it {
					c[k] = v
				}
				page = append(page, c)
			}
			copied[ep] = append(copied[ep], page)
		}
	}
	if edit != nil {
		edit(copied)
	}
	dir := t.TempDir()
	for ep, pages := range copied {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, ep), 0o755))
		for i, items := range pages {
			raw, err := json.Marshal(map[string]any{"items": items})
			require.NoError(t, err)
			writeFile(t, filepath.Join(dir, ep, fmt.Sprintf("page-%06d.json", i+1)), string(raw))
		}
	}
	return dir
}

// TestPortalDirectLoadMatchesStaged loads portal exports with new contracts and their units written straight
// into the final tables and again with every record staged and merged, and requires the same tables,
// results and errors, in the cases where the direct load must leave records to the merge or start over.
func TestPortalDirectLoadMatchesStaged(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("imports 1,200 items three dozen times")
	}
	const n = 1_200 // three chunks of testChunk units, in pages of 100
	dir := generatedPortal(t, n, 100)
	pages := readPortalPages(t, dir)
	require.Greater(t, len(pages["contract-units"]), 3)
	firstUnit := pages["contract-units"][0][0]

	var register strings.Builder
	register.WriteString("bin,enstru_prefix,category,valid_from,valid_to,capacity,capacity_unit,source\n")
	onRegister := map[string]bool{}
	for _, page := range pages["contract"] {
		for _, c := range page {
			if id := c["supplier_biin"].(string); len(id) == 12 && !onRegister[id] && len(onRegister) < 3 {
				onRegister[id] = true
				fmt.Fprintf(&register, "%s,,,2015-01-01,,,,test\n", id)
			}
		}
	}
	registerPath := filepath.Join(t.TempDir(), "register.csv")
	writeFile(t, registerPath, register.String())

	last := func(p portalPages, ep string) *[]map[string]any { return &p[ep][len(p[ep])-1] }
	repeatContract := func(p portalPages) {
		again := map[string]any{}
		for k, v := range p["contract"][0][0] {
			again[k] = v
		}
		again["last_update_date"], again["contract_sum_wnds"] = "2030-01-01 00:00:00", json.Number("1")
		*last(p, "contract") = append(*last(p, "contract"), again)
	}
	bigger := readPortalPages(t, generatedPortal(t, 1_600, 100)) // more contracts than a chunk
	require.Greater(t, len(bigger["contract"]), 5)
	runDirectCases(t, []directCase{
		{name: "as generated", steps: []importStep{{format: "portal", path: dir}}},
		{name: "suppliers on the register", steps: []importStep{{format: "register", path: registerPath}, {format: "portal", path: dir}}},
		// Past the cap, plan points and contracts are staged, and so are the units naming them, also units of
		// contracts loaded with points past it (1,200 points; half the cap, 400, for contracts).
		{name: "more than memory keeps", direct: 400, steps: []importStep{{format: "portal", path: dir, portalKept: 800}}},
		{name: "more than memory keeps, a point repeated past the cap", steps: []importStep{{format: "portal", portalKept: 800,
			path: pages.write(t, func(p portalPages) {
				again := map[string]any{}
				for k, v := range p["plans"][0][0] {
					again[k] = v
				}
				again["name_ru"] = "Новое наименование"
				*last(p, "plans") = append(*last(p, "plans"), again)
				kato := map[string]any{}
				for k, v := range p["plans-kato"][len(p["plans-kato"])-1][0] {
					kato[k] = v
				}
				kato["pln_points_id"], kato["ref_kato_code"] = p["plans"][len(p["plans"])-1][0]["id"], "111111111"
				*last(p, "plans-kato") = append(*last(p, "plans-kato"), kato)
			})}}},
		{name: "same export twice", steps: []importStep{{format: "portal", path: dir}, {format: "portal", path: dir}}},
		{name: "an export and its update", steps: []importStep{
			{format: "portal", path: "testdata/portal-small"}, {format: "portal", path: "testdata/portal-update"},
		}},
		// Contracts are loaded in chunks (testChunk): a copy in the same chunk is staged with the first, a later
		// one finds the first loaded.
		{name: "a contract repeated in a later page, newer", steps: []importStep{{format: "portal", path: pages.write(t, repeatContract)}}},
		{name: "a contract repeated a chunk later, newer", restart: true, steps: []importStep{{format: "portal", path: bigger.write(t, repeatContract)}}},
		{name: "a staged contract repeated a chunk later, in tenge", steps: []importStep{{format: "portal", path: bigger.write(t, func(p portalPages) {
			first := p["contract"][0][0]
			first["ref_currency_code"], first["exchange_rate"] = "USD", json.Number("470.5")
			repeatContract(p)
			again := (*last(p, "contract"))[len(*last(p, "contract"))-1]
			again["ref_currency_code"], again["exchange_rate"] = "KZT", json.Number("1")
		})}}},
		{name: "a unit repeated in a later page", restart: true, steps: []importStep{{format: "portal", path: pages.write(t, func(p portalPages) {
			again := map[string]any{}
			for k, v := range firstUnit {
				again[k] = v
			}
			again["quantity"] = json.Number("3")
			*last(p, "contract-units") = append(*last(p, "contract-units"), again)
		})}}},
		{name: "foreign currency, a missing plan point, an unknown supplier", steps: []importStep{{format: "portal", maxErrors: 10, path: pages.write(t, func(p portalPages) {
			p["contract"][1][5]["ref_currency_code"], p["contract"][1][5]["exchange_rate"] = "USD", json.Number("470.5")
			p["contract"][2][7]["supplier_biin"] = "999999999999"
			p["contract-units"][2][3]["pln_point_id"] = json.Number("99999999")
		})}}},
		{name: "a unit without its plan point, then again with it", restart: true, steps: []importStep{{format: "portal", maxErrors: 10, path: pages.write(t, func(p portalPages) {
			again := map[string]any{}
			for k, v := range firstUnit {
				again[k] = v
			}
			p["contract-units"][0][0]["pln_point_id"] = json.Number("99999999")
			*last(p, "contract-units") = append(*last(p, "contract-units"), again)
		})}}},
		{name: "a unit of the wrong shape", steps: []importStep{{format: "portal", maxErrors: 10, path: pages.write(t, func(p portalPages) {
			p["contract-units"][1][10]["id"] = map[string]any{"not": "an id"}
		})}}},
		// A page that breaks off is dropped whole. One of more rows than a chunk had some rows handed on first.
		{name: "a units page broken off", steps: []importStep{{format: "portal", maxErrors: 100_000, path: truncated(t, pages.write(t, nil), "contract-units/page-000002.json")}}},
		{name: "a large units page broken off after units were loaded", restart: true, steps: []importStep{{format: "portal", maxErrors: 100_000,
			path: truncated(t, pages.write(t, largeSecondPage("contract-units")), "contract-units/page-000002.json")}}},
		{name: "a large plans page broken off after plan points were read", restart: true, steps: []importStep{{format: "portal", maxErrors: 100_000,
			path: truncated(t, pages.write(t, largeSecondPage("plans")), "plans/page-000002.json")}}},
	})
}

// truncated cuts one file of an export in half and returns the export.
func truncated(t *testing.T, dir, file string) string {
	t.Helper()
	path := filepath.Join(dir, file)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw[:len(raw)/2], 0o644))
	return dir
}

// largeSecondPage puts all pages of an endpoint but the first into a second one.
func largeSecondPage(endpoint string) func(p portalPages) {
	return func(p portalPages) {
		var rest []map[string]any
		for _, page := range p[endpoint][1:] {
			rest = append(rest, page...)
		}
		p[endpoint] = [][]map[string]any{p[endpoint][0], rest}
	}
}
