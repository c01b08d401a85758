package targetfile

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/share"
)

var known = Known{Categories: []string{"school-uniforms", "workwear", "footwear"}, Regions: []string{"63", "71", "75"}}

const valid = `# Targets of the light-industry association
targets:
  - slug: school-uniforms-50
    name:
      kk: Мектеп формасындағы отандық үлес
      ru: Доля отечественных производителей в школьной форме
      en: Domestic share of school uniforms
    scope:
      category: school-uniforms
    schedule:
      - from: 2016-01-01
        threshold: 50
  - slug: workwear-east
    name: {kk: Арнайы киім, ru: Спецодежда, en: Workwear}
    basis: Regional programme for light industry, 2025
    scope:
      category: workwear
      regions: ["63"]
      buyer_types: [national_company]
      methods: ["2", "3"]
    metric: local_content_share
    period: schedule
    ends_on: 2027-12-31
    schedule:
      - {from: 2026-01-01, threshold: 65.5}
      - {from: 2025-01-01, threshold: "60%"}
      - {from: 2027-01-01, threshold: 75}
`

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParse(t *testing.T) {
	t.Parallel()
	got, err := Parse([]byte(valid), "targets.yaml", known)
	require.NoError(t, err)
	require.Equal(t, []share.Target{
		{
			Slug: "school-uniforms-50",
			Names: share.Names{KK: "Мектеп формасындағы отандық үлес", RU: "Доля отечественных производителей в школьной форме",
				EN: "Domestic share of school uniforms"},
			Filter: share.Filter{Category: "school-uniforms"}, Metric: share.MetricValue, Period: share.PeriodCalendarYear,
			Schedule: []share.Threshold{{EffectiveFrom: day(2016, 1, 1), Value: 5000}},
		},
		{
			Slug: "workwear-east", Names: share.Names{KK: "Арнайы киім", RU: "Спецодежда", EN: "Workwear"},
			Basis: share.Names{KK: "Regional programme for light industry, 2025", RU: "Regional programme for light industry, 2025",
				EN: "Regional programme for light industry, 2025"},
			Filter: share.Filter{Category: "workwear", Regions: []string{"63"}, BuyerTypes: []string{"national_company"}, Methods: []string{"2", "3"}},
			Metric: share.MetricLocalContent, Period: share.PeriodSchedule, EndsOn: day(2027, 12, 31),
			Schedule: []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 6000}, {EffectiveFrom: day(2026, 1, 1), Value: 6550},
				{EffectiveFrom: day(2027, 1, 1), Value: 7500}},
		},
	}, got)
}

func TestParseJSON(t *testing.T) {
	t.Parallel()
	got, err := Parse([]byte(`{"targets": [{"slug": "footwear-30", "name": {"kk": "Аяқ киім", "ru": "Обувь", "en": "Footwear"},
		"scope": {"category": "footwear", "regions": ["75", "71"]}, "schedule": [{"from": "2025-01-01", "threshold": 30}]}]}`), "t.json", known)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, []string{"75", "71"}, got[0].Regions)
	require.Equal(t, int64(3000), got[0].Schedule[0].Value)
}

// A basis is one text for every language or a text per language; either way it is written back as read.
func TestBasisInLanguages(t *testing.T) {
	t.Parallel()
	src := `targets:
  - slug: footwear-30
    name: {kk: Аяқ киім, ru: Обувь, en: Footwear}
    basis: {kk: Өңірлік бағдарлама, ru: Региональная программа}
    scope: {category: footwear}
    schedule:
      - {from: 2025-01-01, threshold: 30}
  - slug: footwear-40
    name: {kk: Аяқ киім, ru: Обувь, en: Footwear}
    basis: Order No. 1
    scope: {category: footwear}
    schedule:
      - {from: 2025-01-01, threshold: 40}
  - slug: footwear-50
    name: {kk: Аяқ киім, ru: Обувь, en: Footwear}
    scope: {category: footwear}
    schedule:
      - {from: 2025-01-01, threshold: 50}
`
	got, err := Parse([]byte(src), "t.yaml", known)
	require.NoError(t, err)
	require.Equal(t, share.Names{KK: "Өңірлік бағдарлама", RU: "Региональная программа"}, got[0].Basis)
	require.Equal(t, "Региональная программа", got[0].Basis.In("en"), "a language left out shows another")
	require.Equal(t, share.Names{KK: "Order No. 1", RU: "Order No. 1", EN: "Order No. 1"}, got[1].Basis)
	require.Equal(t, share.Names{}, got[2].Basis)

	out, err := Marshal(got)
	require.NoError(t, err)
	require.Contains(t, string(out), "basis: Order No. 1\n", "the same text in every language is written once")
	require.Equal(t, 2, strings.Count(string(out), "basis:"), "no basis, none written")
	again, err := Parse(out, "export.yaml", known)
	require.NoError(t, err)
	require.Equal(t, got, again)
}

