package buyertype

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGuess(t *testing.T) {
	t.Parallel()
	for names, want := range map[[2]string]string{
		{"КГУ «Средняя школа №5» отдела образования акимата", ""}: "education",
		{"ГУ «Аппарат акима района»", ""}:                         "akimat",
		{"Войсковая часть 5512", ""}:                              "defence",
		{"АО «Национальная компания «Қазақстан темір жолы»", ""}:  "national_company",
		{"ГУ «Управление финансов»", "Қаржы басқармасы"}:          "state_body",
		{"", "№12 мектеп-гимназиясы"}:                             "education",
	} {
		require.Equal(t, want, Guess(false, names[0], names[1]), names)
		var m Memo
		require.Equal(t, want, m.Of(names[0], names[1]), names)
		require.Equal(t, want, m.Of(names[0], names[1]), names)
	}
	require.Equal(t, "national_company", Guess(true, "ГУ «Аппарат акима района»"))
}
