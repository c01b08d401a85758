package share

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
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

func (o Order) compare(a, b sortKey) int {
	c := cmp.Or(cmp.Compare(a.Number, b.Number), bytes.Compare(a.text, b.text))
	if o.Desc {
		c = -c
	}
	return cmp.Or(c, strings.Compare(a.Key, b.Key)) // ties in key order, whichever the direction
}

func (o Order) cursor(g Group) Cursor {
	n, t := sortValue(g, o.By, o.Lang, o.Threshold)
	return Cursor{Number: n, Text: t, Key: g.Key}
}

// sortKey is a cursor with its text as it sorts: labels in the order of the language's alphabet (Kazakh's
// Қ after К, Ұ after У), anything else byte by byte. Byte order had put Қарағанды after Шымкент.
type sortKey struct {
	Cursor
	text []byte
}

// keyer makes sort keys for o; a collator is not safe for concurrent use, so each Page has its own.
func (o Order) keyer() func(Cursor) sortKey {
	if o.By != "label" {
		return func(c Cursor) sortKey { return sortKey{c, []byte(c.Text)} }
	}
	col := collate.New(language.Make(o.Lang))
	var buf collate.Buffer
	return func(c Cursor) sortKey {
		k := sortKey{Cursor: c, text: slices.Clone(col.KeyFromString(&buf, c.Text))}
		buf.Reset()
		return k
	}
}

// Page sorts groups by o and returns up to limit of them after the cursor (nil: from the start), and the
// cursor of the next page, nil at the end. Keys are unique, so every group is on exactly one page.
func Page(groups []Group, o Order, after *Cursor, limit int) ([]Group, *Cursor) {
	key := o.keyer()
	type keyed struct {
		g Group
		k sortKey
	}
	sorted := make([]keyed, len(groups))
	for i, g := range groups {
		sorted[i] = keyed{g, key(o.cursor(g))}
	}
	slices.SortFunc(sorted, func(a, b keyed) int { return o.compare(a.k, b.k) })
	start := 0
	if after != nil {
		at := key(*after)
		start, _ = slices.BinarySearchFunc(sorted, at, func(g keyed, c sortKey) int {
			if o.compare(g.k, c) <= 0 {
				return -1
			}
			return 1
		})
	}
	end := min(start+limit, len(sorted))
	page := make([]Group, end-start)
	for i := range page {
		page[i] = sorted[start+i].g
	}
	if end == len(sorted) {
		return page, nil
	}
	next := o.cursor(page[len(page)-1])
	return page, &next
}
