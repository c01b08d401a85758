package ocds

import (
	"strings"
	"unicode"

	"github.com/biter777/countries"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

// countryFromName maps a country as OCDS publishers write it in address.countryName — free text in the
// publisher's language ("Україна", "Украина", "MÉXICO", "Republica Moldova") or an ISO 3166 code ("MX",
// "MEX") — to an ISO 3166 alpha-2 code. It returns "" when the name is not recognised: an unknown country is
// not an error, the supplier is then simply not known to be a resident.
//
// Names are compared case-insensitively, without Latin diacritics, punctuation or a leading "Republic of"
// and its equivalents. English names and ISO codes are looked up with countries.ByName; countryNames
// adds Russian, Ukrainian, Kazakh, Spanish and Romanian names of the countries Ules meets in practice.
func countryFromName(name string) string {
	key := countryKey(name)
	if key == "" {
		return ""
	}
	if c, ok := countryNames[key]; ok {
		return c
	}
	if fieldtext.DigitsOnly(key) {
		return countryFromCode(key)
	}
	for _, prefix := range statePrefixes {
		if rest, ok := strings.CutPrefix(key, prefix); ok && rest != "" {
			if c, ok := countryNames[rest]; ok {
				return c
			}
			if c := englishCountry(rest); c != "" {
				return c
			}
		}
	}
	return englishCountry(key)
}

// englishCountry looks a folded name up among the English names and ISO codes biter777/countries knows.
func englishCountry(key string) string {
	// The library compares Latin letters only: a Cyrillic name would reach it as an empty string.
	for _, r := range key {
		if r > unicode.MaxLatin1 {
			return ""
		}
	}
	return alpha2(countries.ByName(key))
}

// alpha2 returns a valid country's two-letter code, or "".
func alpha2(c countries.CountryCode) string {
	code := c.Alpha2()
	if c == countries.Unknown || !c.IsValid() || len(code) != 2 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return ""
	}
	return code
}

// countryFromCode maps an ISO 3166 code (alpha-2, alpha-3 or numeric) to alpha-2; "" when it is none.
func countryFromCode(code string) string {
	c, err := fieldtext.CountryCode("country", strings.TrimSpace(code))
	if err != nil {
		return ""
	}
	return c
}

// countryFromScheme reads the country from an org-id.guide identifier scheme, whose first part is the
// registering country's alpha-2 code: "UA-EDR" → UA, "MD-IDNO" → MD, "KZ-BIN" → KZ. Schemes of no
// country ("XM-EORI", "XI-LEI") give "".
func countryFromScheme(scheme string) string {
	scheme = canonicalScheme(scheme)
	if len(scheme) < 3 || scheme[2] != '-' {
		return ""
	}
	code := scheme[:2]
	if strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" || code[0] == 'X' {
		return ""
	}
	return alpha2(countries.ByName(code))
}

// canonicalScheme returns the org-id.guide code of an identifier scheme. Publishers that predate org-id
// codes write the register's name instead; the ones met in real data are mapped, the rest kept as written.
func canonicalScheme(scheme string) string {
	scheme = strings.TrimSpace(scheme)
	key := countryKey(scheme)
	for _, s := range schemeNames {
		if strings.Contains(key, s.contains) {
			return s.code
		}
	}
	if len(scheme) >= 3 && scheme[2] == '-' {
		return strings.ToUpper(scheme)
	}
	return scheme
}

var schemeNames = []struct{ contains, code string }{
	{"registro federal de contribuyentes", "MX-RFC"},
	{"registro unico de contribuyente", "PY-RUC"},
}

// countryKey folds a name for comparison: lower case, Latin diacritics removed, ё as е, punctuation as
// spaces, runs of spaces collapsed.
func countryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := latinFold[r]; ok {
			r = f
		}
		if r == 'ё' {
			r = 'е'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		// Apostrophes are part of Ukrainian words ("Об'єднані"); other punctuation separates words.
		if r == '\'' || r == '’' || r == 'ʼ' {
			continue
		}
		space = true
	}
	return b.String()
}

var latinFold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ă': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ñ': 'n', 'ç': 'c', 'ș': 's', 'ş': 's', 'ț': 't', 'ţ': 't',
}

// statePrefixes are the words before a country's short name in its long form, folded.
var statePrefixes = []string{
	"republic of ", "the republic of ", "the ",
	"республика ", "республіка ",
	"republica ", "republica de ", "estado de ", "estado plurinacional de ",
}

