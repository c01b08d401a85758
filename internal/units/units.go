// Package units names units of measure and tells which quantities can be added up. The portal gives an
// item's unit as its code in the interstate classifier of units of measure (МКЕИ, the codes of OKEI: 796 a
// piece, 839 a set), a spreadsheet as a word ("шт", "pairs"), and the register of domestic producers its
// capacity in words per year ("изделий/год").
package units

import (
	"strings"
	"unicode"
)

// Kind is what a unit measures; quantities of different kinds are never added up.
type Kind string

const (
	Count  Kind = "count"
	Mass   Kind = "mass"
	Volume Kind = "volume"
	Length Kind = "length"
	Area   Kind = "area"
	Time   Kind = "time"
	Energy Kind = "energy"
)

// Unit is a unit of the classifier.
type Unit struct {
	Code  string
	Kind  Kind
	Short [3]string // kk, ru, en
	// words are the ways spreadsheets and the register write it, lower case, without "per year".
	words []string
}

// In is the unit's short name in lang (kk, ru or en; English otherwise).
func (u Unit) In(lang string) string { return u.Short[langIndex(lang)] }

// langIndex is lang's place in the [3]string of names: kk, ru, en (and English for any other).
func langIndex(lang string) int {
	switch lang {
	case "kk":
		return 0
	case "ru":
		return 1
	}
	return 2
}

// known are the classifier's units that goods are bought in most, with the words written for them.
var known = []Unit{
	{"796", Count, [3]string{"дана", "шт", "pcs"}, []string{"шт", "штук", "штука", "штуки", "дана", "pcs", "pc", "piece", "pieces"}},
	{"839", Count, [3]string{"жиынтық", "компл.", "sets"}, []string{"компл", "комплект", "комплекта", "комплектов", "жиынтық", "set", "sets"}},
	{"715", Count, [3]string{"жұп", "пар", "pairs"}, []string{"пар", "пара", "пары", "жұп", "pair", "pairs"}},
	{"657", Count, [3]string{"бұйым", "изд.", "articles"}, []string{"изделие", "article", "articles"}},
	{"704", Count, [3]string{"жинақ", "набор", "kits"}, []string{"набор", "наборов", "жинақ", "kit", "kits"}},
	{"778", Count, [3]string{"қаптама", "упак.", "packs"}, []string{"упак", "упаковка", "упаковок", "қаптама", "pack", "packs", "package", "packages"}},
	{"736", Count, [3]string{"орам", "рул.", "rolls"}, []string{"рулон", "рулонов", "орам", "roll", "rolls"}},
	{"625", Count, [3]string{"парақ", "лист", "sheets"}, []string{"лист", "листов", "парақ", "sheet", "sheets"}},
	{"868", Count, [3]string{"бөтелке", "бут.", "bottles"}, []string{"бутылка", "бутылок", "бөтелке", "bottle", "bottles"}},
	{"166", Mass, [3]string{"кг", "кг", "kg"}, []string{"кг", "килограмм", "kg", "kilogram", "kilograms"}},
	{"168", Mass, [3]string{"т", "т", "t"}, []string{"т", "тонна", "тонн", "t", "tonne", "tonnes"}},
	{"163", Mass, [3]string{"г", "г", "g"}, []string{"г", "грамм", "g", "gram", "grams"}},
	{"112", Volume, [3]string{"л", "л", "L"}, []string{"л", "литр", "литров", "l", "litre", "litres", "liter", "liters"}},
	{"113", Volume, [3]string{"м³", "м³", "m³"}, []string{"м3", "м³", "куб. м", "m3", "m³"}},
	{"006", Length, [3]string{"м", "м", "m"}, []string{"м", "метр", "метров", "m", "metre", "metres", "meter", "meters"}},
	{"018", Length, [3]string{"қума м", "пог. м", "running m"}, []string{"пог. м", "погонный метр", "п.м"}},
	{"055", Area, [3]string{"м²", "м²", "m²"}, []string{"м2", "м²", "кв. м", "m2", "m²"}},
	{"356", Time, [3]string{"сағ", "ч", "h"}, []string{"час", "часов", "сағат", "hour", "hours"}},
	{"359", Time, [3]string{"тәул.", "сут.", "days"}, []string{"сутки", "суток", "тәулік", "day", "days"}},
	{"245", Energy, [3]string{"кВт·сағ", "кВт·ч", "kWh"}, []string{"квт·ч", "квт.ч", "квтч", "kwh"}},
	{"233", Energy, [3]string{"Гкал", "Гкал", "Gcal"}, []string{"гкал", "gcal"}},
}

