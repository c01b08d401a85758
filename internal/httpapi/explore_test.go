package httpapi_test

import (
	"encoding/csv"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/money"
)

func TestExplorePaginatesEveryGroupOnce(t *testing.T) {
	t.Parallel()
	app := setup(t)
	base := "/api/v1/explore?from=2026-01-01&to=2026-12-31&group_by=region&sort=total&limit=1"
	var keys []string
	next := ""
	for range 5 {
		u := base
		if next != "" {
			u += "&after=" + url.QueryEscape(next)
		}
		got := getJSON(t, app, u)
		for _, g := range got["groups"].([]any) {
			keys = append(keys, g.(map[string]any)["key"].(string))
		}
		next = got["next"].(string)
		if next == "" {
			break
		}
	}
	// Astana's workwear 4 500 000, Shymkent 4 200 000, Almaty 3 780 000: every region once, largest first.
	require.Equal(t, []string{"71", "79", "75"}, keys)

	got := getJSON(t, app, "/api/v1/explore?from=2026-01-01&to=2026-12-31&group_by=category&sort=share&dir=asc")
	require.Equal(t, "12480000.00", got["total"].(map[string]any)["total"], "every category together")
	groups := got["groups"].([]any)
	require.Equal(t, "workwear", groups[0].(map[string]any)["key"])
	require.Equal(t, "school-uniforms", groups[1].(map[string]any)["key"])

	got = getJSON(t, app, "/api/v1/explore?from=2026-01-01&to=2026-12-31&group_by=supplier&tier=3")
	require.Len(t, got["groups"], 1, "only the non-resident")
	require.Equal(t, "Hangzhou Textile Co.", got["groups"].([]any)[0].(map[string]any)["label"])
	require.Equal(t, []any{3.0}, got["tiers"])
}

// A page of groups sorted by name starts over in another language, whose names sort otherwise; its own
// language's link keeps the page.
func TestExploreLanguageLinksForgetANameCursor(t *testing.T) {
	t.Parallel()
	app := setup(t)
	filter := "from=2026-01-01&to=2026-12-31&group_by=region&limit=1"
	for _, tc := range []struct {
		sort  string
		keeps bool
	}{{"label", false}, {"total", true}} {
		next := getJSON(t, app, "/api/v1/explore?"+filter+"&sort="+tc.sort+"&lang=ru")["next"].(string)
		require.NotEmpty(t, next)
		status, body := get(t, app, "/explore?"+filter+"&sort="+tc.sort+"&lang=ru&after="+url.QueryEscape(next))
		require.Equal(t, 200, status)
		links := body[strings.Index(body, `id="lang-links"`):]
		links = links[:strings.Index(links, "</span>")]
		after := "after=" + url.QueryEscape(next)
		for _, l := range []string{"kk", "en"} {
			link := regexp.MustCompile(`href="[^"]*lang=` + l + `[^"]*"`).FindString(links)
			require.NotEmpty(t, link, l)
			require.Equal(t, tc.keeps, strings.Contains(strings.ReplaceAll(link, "&amp;", "&"), after), "%s %s: %s", tc.sort, l, link)
		}
		ru := regexp.MustCompile(`href="[^"]*lang=ru[^"]*"`).FindString(links)
		require.Contains(t, strings.ReplaceAll(ru, "&amp;", "&"), after, "the page's own language keeps its page")
	}
}

// A threshold typed with a decimal comma, as Kazakh and Russian readers write it, is the same threshold.
func TestExploreThresholdWithADecimalComma(t *testing.T) {
	t.Parallel()
	app := setup(t)
	base := "/api/v1/explore?from=2026-01-01&to=2026-12-31&group_by=region&sort=gap&threshold="
	point, comma := getJSON(t, app, base+"40.5"), getJSON(t, app, base+url.QueryEscape("40,5"))
	require.Equal(t, 40.5, comma["threshold"])
	require.Equal(t, point, comma)
	status, _ := get(t, app, "/explore?from=2026-01-01&to=2026-12-31&group_by=region&sort=gap&lang=ru&threshold="+url.QueryEscape("40,5"))
	require.Equal(t, 200, status)
}

