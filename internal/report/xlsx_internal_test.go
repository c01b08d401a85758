package report

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// Sheet names keep to Excel's 31 characters by cutting a long title at a word's end, and stay unique.
func TestSheetNames(t *testing.T) {
	t.Parallel()
	n := sheetNames{}
	for _, tc := range []struct{ title, want string }{
		{"By region", "By region"},
		{"Largest contracts to non-producers", "Largest contracts to…"},
		{"Крупнейшие договоры не с производителями", "Крупнейшие договоры не с…"},
		{"Өндіруші еместермен жасалған ең ірі шарттар", "Өндіруші еместермен жасалған…"},
		{"Scope: [a/b]?", "Scope   a b"},
		{"By region", "By region 2"},
		{"Supercalifragilisticexpialidociousnessly long", "Supercalifragilisticexpialidoc…"},
	} {
		got := n.name(tc.title)
		require.Equal(t, tc.want, got, tc.title)
		require.LessOrEqual(t, utf8.RuneCountInString(got), 31, tc.title)
	}
}