// generic are words for "so many of the goods", whatever they come in: a capacity in them is of every
// countable unit.
var generic = []string{"изделий", "изделия", "изд", "единиц", "единица", "ед", "бұйым", "бірлік", "items", "item", "units", "unit"}

var byCode, byWord = func() (map[string]Unit, map[string]Unit) {
	codes, words := map[string]Unit{}, map[string]Unit{}
	for _, u := range known {
		codes[u.Code] = u
		for _, w := range u.words {
			words[w] = u
		}
	}
	return codes, words
}()

// Of is the unit a code or a word names, false for one this package does not know.
func Of(s string) (Unit, bool) {
	s = strings.TrimSpace(s)
	if u, ok := byCode[s]; ok {
		return u, true
	}
	u, ok := byWord[normal(s)]
	return u, ok
}

// NameIn is the short name in lang of the unit a code or a word names, "" for one this package does not
// know.
func NameIn(lang, s string) string {
	if u, ok := Of(s); ok {
		return u.In(lang)
	}
	return ""
}

// Measure is what a capacity is stated in: one unit, every countable unit, or nothing known.
type Measure struct {
	Unit  Unit
	Kind  Kind // Count for a capacity in generic words ("изделий"), with Unit zero
	Known bool
}

// CapacityMeasure reads the unit of a register's capacity, written per year or not: "шт/год", "пар в год",
// "изделий/год", "sets per year".
func CapacityMeasure(s string) Measure {
	w := normal(s)
	for _, suffix := range []string{"/год", "/жыл", "/year", "/yr", " в год", " за год", " жылына", " per year", " a year"} {
		w = strings.TrimSpace(strings.TrimSuffix(w, suffix))
	}
	w = strings.TrimSuffix(w, ".") // "шт./год"
	if u, ok := byWord[w]; ok {
		return Measure{Unit: u, Kind: u.Kind, Known: true}
	}
	if u, ok := byCode[w]; ok {
		return Measure{Unit: u, Kind: u.Kind, Known: true}
	}
	for _, g := range generic {
		if w == g {
			return Measure{Kind: Count, Known: true}
		}
	}
	return Measure{}
}

// Counts says whether a quantity in the item unit itemUnit (a code or a word) is of m: in its unit, or of
// any countable unit for a generic count.
func (m Measure) Counts(itemUnit string) bool {
	u, ok := Of(itemUnit)
	if !m.Known || !ok {
		return false
	}
	if m.Unit.Code == "" {
		return u.Kind == m.Kind
	}
	return u.Code == m.Unit.Code
}

// normal is s in lower case with single spaces and no final period: "Шт." and "шт" are one word.
func normal(s string) string {
	s = strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
	return strings.TrimSuffix(s, ".")
}

// perYear is "a year" after a unit, in kk, ru and en.
var perYear = [3]string{"/жыл", "/год", "/year"}

// genericName is a capacity in items, in kk, ru and en.
var genericName = [3]string{"бұйым", "изделий", "items"}

// CapacityIn is a register's capacity unit in lang when it is one this package reads ("шт/год" is
// "pcs/year" in English), and as written otherwise.
func CapacityIn(lang, s string) string {
	m := CapacityMeasure(s)
	if !m.Known {
		return s
	}
	i := langIndex(lang)
	name := genericName[i]
	if m.Unit.Code != "" {
		name = m.Unit.Short[i]
	}
	return name + perYear[i]
}
