package share

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPage(t *testing.T) {
	t.Parallel()
	g := func(key, name string, total, domestic int64) Group {
		return Group{Key: key, Names: Names{KK: name, RU: name, EN: name}, Figures: Figures{Total: total, Domestic: domestic}}
	}
	groups := []Group{g("75", "Almaty", 1000, 900), g("71", "Astana", 4000, 400), g("79", "Shymkent", 1000, 0), g("63", "East", 500, 250)}
	keys := func(gs []Group) []string {
		var out []string
		for _, x := range gs {
			out = append(out, x.Key)
		}
		return out
	}
	tests := []struct {
		name  string
		order Order
		want  []string
	}{
		{"total, largest first, ties by key", Order{By: "total", Desc: true}, []string{"71", "75", "79", "63"}},
		{"share, smallest first", Order{By: "share"}, []string{"79", "71", "63", "75"}},
		{"non-domestic tenge", Order{By: "non_domestic", Desc: true}, []string{"71", "79", "63", "75"}},
		// At 50 %: Astana 1600, Shymkent 500, East 0, Almaty 0.
		{"gap against the threshold", Order{By: "gap", Desc: true, Threshold: 5000}, []string{"71", "79", "63", "75"}},
		{"label", Order{By: "label", Lang: "en"}, []string{"75", "71", "63", "79"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			all, next := Page(groups, tt.order, nil, 10)
			require.Nil(t, next)
			require.Equal(t, tt.want, keys(all))
			// Pages of one, followed through their cursors, give the same order, each group once.
			var paged []string
			var after *Cursor
			for range len(groups) + 1 {
				page, next := Page(groups, tt.order, after, 1)
				paged = append(paged, keys(page)...)
				if next == nil {
					break
				}
				parsed, ok := ParseCursor(next.String())
				require.True(t, ok)
				after = &parsed
			}
			require.Equal(t, tt.want, paged)
		})
	}
	page, next := Page(nil, Order{By: "total"}, nil, 10)
	require.Empty(t, page)
	require.Nil(t, next)
}

// Labels sort in the order of the reader's alphabet, not of their bytes: Kazakh puts Қ after К and Ұ after
// У, both before Ш; pages of two, followed through their cursors, keep that order.
func TestPageLabelsInAlphabetOrder(t *testing.T) {
	t.Parallel()
	var groups []Group
	for i, name := range []string{"Шымкент", "Ұлытау", "Қарағанды", "Кызылорда", "Ақмола", "Алматы", "Туркестан", "абай"} {
		groups = append(groups, Group{Key: string(rune('a' + i)), Names: Names{KK: name}})
	}
	want := []string{"абай", "Ақмола", "Алматы", "Кызылорда", "Қарағанды", "Туркестан", "Ұлытау", "Шымкент"}
	names := func(gs []Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Names.KK)
		}
		return out
	}
	for _, desc := range []bool{false, true} {
		o := Order{By: "label", Lang: "kk", Desc: desc}
		var paged []string
		var after *Cursor
		for range len(groups) {
			page, next := Page(groups, o, after, 2)
			paged = append(paged, names(page)...)
			if next == nil {
				break
			}
			after = next
		}
		w := slices.Clone(want)
		if desc {
			slices.Reverse(w)
		}
		require.Equal(t, w, paged, "desc %v", desc)
	}
}

func TestParseCursor(t *testing.T) {
	t.Parallel()
	for _, c := range []Cursor{{}, {Number: -5, Text: `a|b "q" ,]`, Key: "7|5"}, {Number: 1 << 62, Key: "x"}} {
		got, ok := ParseCursor(c.String())
		require.True(t, ok)
		require.Equal(t, c, got)
	}
	for _, bad := range []string{"", "1", "x|y|z", `[1, "a"]`, `["1", "a", "b"]`, `[1.5, "a", "b"]`, `[1, 2, "b"]`} {
		_, ok := ParseCursor(bad)
		require.False(t, ok, bad)
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add(Cursor{Number: 3, Text: "Almaty", Key: "75"}.String())
	f.Add(`[1,"",""]`)
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := ParseCursor(s)
		if !ok {
			return
		}
		again, ok := ParseCursor(c.String())
		require.True(t, ok)
		require.Equal(t, c, again)
	})
}
