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
