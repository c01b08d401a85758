package httpapi

import (
	"encoding/base64"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
)

// exploration is one explorer view: the filter, the grouping, the order and the page, all read from the
// query string, so a view is shared by its URL.
type exploration struct {
	Scope   share.Scope
	GroupBy string
	Order   share.Order
	After   *share.Cursor
	Limit   int
}

// exploreParams reads an explorer view; it groups by region and sorts by the tenge that went to other
// suppliers than domestic producers, the most first, unless told otherwise.
func (s *Server) exploreParams(c fiber.Ctx) (exploration, error) {
	var e exploration
	var err error
	if e.Scope, err = s.scopeParams(c, false); err != nil {
		return e, err
	}
	if e.GroupBy, err = enumParam(c, "group_by", share.GroupBy); err != nil {
		return e, err
	}
	if e.GroupBy == "" {
		e.GroupBy = "region"
	}
	e.Order = share.Order{By: "non_domestic", Desc: true, Threshold: 5000, Lang: language(c)}
	if by, err := enumParam(c, "sort", share.SortBy); err != nil {
		return e, err
	} else if by != "" {
		e.Order.By = by
	}
	switch dir := c.Query("dir"); dir {
	case "", "desc":
	case "asc":
		e.Order.Desc = false
	default:
		return e, badParam("dir", "%q is not asc or desc", dir)
	}
	if v := c.Query("threshold"); v != "" {
		bp, err := percentParam(v)
		if err != nil {
			return e, badParam("threshold", "%q is not a percentage from 0 to 100, e.g. 50", v)
		}
		e.Order.Threshold = bp
	}
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return e, err
	}
	e.Limit = int(limit)
	if v := c.Query("after"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		cur, ok := share.ParseCursor(string(raw))
		if err != nil || !ok {
			return e, badParam("after", "is not a cursor this site gave (use next as given)")
		}
		e.After = &cur
	}
	return e, nil
}

// query is the view's query string, for links to its other pages, its sorts and its downloads.
func (e exploration) query() map[string][]string {
	q := scopeQuery(e.Scope)
	q.Set("group_by", e.GroupBy)
	q.Set("sort", e.Order.By)
	if !e.Order.Desc {
		q.Set("dir", "asc")
	}
	if e.Order.Threshold != 5000 {
		q.Set("threshold", money.FormatThreshold(e.Order.Threshold))
	}
	if e.Limit != 50 {
		q.Set("limit", strconv.Itoa(e.Limit))
	}
	return q
}

func encodeGroupCursor(c *share.Cursor) string {
	if c == nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c.String()))
}

// explore computes a view: the figures of the whole filter and one page of its groups.
func (s *Server) explore(c fiber.Ctx, e exploration) (share.Figures, []share.Group, *share.Cursor, error) {
	total, groups, err := s.store.SharesGet(c.Context(), s.db, e.Scope, e.GroupBy)
	if err != nil {
		return share.Figures{}, nil, nil, unknownCategory(err, e.Scope.Category)
	}
	T := s.translator(c)
	for i, g := range groups {
		switch {
		case e.GroupBy == "buyer_type" || e.GroupBy == "tier":
			label := T(groupLabelKey(e.GroupBy, g.Key))
			groups[i].Names = share.Names{KK: label, RU: label, EN: label}
		case g.Key == "":
			label := T("Not stated")
			groups[i].Names = share.Names{KK: label, RU: label, EN: label}
		}
	}
	page, next := share.Page(groups, e.Order, e.After, e.Limit)
	return total, page, next, nil
}

// groupLabelKey is the catalog key naming a group whose key is a code: a buyer type or a supplier tier.
func groupLabelKey(groupBy, key string) string {
	if groupBy == "tier" {
		return "tier " + key
	}
	return key
}
