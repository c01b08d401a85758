package classify_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
)

// shippedRules returns the rules the product ships; the migration seeding
// the categories is transcribed from this literal, so keep the two in sync.
func shippedRules() []classify.Rule {
	return []classify.Rule{
		{
			CategoryID:     1,
			Slug:           "school-uniforms",
			Priority:       10,
			EnstruPrefixes: nil,
			Keywords: []string{
				"школьн* форм*",
				"форм* школьн*",
				"мектеп* форма*",
				"оқушы* форма*",
				"school uniform*",
				"uniform* for school*",
				"школьн* костюм*",
				"школьн* сарафан*",
			},
		},
		{
			CategoryID:     2,
			Slug:           "workwear",
			Priority:       20,
			EnstruPrefixes: []string{"1412"},
			Keywords: []string{
				"спецодежд*",
				"специальн* одежд*",
				"рабоч* одежд*",
				"арнайы киім*",
				"жұмыс киім*",
				"workwear",
				"work clothing",
				"protective clothing",
			},
		},
		{
			CategoryID:     3,
			Slug:           "footwear",
			Priority:       30,
			EnstruPrefixes: []string{"1520"},
			Keywords: []string{
				"обув*",
				"аяқ киім*",
				"аяқкиім*",
				"footwear",
				"boots",
				"shoes",
				"ботинк*",
				"сапог*",
			},
		},
		{
			CategoryID:     4,
			Slug:           "furniture",
			Priority:       40,
			EnstruPrefixes: []string{"3101", "3102", "3109"},
			Keywords: []string{
				"мебел*",
				"жиһаз*",
				"furniture",
				"парта",
				"парты",
				"парт",
			},
		},
		{
			CategoryID:     5,
			Slug:           "computers",
			Priority:       50,
			EnstruPrefixes: []string{"2620"},
			Keywords: []string{
				"компьютер*",
				"ноутбук*",
				"computer*",
				"laptop*",
			},
		},
	}
}

func newShipped(tb testing.TB) *classify.Classifier {
	tb.Helper()
	c, err := classify.New(shippedRules())
	require.NoError(tb, err)
	return c
}

