package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/web"
)

// TestOpenAPIDescribesTheAnswers validates the served document, then real answers of every endpoint,
// errors included, against it, and checks that the document and the routes list the same endpoints.
func TestOpenAPIDescribesTheAnswers(t *testing.T) {
	t.Parallel()
	b := setupBundle(t)
	app := b.app
	status, served := get(t, app, "/api/v1/openapi.json")
	require.Equal(t, 200, status)
	require.JSONEq(t, string(web.OpenAPI), served)

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(web.OpenAPI)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	doc.Servers = openapi3.Servers{{URL: "http://ules.test/api/v1"}}
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)

	var routes []string
	for _, r := range app.GetRoutes(true) {
		if r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v1/") {
			p := strings.TrimPrefix(r.Path, "/api/v1")
			p = strings.NewReplacer(":slug", "{slug}", ":id", "{id}", ":bin", "{bin}").Replace(p)
			routes = append(routes, p)
		}
	}
	var documented []string
	for p := range doc.Paths.Map() {
		documented = append(documented, p)
	}
	slices.Sort(routes)
	slices.Sort(documented)
	require.Equal(t, documented, slices.Compact(routes), "every API route is documented, and only those")

	requests := []string{
		"/api/v1/categories", "/api/v1/openapi.json",
		"/api/v1/shares?category=school-uniforms&from=2026-01-01&to=2026-12-31&group_by=region&region=75,79",
		"/api/v1/shares?category=hats", "/api/v1/shares",
		"/api/v1/explore?from=2026-01-01&to=2026-12-31&group_by=supplier&sort=gap&tier=1,3&limit=1",
		"/api/v1/explore?group_by=category&buyer_type=education", "/api/v1/explore?sort=weight",
		"/api/v1/items.csv?from=2026-01-01&to=2026-12-31", "/api/v1/items.csv?tier=9",
		"/api/v1/targets", "/api/v1/targets/school-uniforms-50/progress?as_of=2026-11-25",
		"/api/v1/targets/school-uniforms-50/progress?as_of=2015-06-01", "/api/v1/targets/school-uniforms-50/progress?as_of=2026-01-01",
		"/api/v1/targets/no-such-target/progress",
		"/api/v1/contracts?from=2026-01-01&to=2026-12-31&limit=2", "/api/v1/contracts?cursor=x",
		"/api/v1/imports", "/api/v1/imports?limit=1", "/api/v1/imports/999999", "/api/v1/imports/abc",
		"/api/v1/targets/school-uniforms-50/producers?as_of=2026-11-25", "/api/v1/targets/school-uniforms-50/producers?as_of=x",
		"/api/v1/targets/no-such-target/producers", "/api/v1/targets/school-uniforms-50/producers?as_of=2015-06-01",
		"/api/v1/targets/school-uniforms-50/pulling-down?as_of=2026-11-25", "/api/v1/targets/school-uniforms-50/pulling-down?limit=0",
		"/api/v1/targets/no-such-target/pulling-down", "/api/v1/targets/school-uniforms-50/pulling-down?as_of=2026-01-01",
		"/api/v1/targets/school-uniforms-50/largest-contracts?as_of=2026-11-25", "/api/v1/targets/no-such-target/largest-contracts",
		"/api/v1/targets/school-uniforms-50/largest-contracts?as_of=2026-02-30",
		"/api/v1/buyers/123", "/api/v1/buyers/999999999999", "/api/v1/suppliers/no-such-supplier",
		"/api/v1/contracts/abc", "/api/v1/contracts/999999999",
		"/api/v1/quality?from=2026-01-01&to=2026-12-31&points=1&limit=10", "/api/v1/quality?points=200",
		"/api/v1/quality?batch=" + strconv.FormatInt(b.batch, 10),
	}
	requests = append(requests, "/api/v1/imports/"+strconv.FormatInt(b.batch, 10))
	// The example's parties and contracts, as the contracts' list names them.
	for _, k := range getJSON(t, app, "/api/v1/contracts?from=2026-01-01&to=2026-12-31")["contracts"].([]any) {
		k := k.(map[string]any)
		requests = append(requests, fmt.Sprintf("/api/v1/contracts/%v", k["id"]),
			"/api/v1/buyers/"+k["buyer_bin"].(string)+"?from=2026-01-01&to=2026-12-31",
			"/api/v1/buyers/"+k["buyer_bin"].(string)+"?cursor=zzz",
			"/api/v1/suppliers/"+k["supplier_id"].(string)+"?from=2026-01-01&to=2026-12-31&lang=kk")
	}
	registerProducer(t, b, "school-uniforms")
	// The portal's copy of the example's first contract, which the data-quality answer pairs with it.
	copyOf := testfactory.ContractOpts{Source: "portal", SourceID: "70001"}
	require.NoError(t, b.tx.QueryRow(context.Background(), `SELECT buyer_id, supplier_id, signed_on, total FROM contracts
		WHERE source_id = 'SU-2026-001'`).Scan(&copyOf.BuyerID, &copyOf.SupplierID, &copyOf.SignedOn, &copyOf.Total))
	testfactory.Purchase(context.Background(), t, b.tx, copyOf, testfactory.ItemOpts{Category: "school-uniforms", Value: copyOf.Total})
	require.Len(t, getJSON(t, app, "/api/v1/quality?from=2026-01-01&to=2026-12-31")["two_sources"], 1)
	// A count target's outlook is in items, its tenge null.
	_, err = store.New().TargetApply(context.Background(), b.tx, []share.Target{{Slug: "uniform-items",
		Names: share.Names{EN: "Items"}, Filter: share.Filter{Category: "school-uniforms"}, Metric: share.MetricCount,
		Period: share.PeriodCalendarYear, Schedule: []share.Threshold{{EffectiveFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Value: 9000}}}})
	require.NoError(t, err)
	requests = append(requests, "/api/v1/targets/uniform-items/progress?as_of=2026-11-25")
	seen := map[string]bool{}
	for _, u := range requests {
		t.Run(u, func(t *testing.T) {
			resp, err := app.Test(httptest.NewRequest("GET", u, nil), fiber.TestConfig{Timeout: 10 * time.Second})
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			resp.Body.Close()

			req, err := http.NewRequest("GET", "http://ules.test"+u, nil)
			require.NoError(t, err)
			route, params, err := router.FindRoute(req)
			require.NoError(t, err)
			seen[route.Path] = true
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{ExcludeRequestBody: true}}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
				Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true}}
			require.NoError(t, openapi3filter.ValidateResponse(context.Background(), out), "%d %s", resp.StatusCode, body)
		})
	}
	for _, p := range documented {
		require.True(t, seen[p], "no request exercised %s", p)
	}
}
