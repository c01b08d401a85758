package httpapi

import (
	"regexp"
	"strings"
)

// reasonPattern recognises one shape of the importer's messages, which it writes in English (they are also
// the API's and the command line's): re matches the whole English text, and the catalog's message
// "reason.<key>" rewrites it in the page's language, keeping the field names, values and places it
// captured ($1, $2, ...). Every part of a text a translation may drop is captured, so the English message
// can give the text back as written (TestReasonsInEnglishAreTheImportersWords).
type reasonPattern struct {
	key string
	re  *regexp.Regexp
}

func pattern(key, re string) reasonPattern {
	return reasonPattern{key: "reason." + key, re: regexp.MustCompile("^" + re + "$")}
}

// reasonPatterns cover the reasons and notes users meet most; a text none matches is shown as written.
// Specific shapes come before general ones.
var reasonPatterns = []reasonPattern{
	pattern("required", `(\S+): is required`),
	pattern("not_12_digits", `(\S+): (".*") is not 12 digits`),
	pattern("not_a_date", `(\S+): (".*") is not a date \(want (.*)\)`),
	pattern("outside_years", `(\S+): (".*") is outside 1990\.\.2100`),
	pattern("more_than_a_year", `(\S+): (\S+) is more than a year from today: check the date`),
	pattern("not_an_amount", `(\S+): (".*") is not an amount: (.*)`),
	pattern("negative", `(\S+): (".*") is negative`),
	pattern("not_whole", `(\S+): (".*") is not a whole number`),
	pattern("not_a_flag", `(\S+): (".*") is not a flag \(want 0 or 1\)`),
	pattern("not_kato", `(\S+): (".*") is not a 9-digit KATO code`),
	pattern("no_region", `(\S+): (".*") names no region: (.*)`),
	pattern("not_enstru", `(\S+): (".*") is not an ENSTRU code \(want XXXXXX\.XXX\.XXXXXX\)`),
	pattern("not_country", `(\S+): (".*") is not an ISO 3166 country code`),
	pattern("not_currency", `(\S+): (".*") is not an ISO 4217 currency code(.*)`),
	pattern("unknown_status", `(\S+): (".*") is no contract status Ules knows: (.*)`),
	pattern("item_again", `item (\S+) of contract (\S+) is given again \(first at (\S+)\): (.*)`),
	pattern("plan_point_missing", `pln_point_id (\S+) is not in plans/, or is marked deleted there`),
	pattern("contract_missing", `contract_id (\S+) is neither in contract/ nor already imported`),
	pattern("not_utf8_line", `the line is not UTF-8 text (.*)`),
	pattern("wrong_fields", `wrong number of fields: (\d+), the header has (\d+)`),
	pattern("not_counted_replaced", `(\d+) stored, not counted: contracts of status (\S+) \((.*)\) that a later version \(an amendment\) replaces`),
	pattern("not_counted", `(\d+) stored, not counted: contracts of status (\S+) \((.*)\)`),
	pattern("not_counted_unknown_status", `(\d+) stored, not counted: contracts of status (".*"), which is not in the table of contract statuses`),
	pattern("skipped_plan_points", `(\d+) skipped: plan points marked deleted \(is_deleted\): not used for any item`),
	pattern("skipped_plan_kato", `(\d+) skipped: plan points' KATO rows marked deleted \(is_deleted\): not used for any item's region`),
	pattern("skipped", `(\d+) skipped: (.*)`),
	pattern("note_windows_1251", `note: (\S+) is not UTF-8: it was read as Windows-1251 (.*)`),
	pattern("interrupted", `interrupted: (.*)`),
	pattern("too_many_errors", `ingest: too many bad records, nothing was imported: (\d+) bad (records?), --max-errors is (\d+)`),
}

// translateReason shows one of the importer's texts in lang; an import's summary is several, joined by "; ".
func (c *catalog) translateReason(lang, text string) string {
	parts := strings.Split(text, "; ")
	for i, p := range parts {
		for _, rp := range reasonPatterns {
			if rp.re.MatchString(p) {
				tmpl, _ := c.localize(lang, rp.key, -1)
				parts[i] = rp.re.ReplaceAllString(p, tmpl)
				break
			}
		}
	}
	return strings.Join(parts, "; ")
}