func TestClassifyShippedRules(t *testing.T) {
	t.Parallel()
	c := newShipped(t)

	tests := []struct {
		name   string
		enstru string
		texts  []string
		want   string // slug; empty means no match
	}{
		// Required cases.
		{name: "ru school uniform", texts: []string{"Школьная форма для девочек"}, want: "school-uniforms"},
		{name: "ru upper case reversed", texts: []string{"ФОРМЫ ШКОЛЬНОЙ (костюм)"}, want: "school-uniforms"},
		{name: "kk nominative", texts: []string{"Мектеп формасы"}, want: "school-uniforms"},
		{name: "kk accusative", texts: []string{"мектеп формасын сатып алу"}, want: "school-uniforms"},
		{name: "kk plural", texts: []string{"Мектеп формалары"}, want: "school-uniforms"},
		{name: "en plural", texts: []string{"School uniforms, grade 5"}, want: "school-uniforms"},
		{name: "ru reversed", texts: []string{"Форма школьная"}, want: "school-uniforms"},
		{name: "workwear by prefix", enstru: "141211.100.000001", texts: []string{"Костюм"}, want: "workwear"},
		{name: "workwear by keyword", enstru: "", texts: []string{"Спецодежда летняя"}, want: "workwear"},
		{name: "priority beats prefix", enstru: "141211.100.000001", texts: []string{"школьная форма"}, want: "school-uniforms"},
		{name: "ru boots", texts: []string{"Ботинки зимние"}, want: "footwear"},
		{name: "kk footwear", texts: []string{"Аяқ киім"}, want: "footwear"},
		{name: "school desk", texts: []string{"Парта ученическая"}, want: "furniture"},
		{name: "batch is not a desk", texts: []string{"Партия бумаги"}, want: ""},
		{name: "batch of goods is not a desk", texts: []string{"партия товара"}, want: ""},
		{name: "office paper", enstru: "171912.300.000000", texts: []string{"Бумага офисная"}, want: ""},
		{name: "form alone is no pattern", texts: []string{"Информационные формы"}, want: ""},
		{name: "word start matters", texts: []string{"нешкольная форма"}, want: ""},

		// Word boundaries and case folding.
		{name: "guillemets and hyphen", texts: []string{"«Школьная»-форма"}, want: "school-uniforms"},
		{name: "comma between words", texts: []string{"форма, школьная"}, want: "school-uniforms"},
		{name: "words must be consecutive", texts: []string{"школьная летняя форма"}, want: ""},
		{name: "words must be in one text", texts: []string{"школьная", "форма"}, want: ""},
		{name: "kk upper case letters", texts: []string{"МЕКТЕП ФОРМАСЫ"}, want: "school-uniforms"},
		{name: "kk upper case hha", texts: []string{"ЖИҺАЗ"}, want: "furniture"},
		{name: "kk words apart", texts: []string{"Оқушыларға арналған форма"}, want: ""},
		{name: "kk oqushy", texts: []string{"ОҚУШЫ ФОРМАСЫ"}, want: "school-uniforms"},
		{name: "kk workwear", texts: []string{"Жұмыс киімі"}, want: "workwear"},
		{name: "kk footwear joined", texts: []string{"Аяқкиімдер"}, want: "footwear"},
		{name: "exact word only", texts: []string{"Партами"}, want: ""},
		{name: "exact plural desk", texts: []string{"Парты школьные"}, want: "furniture"},
		{name: "exact en word", texts: []string{"Safety shoes"}, want: "footwear"},
		{name: "exact en word not prefix", texts: []string{"Shoestring"}, want: ""},
		{name: "en multi word", texts: []string{"Protective clothing, size L"}, want: "workwear"},
		{name: "en prefix word", texts: []string{"Laptops 15\""}, want: "computers"},
		{name: "digits belong to the word", texts: []string{"Ноутбук2"}, want: "computers"},
		{name: "digits before the word", texts: []string{"2ноутбука"}, want: ""},
		{name: "latin look-alike is not cyrillic", texts: []string{"Пaртa"}, want: ""},

		// ENSTRU prefixes.
		{name: "prefix without dots in code", enstru: "152011100000001", want: "footwear"},
		{name: "second prefix of rule", enstru: "310212.000.000000", want: "furniture"},
		{name: "code padded with spaces", enstru: " 262011.100.000002 ", want: "computers"},
		{name: "code shorter than prefix", enstru: "14", want: ""},
		{name: "code with letters", enstru: "ABC", want: ""},

		// Several texts and empty input.
		{name: "no input", want: ""},
		{name: "empty texts", texts: []string{"", "  ", "—"}, want: ""},
		{name: "match in second text", texts: []string{"Товар", "Ботинки"}, want: "footwear"},
		{name: "best rank across texts", texts: []string{"Ноутбук", "Мебель"}, want: "furniture"},
		{name: "prefix and weaker keyword", enstru: "152011.000.000000", texts: []string{"Ноутбук"}, want: "footwear"},
	}
	want := map[string]int64{}
	for _, r := range shippedRules() {
		want[r.Slug] = r.CategoryID
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, slug, ok := c.Classify(tt.enstru, tt.texts...)
			require.Equal(t, tt.want, slug)
			require.Equal(t, tt.want != "", ok)
			require.Equal(t, want[tt.want], id)
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		rule    classify.Rule
		wantErr string
	}{
		{
			name:    "empty pattern",
			rule:    classify.Rule{Slug: "a", Keywords: []string{""}},
			wantErr: `classify: rule "a": keyword "": empty pattern`,
		},
		{
			name:    "blank pattern",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"  \t"}},
			wantErr: `classify: rule "a": keyword "  \t": empty pattern`,
		},
		{
			name:    "star only",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"*"}},
			wantErr: `classify: rule "a": keyword "*": word "*" has no letters before "*"`,
		},
		{
			name:    "star only word in phrase",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"школьн* *"}},
			wantErr: `classify: rule "a": keyword "школьн* *"`,
		},
		{
			name:    "double star",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"форм**"}},
			wantErr: `classify: rule "a": keyword "форм**": word "форм**" contains '*'`,
		},
		{
			name:    "inner star",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"ф*рма"}},
			wantErr: `classify: rule "a": keyword "ф*рма"`,
		},
		{
			name:    "leading star",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"*форма"}},
			wantErr: `classify: rule "a": keyword "*форма"`,
		},
		{
			name:    "hyphen can never match",
			rule:    classify.Rule{Slug: "a", Keywords: []string{"т-shirt"}},
			wantErr: `classify: rule "a": keyword "т-shirt": word "т-shirt" contains '-'`,
		},
		{
			name:    "prefix with letters",
			rule:    classify.Rule{Slug: "b", EnstruPrefixes: []string{"14a2"}},
			wantErr: `classify: rule "b": enstru prefix "14a2": unexpected character 'a'`,
		},
		{
			name:    "empty prefix",
			rule:    classify.Rule{Slug: "b", EnstruPrefixes: []string{""}},
			wantErr: `classify: rule "b": enstru prefix "": no digits`,
		},
		{
			name:    "dots only prefix",
			rule:    classify.Rule{Slug: "b", EnstruPrefixes: []string{".."}},
			wantErr: `classify: rule "b": enstru prefix "..": no digits`,
		},
		{
			name:    "prefix with cyrillic letter",
			rule:    classify.Rule{Slug: "b", EnstruPrefixes: []string{"14б"}},
			wantErr: `classify: rule "b": enstru prefix "14б": unexpected character 'б'`,
		},
		{
			name:    "prefix with space",
			rule:    classify.Rule{Slug: "b", EnstruPrefixes: []string{"14 12"}},
			wantErr: `classify: rule "b": enstru prefix "14 12"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The valid rule sorts first, so the error must name the broken one.
			c, err := classify.New([]classify.Rule{{Slug: "0-valid", Keywords: []string{"ok"}}, tt.rule})
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, c)
		})
	}
}

func TestNewDuplicateSlug(t *testing.T) {
	t.Parallel()
	_, err := classify.New([]classify.Rule{
		{CategoryID: 1, Slug: "x", Priority: 1},
		{CategoryID: 2, Slug: "x", Priority: 1},
	})
	require.EqualError(t, err, `classify: rule "x": duplicate slug`)
}

func TestNewEmptySlug(t *testing.T) {
	t.Parallel()
	_, err := classify.New([]classify.Rule{{CategoryID: 7, Keywords: []string{"стол"}}})
	require.EqualError(t, err, `classify: rule with category ID 7: empty slug`)
}

func TestClassifyOrdering(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		rules []classify.Rule
		want  string
	}{
		{
			name: "lower priority first regardless of input order",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 2, Keywords: []string{"стол"}},
				{CategoryID: 2, Slug: "b", Priority: 1, Keywords: []string{"стол*"}},
			},
			want: "b",
		},
		{
			name: "ties broken by slug",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "zeta", Priority: 1, Keywords: []string{"стол"}},
				{CategoryID: 2, Slug: "alpha", Priority: 1, EnstruPrefixes: []string{"31"}},
			},
			want: "alpha",
		},
		{
			name: "longer phrase of a weaker rule does not win",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 1, Keywords: []string{"письменный стол"}},
				{CategoryID: 2, Slug: "b", Priority: 0, Keywords: []string{"стол*"}},
			},
			want: "b",
		},
		{
			name: "shorter prefix of a stronger rule wins",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 1, EnstruPrefixes: []string{"3101"}},
				{CategoryID: 2, Slug: "b", Priority: 0, EnstruPrefixes: []string{"31"}},
			},
			want: "b",
		},
		{
			name: "same prefix in two rules",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 1, EnstruPrefixes: []string{"31.01"}},
				{CategoryID: 2, Slug: "b", Priority: 0, EnstruPrefixes: []string{"3101"}},
			},
			want: "b",
		},
		{
			name: "shared words across patterns",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 0, Keywords: []string{"стол письменный детский"}},
				{CategoryID: 2, Slug: "b", Priority: 1, Keywords: []string{"стол*", "стол письменный"}},
			},
			want: "a",
		},
		{
			name: "overlapping starts of a repeated word",
			rules: []classify.Rule{
				{CategoryID: 1, Slug: "a", Priority: 0, Keywords: []string{"стол стол письменный"}},
			},
			want: "a",
		},
		{
			name:  "rule without prefixes or keywords never matches",
			rules: []classify.Rule{{CategoryID: 1, Slug: "a"}},
			want:  "",
		},
		{
			name:  "no rules",
			rules: nil,
			want:  "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := classify.New(tt.rules)
			require.NoError(t, err)
			_, slug, ok := c.Classify("310111.000.000000", "Стол стол письменный детский")
			require.Equal(t, tt.want, slug)
			require.Equal(t, tt.want != "", ok)
		})
	}
}

func TestNewCopiesRules(t *testing.T) {
	t.Parallel()
	rules := shippedRules()
	c, err := classify.New(rules)
	require.NoError(t, err)

	// Mutating the caller's rules must not change an immutable classifier.
	rules[0].Slug = "changed"
	rules[0].Keywords[0] = "бумаг*"
	rules[3].EnstruPrefixes[0] = "1719"

	_, slug, ok := c.Classify("171912.300.000000", "Школьная форма", "Бумага")
	require.True(t, ok)
	require.Equal(t, "school-uniforms", slug)
}

func TestClassifyConcurrent(t *testing.T) {
	t.Parallel()
	c := newShipped(t)
	items := benchItems()

	// Run with -race to check that Classify shares no mutable state.
	var wg sync.WaitGroup
	results := make([][]string, 8)
	for g := range results {
		wg.Go(func() {
			for _, it := range items {
				_, slug, _ := c.Classify(it.enstru, it.texts...)
				results[g] = append(results[g], slug)
			}
		})
	}
	wg.Wait()
	for _, r := range results[1:] {
		require.Equal(t, results[0], r)
	}
}

// TestClassifyDoesNotAllocate is not parallel: AllocsPerRun counts every
// allocation in the process.
func TestClassifyDoesNotAllocate(t *testing.T) {
	c := newShipped(t)
	items := benchItems()
	allocs := testing.AllocsPerRun(100, func() {
		for _, it := range items {
			c.Classify(it.enstru, it.texts...)
		}
	})
	require.Zero(t, allocs)
}

type benchItem struct {
	enstru string
	texts  []string
	want   string
}

// benchItems is a realistic mix of procurement items: mostly items outside
// every category, long Russian and Kazakh descriptions, and some hits.
func benchItems() []benchItem {
	return []benchItem{
		{"171912.300.000000", []string{"Бумага офисная", "Кеңсе қағазы", "Бумага для офисной техники, формат А4, плотность 80 г/м2, белизна не менее 146% CIE, 500 листов в пачке"}, ""},
		{"141311.100.000003", []string{"Школьная форма для девочек", "Қыздарға арналған мектеп формасы", "Сарафан школьный, ткань полушерсть, цвет темно-синий, размеры 122-164"}, "school-uniforms"},
		{"141211.100.000001", []string{"Костюм", "Костюм", "Костюм мужской для защиты от общих производственных загрязнений, куртка и брюки"}, "workwear"},
		{"152012.500.000010", []string{"Ботинки", "Бәтеңке", "Ботинки кожаные мужские с защитным подноском"}, "footwear"},
		{"310112.900.000002", []string{"Стол", "Үстел", "Стол письменный однотумбовый, ЛДСП 16 мм, кромка ПВХ"}, "furniture"},
		{"262011.100.000002", []string{"Ноутбук", "Ноутбук", "Портативный компьютер, процессор не ниже Intel Core i5, ОЗУ 16 ГБ, SSD 512 ГБ"}, "computers"},
		{"192021.100.000003", []string{"Бензин", "Бензин", "Бензин автомобильный марки АИ-92, экологический класс К5, по талонам"}, ""},
		{"862110.000.000000", []string{"Услуги по проведению медицинского осмотра", "Медициналық тексеру жүргізу жөніндегі қызметтер", "Периодический медицинский осмотр работников организации согласно приказу"}, ""},
		{"", []string{"Спецодежда летняя", "Арнайы киім", ""}, "workwear"},
		{"107111.300.000000", []string{"Хлеб", "Нан", "Хлеб пшеничный из муки высшего сорта, формовой, вес 500 гр"}, ""},
		{"351112.900.000000", []string{"Электроэнергия", "Электр энергиясы", "Услуги по передаче и распределению электрической энергии в сети"}, ""},
		{"202014.000.000000", []string{"Средство дезинфицирующее", "Дезинфекциялық құрал", "Партия товара: средство дезинфицирующее на основе ЧАС, канистра 5 л"}, ""},
		{"581913.000.000000", []string{"Бланки информационные", "Ақпараттық бланкілер", "Информационные формы строгой отчетности, типографская печать"}, ""},
		{"681012.000.000000", []string{"Аренда помещения", "Үй-жайды жалға алу", "Аренда нежилого помещения для размещения отдела, площадь 45 кв. м"}, ""},
		{"", []string{"School uniforms, grade 5", "", ""}, "school-uniforms"},
		{"331213.000.000000", []string{"Техническое обслуживание оборудования", "Жабдыққа техникалық қызмет көрсету", "Обслуживание и ремонт котельного оборудования в течение отопительного сезона 2025-2026 гг"}, ""},
	}
}

func TestBenchItems(t *testing.T) {
	t.Parallel()
	c := newShipped(t)
	for i, it := range benchItems() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			_, slug, _ := c.Classify(it.enstru, it.texts...)
			require.Equal(t, it.want, slug)
		})
	}
}

func BenchmarkClassify(b *testing.B) {
	c := newShipped(b)
	items := benchItems()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		it := items[i%len(items)]
		c.Classify(it.enstru, it.texts...)
		i++
	}
}
