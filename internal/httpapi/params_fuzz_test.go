package httpapi

import (
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// FuzzScopeParams checks that any query string either names the parameter it refuses or gives a scope
// every query can take: dates in order, known buyer types, region codes, no list beyond its bound.
func FuzzScopeParams(f *testing.F) {
	// Region codes are checked against the regions the migrations load.
	s := &Server{now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }, store: store.New(), db: pgtest.Tx(f)}
	var got share.Scope
	var refused *paramError
	var other error // a refusal that is not a paramError would answer 500
	app := fiber.New()
	app.Get("/", func(c fiber.Ctx) error {
		got, refused, other = share.Scope{}, nil, nil
		err := queryText(c) // textQuery, before every handler
		var sc share.Scope
		if err == nil {
			sc, err = s.scopeParams(c, true)
		}
		if err != nil && !errors.As(err, &refused) {
			other = err
		}
		got = sc
		return nil
	})
	for _, q := range []string{"category=school-uniforms", "category=a&region=75,79&region=71&buyer_type=education",
		"category=x&from=2026-01-01&to=2025-01-01", "category=x&method=2,3&method=%D0%9E%D0%9A", "region=,,,", "category=x&buyer_type=army",
		"category=x&tier=1,3&tier=2&buyer=123456789012&supplier=CN-91330000", "category=x&method=%C0&supplier=%00", "category=x&region=75,99"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) {
			t.Skip("not a request line a client sends")
		}
		req := httptest.NewRequest("GET", "/", nil)
		// app.Test sends RequestURI, which httptest set to "/" alone.
		req.URL.RawQuery, req.RequestURI = query, "/?"+query
		resp, err := app.Test(req)
		if err != nil {
			t.Skip("not a request line fasthttp reads")
		}
		require.NoError(t, resp.Body.Close())
		require.NoError(t, other)
		if refused != nil {
			require.NotEmpty(t, refused.Param)
			require.NotEmpty(t, refused.Reason)
			return
		}
		require.NotEmpty(t, got.Category)
		require.False(t, got.To.Before(got.From))
		for _, list := range [][]string{got.Regions, got.BuyerTypes, got.Methods} {
			require.LessOrEqual(t, len(list), maxListValues)
			for i, v := range list {
				require.NotEmpty(t, v)
				require.False(t, slices.Contains(list[:i], v), "%q twice", v)
			}
		}
		for _, r := range got.Regions {
			require.Regexp(t, `^[0-9]{2}$`, r)
			require.NotEqual(t, "99", r, "no region has code 99")
		}
		for _, b := range got.BuyerTypes {
			require.Contains(t, share.BuyerTypes, b)
		}
		require.LessOrEqual(t, len(got.Tiers), 3)
		for _, tr := range got.Tiers {
			require.True(t, tr >= 1 && tr <= 3, "tier %d", tr)
		}
		if got.Buyer != "" {
			require.Regexp(t, `^[0-9]{12}$`, got.Buyer)
		}
		require.LessOrEqual(t, len(got.Supplier), 64)
		for _, v := range append(append([]string{got.Category, got.Buyer, got.Supplier}, got.Methods...), got.Regions...) {
			require.True(t, utf8.ValidString(v) && !strings.Contains(v, "\x00"), "%q is not text PostgreSQL takes", v)
		}
	})
}
