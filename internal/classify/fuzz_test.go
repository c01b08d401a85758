package classify_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
)

// FuzzClassify checks that Classify never panics, is deterministic and
// agrees with a naive implementation of the documented semantics. The
// fuzzer also supplies one extra keyword pattern, which exercises New's
// validation and the trie with arbitrary words.
func FuzzClassify(f *testing.F) {
	seeds := []struct{ enstru, text, pattern string }{
		{"141311.100.000003", "Школьная форма для девочек", "форм*"},
		{"", "ФОРМЫ ШКОЛЬНОЙ (костюм)", "костюм"},
		{"141211.100.000001", "мектеп формасын сатып алу", "сатып ал*"},
		{"152012", "Аяқ киім", "аяқ"},
		{"", "Партия товара", "парт* товар*"},
		{"31.01", "«Парта»-ученическая, ЖИҺАЗ", "*"},
		{"2620", "School uniforms, grade 5", "uniform* uniform*"},
		{" .1.", "нешкольная форма \xff\xfe", "нешкольн"},
		{"", "", ""},
		{"", "й and й", "й"},
	}
	for _, s := range seeds {
		f.Add(s.enstru, s.text, s.pattern)
	}

	shipped := newShipped(f)
	f.Fuzz(func(t *testing.T, enstru, text, pattern string) {
		rules := shippedRules()
		c := shipped
		extra := classify.Rule{CategoryID: 99, Slug: "extra", Priority: 25, Keywords: []string{pattern}}
		if withExtra, err := classify.New(append(rules, extra)); err == nil {
			rules, c = append(rules, extra), withExtra
		}

		id, slug, ok := c.Classify(enstru, text, pattern)
		id2, slug2, ok2 := c.Classify(enstru, text, pattern)
		require.Equal(t, id, id2)
		require.Equal(t, slug, slug2)
		require.Equal(t, ok, ok2)

		want := naiveClassify(rules, enstru, text, pattern)
		require.Equal(t, want, slug, "enstru=%q text=%q pattern=%q", enstru, text, pattern)
		require.Equal(t, ok, slug != "")
	})
}

// naiveClassify is a deliberately simple reference for the package doc:
// lower-case everything, split into words, try each rule in order.
func naiveClassify(rules []classify.Rule, enstru string, texts ...string) string {
	rules = slices.Clone(rules)
	slices.SortStableFunc(rules, func(a, b classify.Rule) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), strings.Compare(a.Slug, b.Slug))
	})
	code := strings.ReplaceAll(strings.TrimSpace(enstru), ".", "")

	for _, r := range rules {
		for _, p := range r.EnstruPrefixes {
			if strings.HasPrefix(code, strings.ReplaceAll(p, ".", "")) {
				return r.Slug
			}
		}
		for _, k := range r.Keywords {
			for _, t := range texts {
				if naiveMatch(k, t) {
					return r.Slug
				}
			}
		}
	}
	return ""
}

func naiveMatch(pattern, text string) bool {
	pw := naiveWords(pattern, func(r rune) bool { return r == '*' })
	tw := naiveWords(text, nil)
	for i := 0; i+len(pw) <= len(tw); i++ {
		all := true
		for j, w := range pw {
			if p, ok := strings.CutSuffix(w, "*"); ok {
				all = all && strings.HasPrefix(tw[i+j], p)
			} else {
				all = all && tw[i+j] == w
			}
		}
		if all {
			return true
		}
	}
	return false
}

// naiveWords lower-cases s and splits it at non-word runes; extra marks
// additional runes to keep, such as "*" in patterns.
func naiveWords(s string, extra func(rune) bool) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		return !word && (extra == nil || !extra(r))
	})
}