// countryNames maps folded country names in Russian, Ukrainian, Kazakh, Spanish and Romanian (English
// comes from biter777/countries) to alpha-2 codes. It covers the publishers' own countries (Ukraine,
// Moldova, Paraguay, Mexico, Kazakhstan), their neighbours and the usual origins of imported goods.
var countryNames = func() map[string]string {
	byCode := map[string][]string{
		"UA": {"україна", "украина", "ucrania", "ucraina"},
		"MD": {"молдова", "молдавия", "молдавія", "moldova", "moldavia", "republica moldova",
			"molodva", "молдова республикасы"},
		"PY": {"парагвай", "paraguay", "republica del paraguay"},
		"MX": {"мексика", "mexico", "mejico", "estados unidos mexicanos", "mexic"},
		"KZ": {"казахстан", "қазақстан", "казакстан", "қазақстан республикасы", "kazajistan", "kazajstan",
			"kazahstan", "kazakstan"},
		"RU": {"россия", "российская федерация", "рф", "росія", "російська федерація", "ресей",
			"ресей федерациясы", "rusia", "federatia rusa"},
		"CN": {"китай", "кнр", "китайская народная республика", "қытай", "қхр",
			"китайська народна республіка", "china", "republica populara chineza"},
		"TR": {"турция", "туреччина", "түркия", "turquia", "turcia", "turkiye"},
		"US": {"сша", "соединенные штаты", "соединенные штаты америки", "сполучені штати",
			"сполучені штати америки", "ақш", "америка құрама штаттары", "estados unidos",
			"estados unidos de america", "eeuu", "ee uu", "sua", "statele unite", "statele unite ale americii"},
		"DE": {"германия", "німеччина", "alemania", "germania", "фрг"},
		"BY": {"беларусь", "белоруссия", "білорусь", "білорусія", "бєларусь", "bielorrusia", "bielorusia"},
		"KG": {"киргизия", "кыргызстан", "киргизстан", "киргизія", "қырғызстан", "kirguistan", "kirghizstan",
			"kargazstan"},
		"UZ": {"узбекистан", "өзбекстан", "узбекістан", "uzbekistan"},
		"TM": {"туркмения", "туркменистан", "туркменістан", "түрікменстан", "turkmenistan"},
		"TJ": {"таджикистан", "таджикістан", "тәжікстан", "tayikistan", "tadjikistan"},
		"PL": {"польша", "польща", "polonia"},
		"RO": {"румыния", "румунія", "rumania", "romania"},
		"HU": {"венгрия", "угорщина", "hungria", "ungaria"},
		"SK": {"словакия", "словаччина", "eslovaquia", "slovacia"},
		"CZ": {"чехия", "чехія", "republica checa", "chequia", "cehia"},
		"AR": {"аргентина", "argentina"},
		"BR": {"бразилия", "бразилія", "brasil", "brazilia"},
		"BO": {"боливия", "болівія", "bolivia"},
		"UY": {"уругвай", "uruguay"},
		"CL": {"чили", "чилі", "chile"},
		"GT": {"гватемала", "guatemala"},
		"BZ": {"белиз", "беліз", "belice"},
		"GB": {"великобритания", "велика британія", "соединенное королевство", "ұлыбритания", "reino unido",
			"marea britanie", "regatul unit"},
		"IT": {"италия", "італія", "italia"},
		"FR": {"франция", "франція", "francia", "franta"},
		"ES": {"испания", "іспанія", "espana", "spania"},
		"KR": {"южная корея", "корея", "республика корея", "південна корея", "корея республикасы",
			"оңтүстік корея", "corea del sur", "coreea de sud"},
		"JP": {"япония", "японія", "жапония", "japon", "japonia"},
		"IN": {"индия", "індія", "үндістан", "india"},
		"GE": {"грузия", "грузія", "georgia"},
		"AZ": {"азербайджан", "әзірбайжан", "azerbaiyan", "azerbaidjan"},
		"AM": {"армения", "вірменія", "армения республикасы", "armenia"},
		"LT": {"литва", "lituania"},
		"LV": {"латвия", "латвія", "letonia"},
		"EE": {"эстония", "естонія", "estonia"},
		"MN": {"монголия", "монголія", "моңғолия", "mongolia"},
		"CA": {"канада", "canada"},
	}
	m := map[string]string{}
	for code, names := range byCode {
		for _, n := range names {
			m[countryKey(n)] = code
		}
	}
	return m
}()
