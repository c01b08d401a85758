package ocds

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCountryFromName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		// Ukraine, as Prozorro's suppliers write it, and in the other languages.
		{"Україна", "UA"}, {"Украина", "UA"}, {"Ukraine", "UA"}, {"UKRAINE", "UA"}, {" україна ", "UA"},
		{"Ucrania", "UA"}, {"Ucraina", "UA"}, {"UA", "UA"}, {"UKR", "UA"},
		// Moldova, including the long forms and a misspelling met in the wild.
		{"Moldova", "MD"}, {"Republica Moldova", "MD"}, {"Republic of Moldova", "MD"}, {"Молдова", "MD"},
		{"Республика Молдова", "MD"}, {"Молдавия", "MD"}, {"Molodva", "MD"}, {"Moldavia", "MD"},
		// Paraguay and Mexico, in Spanish with and without accents, and as codes.
		{"Paraguay", "PY"}, {"República del Paraguay", "PY"}, {"Парагвай", "PY"},
		{"México", "MX"}, {"MÉXICO", "MX"}, {"Mexico", "MX"}, {"MX", "MX"}, {"Estados Unidos Mexicanos", "MX"},
		{"Мексика", "MX"},
		// Kazakhstan in Kazakh, Russian and others.
		{"Қазақстан", "KZ"}, {"Қазақстан Республикасы", "KZ"}, {"Казахстан", "KZ"}, {"Республика Казахстан", "KZ"},
		{"Kazakhstan", "KZ"}, {"Kazajistán", "KZ"}, {"KAZ", "KZ"}, {"398", "KZ"},
		// The usual origins of imported goods.
		{"Российская Федерация", "RU"}, {"Россия", "RU"}, {"Росія", "RU"}, {"Ресей", "RU"}, {"Rusia", "RU"},
		{"Russian Federation", "RU"},
		{"Китай", "CN"}, {"КНР", "CN"}, {"Қытай", "CN"}, {"China", "CN"},
		{"Турция", "TR"}, {"Туреччина", "TR"}, {"Түркия", "TR"}, {"Turquía", "TR"}, {"Turkey", "TR"}, {"Türkiye", "TR"},
		{"США", "US"}, {"Соединённые Штаты Америки", "US"}, {"Сполучені Штати Америки", "US"}, {"АҚШ", "US"},
		{"Estados Unidos", "US"}, {"EE.UU.", "US"}, {"SUA", "US"}, {"United States", "US"}, {"USA", "US"},
		{"Германия", "DE"}, {"Німеччина", "DE"}, {"Alemania", "DE"}, {"Germania", "DE"}, {"Germany", "DE"},
		{"Беларусь", "BY"}, {"Республика Беларусь", "BY"}, {"Білорусь", "BY"}, {"Belarus", "BY"},
		{"Кыргызстан", "KG"}, {"Киргизия", "KG"}, {"Қырғызстан", "KG"}, {"Kyrgyzstan", "KG"},
		{"Узбекистан", "UZ"}, {"Өзбекстан", "UZ"}, {"Uzbekistan", "UZ"},
		// Neighbours of the publishers in the test data.
		{"Польща", "PL"}, {"Polonia", "PL"}, {"România", "RO"}, {"Румунія", "RO"}, {"Угорщина", "HU"},
		{"Словаччина", "SK"}, {"Brasil", "BR"}, {"Argentina", "AR"}, {"Bolivia", "BO"}, {"Гватемала", "GT"},
		{"Belice", "BZ"}, {"Туркменистан", "TM"}, {"Тәжікстан", "TJ"},
		// Not countries, or not known: left empty, never an error.
		{"", ""}, {"   ", ""}, {"Atlantis", ""}, {"Невідомо", ""}, {"XM", ""}, {"EU", ""}, {"-", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, countryFromName(tt.name), "%q", tt.name)
	}
}

func TestCountryFromScheme(t *testing.T) {
	t.Parallel()
	tests := []struct{ scheme, want string }{
		{"UA-EDR", "UA"}, {"ua-edr", "UA"}, {"MD-IDNO", "MD"}, {"PY-RUC", "PY"}, {"MX-RFC", "MX"}, {"KZ-BIN", "KZ"},
		{"KZ-IIN", "KZ"}, {"GB-COH", "GB"},
		// Registers written out in full by publishers predating org-id codes.
		{"Registro Federal de Contribuyentes de México", "MX"},
		{"Registro Único de Contribuyente emitido por el Ministerio de Hacienda del Gobierno de Paraguay", "PY"},
		// No country: international schemes, free text, nothing.
		{"XM-EORI", ""}, {"XI-LEI", ""}, {"Identificador único en Compranet", ""}, {"", ""}, {"QQ-XYZ", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, countryFromScheme(tt.scheme), "%q", tt.scheme)
	}
	require.Equal(t, "MX-RFC", canonicalScheme("Registro Federal de Contribuyentes de México"))
	require.Equal(t, "UA-EDR", canonicalScheme(" ua-edr "))
	require.Equal(t, "Clave en Compranet", canonicalScheme("Clave en Compranet"))
}