func TestExplorePage(t *testing.T) {
	t.Parallel()
	app := setup(t)
	status, body := get(t, app, "/explore?lang=en&from=2026-01-01&to=2026-12-31&group_by=region&sort=gap&threshold=60")
	require.Equal(t, 200, status, body)
	// Sorted by what had to move at 60 %: Astana 2 700 000, Shymkent 2 520 000, Almaty none.
	require.Regexp(t, `(?s)Astana.*2,700,000.*Shymkent.*2,520,000.*Almaty`, body)
	require.Contains(t, body, `aria-sort="descending"><a href="/explore?`, "the sorted column says so")
	require.Contains(t, body, `id="explore-data"`)
	require.Contains(t, body, `value="60.0"`, "the form keeps the view")
	// A region drills down to its buyers, keeping the rest of the view.
	link := regexp.MustCompile(`<a href="(/explore\?[^"]*region=79[^"]*)">`).FindStringSubmatch(body)
	require.NotNil(t, link, body)
	drill, err := url.Parse(html.UnescapeString(link[1]))
	require.NoError(t, err)
	require.Equal(t, "buyer", drill.Query().Get("group_by"))
	require.Equal(t, "60.0", drill.Query().Get("threshold"))
	status, body = get(t, app, drill.String())
	require.Equal(t, 200, status)
	require.Contains(t, body, "<dd>Shymkent</dd>", "the drilled-down page states its filter")
	require.Contains(t, body, "<dd>All categories</dd>")

	csvLink := regexp.MustCompile(`href="(/api/v1/items\.csv\?[^"]*)"`).FindStringSubmatch(body)
	require.NotNil(t, csvLink)
	status, body = get(t, app, html.UnescapeString(csvLink[1]))
	require.Equal(t, 200, status)
	require.Equal(t, 2, strings.Count(body, "\n"), "header and Shymkent's one item:\n%s", body)

	status, body = get(t, app, "/explore?lang=en&limit=1&group_by=region&sort=total")
	require.Equal(t, 200, status)
	require.Contains(t, body, `rel="next"`)
}

// TestItemsCSVIsExactlyTheFilter reads the download back: one row per counted item of the filter, whose
// values add up to the explorer's total.
func TestItemsCSVIsExactlyTheFilter(t *testing.T) {
	t.Parallel()
	app := setup(t)
	tests := []struct {
		query string
		rows  int
		total string
	}{
		{"from=2026-01-01&to=2026-12-31", 4, "12480000.00"},
		{"category=school-uniforms&from=2026-01-01&to=2026-12-31", 3, "7980000.00"},
		{"category=school-uniforms&from=2026-01-01&to=2026-12-31&tier=1", 2, "3780000.00"},
		{"from=2026-01-01&to=2026-12-31&region=71,79", 2, "8700000.00"},
		{"from=2026-01-01&to=2026-12-31&buyer_type=defence", 0, "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, body := get(t, app, "/api/v1/items.csv?"+tt.query)
			require.Equal(t, 200, status, body)
			records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			require.NoError(t, err)
			require.Equal(t, "source", records[0][0])
			require.Len(t, records, tt.rows+1)
			col := map[string]int{}
			for i, name := range records[0] {
				col[name] = i
			}
			var sum int64
			for _, r := range records[1:] {
				v, err := money.ParseMinor(r[col["value_kzt"]])
				require.NoError(t, err)
				sum += v
				require.Len(t, r, len(records[0]))
			}
			require.Equal(t, tt.total, money.FormatMajor(sum))
			explore := getJSON(t, app, "/api/v1/explore?"+tt.query)
			require.Equal(t, tt.total, explore["total"].(map[string]any)["total"], "the download adds up to the explorer's total")
		})
	}
	status, body := get(t, app, "/api/v1/items.csv?category=hats")
	require.Equal(t, 400, status)
	require.Contains(t, body, `"param":"category"`)
}
