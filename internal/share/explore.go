package share

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// SortBy lists the columns a breakdown can be sorted by.
var SortBy = []string{"label", "key", "total", "domestic", "non_domestic", "share", "gap", "items", "contracts", "local_content"}

// sortValue is a group's value in a sort column: numbers compare as numbers, label and key as text.
func sortValue(g Group, by, lang string, threshold int64) (int64, string) {
	switch by {
	case "label":
		return 0, g.Names.In(lang)
	case "key":
		return 0, g.Key
	case "domestic":
		return g.Domestic, ""
	case "non_domestic":
		return g.NonDomestic(), ""
	case "share":
		return g.DomesticShare(), ""
	case "gap":
		return GapAmount(g.Total, g.Domestic, threshold), ""
	case "items":
		return g.Items, ""
	case "contracts":
		return g.Contracts, ""
	case "local_content":
		return g.LocalContentShare(), ""
	}
	return g.Total, ""
}

// Order is how a breakdown is sorted and paged: by a column of SortBy, descending or not, the gap measured
// against Threshold (bp), labels in Lang.
type Order struct {
	By        string
	Desc      bool
	Threshold int64
	Lang      string
}

// Cursor is where a page of a breakdown ends: the last group's sort value and key.
type Cursor struct {
	Number int64
	Text   string
	Key    string
}

// String encodes the cursor; ParseCursor reads it back whatever its text and key hold.
func (c Cursor) String() string {
	b, _ := json.Marshal([]any{c.Number, c.Text, c.Key}) // a number and two strings always marshal
	return string(b)
}

// ParseCursor reads what Cursor.String wrote; ok is false for anything else.
func ParseCursor(s string) (Cursor, bool) {
	var parts []json.RawMessage
	if err := json.Unmarshal([]byte(s), &parts); err != nil || len(parts) != 3 {
		return Cursor{}, false
	}
	var c Cursor
	if json.Unmarshal(parts[0], &c.Number) != nil || json.Unmarshal(parts[1], &c.Text) != nil || json.Unmarshal(parts[2], &c.Key) != nil {
		return Cursor{}, false
	}
	return c, true
}

func (o Order) compare(a, b Cursor) int {
	c := cmp.Or(cmp.Compare(a.Number, b.Number), strings.Compare(a.Text, b.Text))
	if o.Desc {
		c = -c
	}
	return cmp.Or(c, strings.Compare(a.Key, b.Key)) // ties in key order, whichever the direction
}

func (o Order) cursor(g Group) Cursor {
	n, t := sortValue(g, o.By, o.Lang, o.Threshold)
	return Cursor{Number: n, Text: t, Key: g.Key}
}

// Page sorts groups by o and returns up to limit of them after the cursor (nil: from the start), and the
// cursor of the next page, nil at the end. Keys are unique, so every group is on exactly one page.
func Page(groups []Group, o Order, after *Cursor, limit int) ([]Group, *Cursor) {
	sorted := slices.Clone(groups)
	slices.SortFunc(sorted, func(a, b Group) int { return o.compare(o.cursor(a), o.cursor(b)) })
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(sorted, *after, func(g Group, c Cursor) int {
			if o.compare(o.cursor(g), c) <= 0 {
				return -1
			}
			return 1
		})
	}
	end := min(start+limit, len(sorted))
	page := sorted[start:end]
	if end == len(sorted) {
		return page, nil
	}
	next := o.cursor(page[len(page)-1])
	return page, &next
}
