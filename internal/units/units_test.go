package units

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		code     string
		ru, kk   string
		en       string
		knownNot bool
	}{
		{in: "796", code: "796", ru: "шт", kk: "дана", en: "pcs"},
		{in: " 839 ", code: "839", ru: "компл.", kk: "жиынтық", en: "sets"},
		{in: "Шт.", code: "796", ru: "шт", kk: "дана", en: "pcs"},
		{in: "пара", code: "715", ru: "пар", kk: "жұп", en: "pairs"},
		{in: "Pairs", code: "715", ru: "пар", kk: "жұп", en: "pairs"},
		{in: "кг", code: "166", ru: "кг", kk: "кг", en: "kg"},
		{in: "9999", knownNot: true},
		{in: "", knownNot: true},
		{in: "изделий", knownNot: true}, // a capacity's generic word, no unit of an item
	}
	for _, tt := range tests {
		u, ok := Of(tt.in)
		if tt.knownNot {
			require.False(t, ok, tt.in)
			continue
		}
		require.True(t, ok, tt.in)
		require.Equal(t, tt.code, u.Code, tt.in)
		require.Equal(t, tt.ru, u.In("ru"), tt.in)
		require.Equal(t, tt.kk, u.In("kk"), tt.in)
		require.Equal(t, tt.en, u.In("en"), tt.in)
	}
}

// The words are unambiguous: no word names two units, and no unit's word is a generic one.
func TestWordsNameOneUnit(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, u := range known {
		for _, w := range u.words {
			require.Equal(t, w, normal(w), "%s is written as normal reads it", w)
			if other, ok := seen[w]; ok {
				t.Fatalf("%q names both %s and %s", w, other, u.Code)
			}
			seen[w] = u.Code
		}
	}
	for _, g := range generic {
		require.NotContains(t, seen, g)
	}
}

func TestCapacityMeasure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capacity string
		counts   []string // item units counted against it
		not      []string // item units not counted
		known    bool
	}{
		{"шт/год", []string{"796", "шт", "штука"}, []string{"839", "715", "кг", "", "9999"}, true},
		{"pairs/year", []string{"715", "пар"}, []string{"796", "839"}, true},
		// The short names with their period, as the register writes them.
		{"компл./год", []string{"839"}, []string{"796"}, true},
		{"шт. в год", []string{"796"}, []string{"839"}, true},
		{"Пар./год", []string{"715"}, []string{"796"}, true},
		{"изд./год", []string{"657", "796"}, []string{"166"}, true},
		{"ед./год", []string{"796", "839", "715"}, []string{"166"}, true},
		{"Комплектов в год", []string{"839"}, []string{"796"}, true},
		// Items of any countable unit: pieces, sets, pairs, but not kilograms or unknown codes.
		{"изделий/год", []string{"796", "839", "715", "657", "шт"}, []string{"166", "112", "9999", ""}, true},
		{"items per year", []string{"796", "839"}, []string{"166"}, true},
		{"т/год", []string{"168", "тонн"}, []string{"166"}, true},
		{"погонных ярдов", nil, []string{"796"}, false},
		{"", nil, []string{"796"}, false},
	}
	for _, tt := range tests {
		m := CapacityMeasure(tt.capacity)
		require.Equal(t, tt.known, m.Known, tt.capacity)
		for _, u := range tt.counts {
			require.True(t, m.Counts(u), "%s counts against %s", u, tt.capacity)
		}
		for _, u := range tt.not {
			require.False(t, m.Counts(u), "%s does not count against %s", u, tt.capacity)
		}
	}
}

func FuzzCapacityMeasure(f *testing.F) {
	for _, s := range []string{"шт/год", "изделий/год", "", " . ", "pairs per year", "\xff/год"} {
		f.Add(s, "796")
	}
	f.Fuzz(func(t *testing.T, capacity, item string) {
		m := CapacityMeasure(capacity)
		if !m.Known {
			require.False(t, m.Counts(item))
		}
		if m.Counts(item) {
			u, ok := Of(item)
			require.True(t, ok)
			require.Equal(t, m.Kind, u.Kind)
		}
	})
}

func TestCapacityIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lang, in, want string }{
		{"en", "изделий/год", "items/year"},
		{"kk", "изделий/год", "бұйым/жыл"},
		{"ru", "шт/год", "шт/год"},
		{"en", "шт. в год", "pcs/year"},
		{"ru", "pairs/year", "пар/год"},
		{"en", "погонных ярдов", "погонных ярдов"},
	} {
		require.Equal(t, tc.want, CapacityIn(tc.lang, tc.in), "%s %s", tc.lang, tc.in)
	}
}
