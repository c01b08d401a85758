package ingest

import "strings"

// buyerType infers the kind of buyer from its names, since the portal publishes no such field. The order
// matters: a school's name often mentions the akimat's education department that runs it.
func buyerType(nationalCompany bool, names ...string) string {
	if nationalCompany {
		return "national_company"
	}
	text := strings.ToLower(strings.Join(names, " "))
	for _, kind := range buyerKinds {
		for _, marker := range kind.markers {
			if strings.Contains(text, marker) {
				return kind.name
			}
		}
	}
	return "state_body"
}

var buyerKinds = []struct {
	name    string
	markers []string
}{
	{"defence", []string{"войсков", "воинск", "министерство обороны", "әскери бөлім", "қорғаныс министрлігі", "национальной гвардии", "ұлттық ұлан"}},
	{"national_company", []string{"национальная компания", "ұлттық компания", "national company"}},
	{"education", []string{"школ", "мектеп", "гимназ", "лицей", "образован", "білім", "колледж", "детский сад", "балабақша", "school"}},
	{"akimat", []string{"акимат", "аппарат акима", "әкімдігі", "әкімі аппараты", "akimat"}},
}

// buyerTypes remembers buyerType for names already seen: the template and OCDS repeat a buyer's names on
// every item or release, and matching them cost a fifth of reading a CSV.
type buyerTypes map[buyerNames]string

type buyerNames struct{ ru, kk string }

// of is buyerType(false, ru, kk), remembered.
func (m *buyerTypes) of(ru, kk string) string {
	key := buyerNames{ru, kk}
	if t, ok := (*m)[key]; ok {
		return t
	}
	if *m == nil || len(*m) >= maxRemembered { // bounded: a file of ever new names forgets the old ones
		*m = buyerTypes{}
	}
	t := buyerType(false, ru, kk)
	(*m)[buyerNames{own(ru), own(kk)}] = t // a name may share its record's memory
	return t
}
