package httpapi

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

// exploreRow is one group of the explorer's table.
type exploreRow struct {
	Key, Label string
	Filter     string // the explorer's URL narrowed to this group, where the grouping is a filter
	Page       string // the group's own page: a buyer's or a supplier's
	share.Figures
	Gap int64
}

// exploreChart is what explore.js draws: the page's groups and their domestic shares.
type exploreChart struct {
	Labels []string  `json:"labels"`
	Shares []float64 `json:"shares"`
	Label  string    `json:"label"`
}

// narrowing is the query parameter that filters on a grouping's key, for the groupings that have one.
var narrowing = map[string]string{"category": "category", "region": "region", "buyer": "buyer", "buyer_type": "buyer_type",
	"supplier": "supplier", "method": "method", "tier": "tier"}

// showExplore answers GET /explore: any filter, grouped, sorted and paged, with a chart of the page, links
// to the same data as JSON and as CSV of every item, and the state in the URL.
func (s *Server) showExplore(c fiber.Ctx) error {
	T := s.translator(c)
	e, err := s.exploreParams(c)
	if err != nil {
		return err
	}
	total, page, next, err := s.explore(c, e)
	if err != nil {
		return err
	}
	lang := language(c)
	q := url.Values(e.query())
	rows := make([]exploreRow, len(page))
	chart := exploreChart{Label: T("Domestic share")}
	for i, g := range page {
		rows[i] = exploreRow{Key: g.Key, Label: g.Names.In(lang), Figures: g.Figures, Gap: share.GapAmount(g.Total, g.Domestic, e.Order.Threshold)}
		if param, ok := narrowing[e.GroupBy]; ok && g.Key != "" {
			n := url.Values(e.query())
			n.Del(param)
			n.Set(param, g.Key)
			n.Set("group_by", nextGrouping(e.GroupBy))
			n.Del("after")
			rows[i].Filter = "/explore?" + n.Encode()
		}
		if g.Key != "" && (e.GroupBy == "buyer" || e.GroupBy == "supplier") {
			rows[i].Page = "/" + e.GroupBy + "s/" + url.PathEscape(g.Key) + "?lang=" + lang
		}
		chart.Labels = append(chart.Labels, rows[i].Label)
		chart.Shares = append(chart.Shares, percent(g.DomesticShare()))
	}
	chartJSON, err := json.Marshal(chart)
	if err != nil {
		return fmt.Errorf("httpapi: explorer chart: %w", err)
	}
	categories, err := s.store.CategoryList(c.Context(), s.db)
	if err != nil {
		return err
	}
	regions, err := s.store.RegionList(c.Context(), s.db)
	if err != nil {
		return err
	}
	data := s.pageData(c, T("Explorer"))
	data["E"], data["Total"], data["Rows"] = e, total, rows
	data["Scope"] = s.describeScope(c, e.Scope)
	data["Categories"], data["Regions"], data["BuyerTypes"] = categories, regions, share.BuyerTypes
	data["GroupBys"], data["SortBys"] = share.GroupBy, share.SortBy
	data["Chart"] = template.JS(chartJSON)
	data["Sort"] = func(by string) string {
		n := url.Values(e.query())
		n.Set("sort", by)
		n.Del("dir")
		if by == e.Order.By && e.Order.Desc {
			n.Set("dir", "asc")
		}
		return "/explore?" + n.Encode()
	}
	if next != nil {
		n := url.Values(e.query())
		n.Set("after", encodeGroupCursor(next))
		data["NextURL"] = "/explore?" + n.Encode()
	}
	if e.After != nil {
		data["FirstURL"] = "/explore?" + q.Encode()
	}
	data["APIURL"] = "/api/v1/explore?" + q.Encode()
	csv := scopeQuery(e.Scope)
	data["CSVURL"] = "/api/v1/items.csv?" + csv.Encode()
	// The report is the filter's: its grouping, order and page are the page's alone.
	menu := newReportMenu(T, lang, "/reports/explore", scopeQuery(e.Scope))
	menu.TooLong = tooLongForAReport(e.Scope.From, e.Scope.To)
	data["ReportMenu"] = menu
	return c.Render("explore", data)
}

// nextGrouping is what a click on a group breaks it down by next: a region into buyers, a buyer into
// suppliers, and so on.
func nextGrouping(groupBy string) string {
	switch groupBy {
	case "category":
		return "region"
	case "region", "buyer_type", "method":
		return "buyer"
	case "buyer", "tier":
		return "supplier"
	}
	return "month"
}