// TestParseRefuses checks that each mistake is named by its file, line and field, with what to do.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	one := func(body string) string {
		return "targets:\n  - slug: t\n    name: {kk: а, ru: б, en: c}\n" + body
	}
	base := "    scope: {category: footwear}\n    schedule:\n      - {from: 2025-01-01, threshold: 50}\n"
	tests := []struct {
		name, src string
		line      int
		path      string
		reason    string
	}{
		{"empty file", "", 0, "targets", "lists no target"},
		{"not YAML", "targets: [", 1, "", ""},
		{"unknown field", one(base + "    colour: red\n"), 7, "", `unknown field "colour"`},
		{"a list where a name goes", "targets:\n  - slug: [a]\n", 2, "", "cannot unmarshal"},
		{"a list for a basis", one(base + "    basis: [a, b]\n"), 7, "targets[0].basis", "is neither a text nor texts by language"},
		{"a basis in an unknown language", one(base + "    basis: {de: Programm}\n"), 7, "targets[0].basis", "is neither a text nor texts by language"},
		{"no slug", "targets:\n  - name: {kk: а, ru: б, en: c}\n" + base, 2, "targets[0].slug", "is missing"},
		{"bad slug", strings.Replace(one(base), "slug: t", "slug: School Uniforms", 1), 2, "targets[0].slug", "is not a slug"},
		{"a name missing", strings.Replace(one(base), "en: c", "en: ''", 1), 3, "targets[0].name.en", "Kazakh, Russian and English"},
		{"unknown category", one("    scope: {category: tanks}\n    schedule:\n      - {from: 2025-01-01, threshold: 50}\n"), 4,
			"targets[0].scope.category", `"tanks" is not a category: want one of school-uniforms, workwear, footwear`},
		{"unknown region", one("    scope: {category: footwear, regions: ['75', '99']}\n    schedule:\n      - {from: 2025-01-01, threshold: 50}\n"), 4,
			"targets[0].scope.regions[1]", `"99" is not a region`},
		{"region twice", one("    scope: {category: footwear, regions: ['75', '75']}\n    schedule:\n      - {from: 2025-01-01, threshold: 50}\n"), 4,
			"targets[0].scope.regions[1]", "listed twice"},
		{"unknown buyer type", one("    scope: {category: footwear, buyer_types: [army]}\n    schedule:\n      - {from: 2025-01-01, threshold: 50}\n"), 4,
			"targets[0].scope.buyer_types[0]", `"army" is not one of state_body`},
		{"unknown metric", one(base + "    metric: happiness\n"), 7, "targets[0].metric", `"happiness" is not one of domestic_share_value`},
		{"unknown period", one(base + "    period: decade\n"), 7, "targets[0].period", "is not calendar_year or schedule"},
		{"schedule without end", one(base + "    period: schedule\n"), 2, "targets[0].ends_on", "is missing"},
		{"end of a calendar year", one(base + "    ends_on: 2027-12-31\n"), 7, "targets[0].ends_on", "is for period: schedule"},
		{"step after the end", one(base + "    period: schedule\n    ends_on: 2024-12-31\n"), 6, "targets[0].schedule[0].from", "is after ends_on"},
		{"no schedule", one("    scope: {category: footwear}\n"), 2, "targets[0].schedule", "lists no threshold"},
		{"bad date", one("    scope: {category: footwear}\n    schedule:\n      - {from: 01.01.2025, threshold: 50}\n"), 6,
			"targets[0].schedule[0].from", `"01.01.2025" is not a date in the form YYYY-MM-DD`},
		{"two steps on one day", one(base + "      - {from: 2025-01-01, threshold: 60}\n"), 7, "targets[0].schedule[1].from", "also the date of step 0"},
		{"above 100", one("    scope: {category: footwear}\n    schedule:\n      - {from: 2025-01-01, threshold: 150}\n"), 6,
			"targets[0].schedule[0].threshold", `"150" is not a percentage from 0 to 100`},
		{"three decimals", one("    scope: {category: footwear}\n    schedule:\n      - {from: 2025-01-01, threshold: 62.555}\n"), 6,
			"targets[0].schedule[0].threshold", "at most two decimals"},
		{"negative", one("    scope: {category: footwear}\n    schedule:\n      - {from: 2025-01-01, threshold: -5}\n"), 6,
			"targets[0].schedule[0].threshold", "is not a percentage"},
		{"no threshold", one("    scope: {category: footwear}\n    schedule:\n      - {from: 2025-01-01}\n"), 6,
			"targets[0].schedule[0].threshold", "is missing"},
		{"slug twice", one(base) + "  - slug: t\n    name: {kk: а, ru: б, en: c}\n" + base, 7, "targets[1].slug", `"t" is already the slug of targets[0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse([]byte(tt.src), "targets.yaml", known)
			require.Nil(t, got)
			var errs Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			var found *Error
			for i := range errs {
				if errs[i].Path == tt.path && strings.Contains(errs[i].Reason, tt.reason) {
					found = &errs[i]
				}
			}
			require.NotNil(t, found, "want %s: …%s… in\n%v", tt.path, tt.reason, err)
			require.Equal(t, "targets.yaml", found.File)
			require.Equal(t, tt.line, found.Line, "line of %v", *found)
		})
	}
}

func TestParseReportsEveryMistake(t *testing.T) {
	t.Parallel()
	src := "targets:\n  - slug: A\n    name: {kk: а, ru: б, en: c}\n    scope: {category: tanks}\n    schedule:\n      - {from: 2025-13-01, threshold: 500}\n"
	_, err := Parse([]byte(src), "t.yaml", known)
	var errs Errors
	require.True(t, errors.As(err, &errs))
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	require.Equal(t, []string{"targets[0].slug", "targets[0].scope.category", "targets[0].schedule[0].from", "targets[0].schedule[0].threshold"}, paths)
	require.Contains(t, err.Error(), "t.yaml:2: targets[0].slug: \"A\" is not a slug")
}

func TestMarshalReadsBack(t *testing.T) {
	t.Parallel()
	targets, err := Parse([]byte(valid), "targets.yaml", known)
	require.NoError(t, err)
	out, err := Marshal(targets)
	require.NoError(t, err)
	again, err := Parse(out, "export.yaml", known)
	require.NoError(t, err, "%s", out)
	require.Equal(t, targets, again)
	require.Contains(t, string(out), "threshold: 65.5", "thresholds are written as numbers")

	_, err = Marshal(nil)
	require.ErrorIs(t, err, ErrEmpty)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte(`{"targets": [{"slug": "a", "schedule": [{"from": "2025-01-01", "threshold": 1e2}]}]}`))
	f.Add([]byte("targets:\n  - slug: a\n    schedule:\n      - from: 2025-02-30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		targets, err := Parse(data, "f.yaml", known)
		if err != nil {
			var errs Errors
			require.True(t, errors.As(err, &errs), "every refusal is an Errors: %v", err)
			require.NotEmpty(t, errs)
			return
		}
		out, err := Marshal(targets)
		require.NoError(t, err)
		again, err := Parse(out, "f.yaml", known)
		require.NoError(t, err, "what was accepted reads back:\n%s", out)
		require.Equal(t, targets, again)
	})
}
