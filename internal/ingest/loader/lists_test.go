package loader

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

func TestMethodAliases(t *testing.T) {
	rules := &fieldtext.Rules{Methods: methodAliases([]dbq.TradeMethodListRow{
		{Code: "2", Symbol: "ОК", NameKk: "Ашық конкурс", NameRu: "Открытый конкурс", NameEn: "Open tender"},
		{Code: "7", Symbol: "АУК", NameKk: "Аукцион (до 2022)", NameRu: "Аукцион (до 2022)"},
		{Code: "78", Symbol: "АУК", NameKk: "Аукцион", NameRu: "Аукцион"},
		{Code: "3", Symbol: "ЗЦП", NameKk: "Бағалы ұсыныныстарға сұраным", NameRu: "Запрос ценовых предложений"},
		{Code: "126", Symbol: "ЗЦПнеГЗ", NameKk: "Бағалы ұсыныныстарға сұраным", NameRu: "Запрос ценовых предложений (не ГЗ new)"},
	})}
	for given, want := range map[string]string{
		"2":                  "2",
		" ОТКРЫТЫЙ КОНКУРС ": "2",
		"Ашық конкурс":       "2",
		"open tender":        "2",
		"ок":                 "2",
		"Аукцион":            "78",
		"АУК":                "АУК", // two auctions share the symbol
		"Бағалы ұсыныныстарға сұраным": "Бағалы ұсыныныстарға сұраным", // two methods share the Kazakh name
		"Запрос ценовых предложений":   "3",
		"тендер по-своему":             "тендер по-своему",
		"":                             "",
	} {
		require.Equal(t, want, rules.Method(given), "%q", given)
	}
	require.Equal(t, "x", (*fieldtext.Rules)(nil).Method(" x "), "without rules a method is kept as given")
}
