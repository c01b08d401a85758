// Package buyertype guesses a buyer's kind (akimat, school, defence, national company, other state body)
// from its names, since the sources publish no such field.
package buyertype

import "strings"

// Guess infers the kind of buyer from its names. The order of the kinds matters: a school's name often
// mentions the akimat's education department that runs it.
func Guess(nationalCompany bool, names ...string) string {
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

// Memo remembers Guess for names already seen: the template and OCDS repeat a buyer's names on every item
// or release, and matching them cost a fifth of reading a CSV. The zero value is ready.
type Memo map[buyerNames]string

type buyerNames struct{ ru, kk string }

// Of is Guess(false, ru, kk), remembered.
func (m *Memo) Of(ru, kk string) string {
	key := buyerNames{ru, kk}
	if t, ok := (*m)[key]; ok {
		return t
	}
	if *m == nil || len(*m) >= maxRemembered { // bounded: a file of ever new names forgets the old ones
		*m = Memo{}
	}
	t := Guess(false, ru, kk)
	(*m)[buyerNames{strings.Clone(ru), strings.Clone(kk)}] = t // a name may share its record's memory
	return t
}

// maxRemembered bounds a Memo whatever the input's variety.
const maxRemembered = 50_000
