// Package targetfile reads and writes the file users define targets in (`ules target apply FILE`): YAML,
// or JSON, which YAML reads too. Every mistake is reported with the file, the line and the field's path
// (targets[1].schedule[0].threshold), all of them at once, before anything is stored.
package targetfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
)

// document is the file as written; its field names are the file's format (docs/targets.md).
type document struct {
	Targets []target `yaml:"targets"`
}

type target struct {
	Slug     string `yaml:"slug"`
	Name     names  `yaml:"name"`
	Basis    basis  `yaml:"basis,omitempty"`
	Scope    scope  `yaml:"scope"`
	Metric   string `yaml:"metric,omitempty"`
	Period   string `yaml:"period,omitempty"`
	EndsOn   string `yaml:"ends_on,omitempty"`
	Schedule []step `yaml:"schedule"`
}

type names struct {
	KK string `yaml:"kk"`
	RU string `yaml:"ru"`
	EN string `yaml:"en"`
}

type scope struct {
	Category   string   `yaml:"category"`
	Regions    []string `yaml:"regions,omitempty"`
	BuyerTypes []string `yaml:"buyer_types,omitempty"`
	Methods    []string `yaml:"methods,omitempty"`
}

type step struct {
	From      string  `yaml:"from"`
	Threshold percent `yaml:"threshold"`
}

// basis is what a target rests on: one text for every language, or a text per language (kk, ru, en), any
// of which may be left out. Anything else is kept as malformed for the checker, which names its line.
type basis struct {
	names
	malformed bool
}

// UnmarshalYAML implements yaml.BytesUnmarshaler.
func (b *basis) UnmarshalYAML(data []byte) error {
	var n names
	if err := yaml.UnmarshalWithOptions(data, &n, yaml.Strict()); err == nil {
		*b = basis{names: n}
		return nil
	}
	var text string
	if err := yaml.Unmarshal(data, &text); err != nil {
		*b = basis{malformed: true}
		return nil
	}
	*b = basis{names: names{KK: text, RU: text, EN: text}}
	return nil
}

// MarshalYAML implements yaml.InterfaceMarshaler: one text when the three languages say the same.
func (b basis) MarshalYAML() (any, error) {
	if b.KK == b.RU && b.RU == b.EN {
		return b.EN, nil
	}
	return b.names, nil
}

// IsZero lets omitempty leave out a target without a basis.
func (b basis) IsZero() bool { return b == basis{} }

// percent keeps a threshold as written (60, 65.5, "75%"), so it is read as a decimal and never a float.
type percent string

// UnmarshalYAML implements yaml.BytesUnmarshaler.
func (p *percent) UnmarshalYAML(b []byte) error {
	*p = percent(strings.Trim(strings.TrimSpace(string(b)), `"'`))
	return nil
}

// MarshalYAML implements yaml.BytesMarshaler: a threshold is written as the number it is.
func (p percent) MarshalYAML() ([]byte, error) { return []byte(p), nil }

// Known lists what a target may refer to: the categories' slugs and the regions' codes.
type Known struct {
	Categories []string
	Regions    []string
}

// Error is one mistake in a file.
type Error struct {
	File   string
	Line   int    // 0 when the mistake has no line (an empty file)
	Path   string // targets[0].scope.category; "" for the file as a whole
	Reason string
}

func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	return b.String() + ": " + e.Reason
}

// Errors are every mistake found in a file, in the order of the file.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// maxName bounds a name in each language; a page shows it as a heading.
const maxName = 300

var (
	slugPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	positionPattern = regexp.MustCompile(`^\[(\d+):(\d+)\] (.*)`)
)

// Parse reads the targets of a file named name (for errors) and checks each against known. It returns
// Errors naming every mistake, or the targets in the order of the file.
func Parse(data []byte, name string, known Known) (_ []share.Target, err error) {
	// The YAML decoder panics on some malformed input (a tagged null in a sequence, found by FuzzParse):
	// such a file is refused like any other that is not YAML.
	defer func() {
		if r := recover(); r != nil {
			err = Errors{{File: name, Reason: "is not a targets file the YAML reader can follow; check its indentation and tags"}}
		}
	}()
	var doc document
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.DisallowUnknownField()); err != nil {
		return nil, Errors{syntaxError(name, err)}
	}
	c := checker{file: name, data: data, known: known}
	if len(doc.Targets) == 0 {
		c.fail("targets", "lists no target: a file starts with `targets:` and lists at least one (see docs/targets.md)")
	}
	out := make([]share.Target, 0, len(doc.Targets))
	seen := map[string]string{}
	for i, t := range doc.Targets {
		path := fmt.Sprintf("targets[%d]", i)
		if first, ok := seen[t.Slug]; ok && t.Slug != "" {
			c.fail(path+".slug", "%q is already the slug of %s", t.Slug, first)
		}
		seen[t.Slug] = path
		out = append(out, c.target(path, t))
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return out, nil
}

// syntaxError turns the YAML library's "[line:column] reason" into an Error.
func syntaxError(file string, err error) Error {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if m := positionPattern.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Error{File: file, Line: line, Reason: m[3] + " (column " + m[2] + ")"}
	}
	return Error{File: file, Reason: msg}
}

type checker struct {
	file  string
	data  []byte
	known Known
	errs  Errors
}

// fail reports a mistake at path, on the line of the nearest part of the path the file has.
func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, Error{File: c.file, Line: c.line(path), Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) line(path string) int {
	for p := path; p != ""; {
		q, err := yaml.PathString("$." + p)
		if err == nil {
			if n, err := q.ReadNode(bytes.NewReader(c.data)); err == nil && n != nil {
				return n.GetToken().Position.Line
			}
		}
		cut := strings.LastIndexAny(p, ".[")
		if cut < 0 {
			break
		}
		p = p[:cut]
	}
	return 0
}

func (c *checker) target(path string, t target) share.Target {
	out := share.Target{Slug: t.Slug, Names: share.Names{KK: strings.TrimSpace(t.Name.KK), RU: strings.TrimSpace(t.Name.RU),
		EN: strings.TrimSpace(t.Name.EN)}, Metric: t.Metric, Period: t.Period,
		Basis: share.Names{KK: strings.TrimSpace(t.Basis.KK), RU: strings.TrimSpace(t.Basis.RU), EN: strings.TrimSpace(t.Basis.EN)}}
	switch {
	case t.Slug == "":
		c.fail(path+".slug", "is missing: a target needs a slug of lower-case letters, digits and hyphens, e.g. school-uniforms-50")
	case !slugPattern.MatchString(t.Slug):
		c.fail(path+".slug", "%q is not a slug: use lower-case latin letters, digits and single hyphens, e.g. school-uniforms-50", t.Slug)
	}
	for _, n := range []struct{ lang, v string }{{"kk", out.Names.KK}, {"ru", out.Names.RU}, {"en", out.Names.EN}} {
		switch {
		case n.v == "":
			c.fail(path+".name."+n.lang, "is missing: a target is named in Kazakh, Russian and English (kk, ru, en)")
		case len([]rune(n.v)) > maxName:
			c.fail(path+".name."+n.lang, "is longer than %d characters", maxName)
		}
	}
	if t.Basis.malformed {
		c.fail(path+".basis", "is neither a text nor texts by language ({kk: ..., ru: ..., en: ...})")
	}
	out.Filter = c.scope(path+".scope", t.Scope)
	if out.Metric == "" {
		out.Metric = share.MetricValue
	} else if !slices.Contains(share.Metrics, out.Metric) {
		c.fail(path+".metric", "%q is not one of %s", t.Metric, strings.Join(share.Metrics, ", "))
	}
	if out.Period == "" {
		out.Period = share.PeriodCalendarYear
	}
	out.Schedule = c.schedule(path+".schedule", t.Schedule)
	switch out.Period {
	case share.PeriodCalendarYear:
		if t.EndsOn != "" {
			c.fail(path+".ends_on", "is for period: schedule; a calendar-year target is judged every 31 December")
		}
	case share.PeriodSchedule:
		if t.EndsOn == "" {
			c.fail(path+".ends_on", "is missing: period: schedule is judged once, on the day ends_on gives (YYYY-MM-DD)")
			break
		}
		end, ok := c.date(path+".ends_on", t.EndsOn)
		out.EndsOn = end
		for i, s := range out.Schedule {
			if ok && s.EffectiveFrom.After(end) {
				c.fail(fmt.Sprintf("%s.schedule[%d].from", path, i), "%s is after ends_on %s", s.EffectiveFrom.Format(time.DateOnly), t.EndsOn)
			}
		}
	default:
		c.fail(path+".period", "%q is not calendar_year or schedule", t.Period)
	}
	return out
}

func (c *checker) scope(path string, s scope) share.Filter {
	f := share.Filter{Category: s.Category}
	switch {
	case s.Category == "":
		c.fail(path+".category", "is missing: a target covers one category, one of %s", strings.Join(c.known.Categories, ", "))
	case !slices.Contains(c.known.Categories, s.Category):
		c.fail(path+".category", "%q is not a category: want one of %s", s.Category, strings.Join(c.known.Categories, ", "))
	}
	f.Regions = c.list(path+".regions", s.Regions, func(v string) string {
		if !slices.Contains(c.known.Regions, v) {
			return fmt.Sprintf("%q is not a region: want the two first digits of a KATO code, e.g. 75 for Almaty", v)
		}
		return ""
	})
	f.BuyerTypes = c.list(path+".buyer_types", s.BuyerTypes, func(v string) string {
		if !slices.Contains(share.BuyerTypes, v) {
			return fmt.Sprintf("%q is not one of %s", v, strings.Join(share.BuyerTypes, ", "))
		}
		return ""
	})
	f.Methods = c.list(path+".methods", s.Methods, func(v string) string {
		if strings.TrimSpace(v) == "" {
			return "is empty: give a method as contracts state it (the portal's code, e.g. 2, or the sheet's text)"
		}
		return ""
	})
	return f
}

// list checks each value of a list and refuses duplicates; nil when the list is empty (all).
func (c *checker) list(path string, values []string, check func(string) string) []string {
	var out []string
	for i, v := range values {
		p := fmt.Sprintf("%s[%d]", path, i)
		if reason := check(v); reason != "" {
			c.fail(p, "%s", reason)
			continue
		}
		if slices.Contains(out, v) {
			c.fail(p, "%q is listed twice", v)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (c *checker) schedule(path string, steps []step) []share.Threshold {
	if len(steps) == 0 {
		c.fail(path, "lists no threshold: give at least one step, e.g. - {from: 2025-01-01, threshold: 50}")
		return nil
	}
	out := make([]share.Threshold, 0, len(steps))
	seen := map[time.Time]int{}
	for i, s := range steps {
		p := fmt.Sprintf("%s[%d]", path, i)
		from, ok := c.date(p+".from", s.From)
		if ok {
			if j, dup := seen[from]; dup {
				c.fail(p+".from", "%s is also the date of step %d: each step starts on a day of its own", s.From, j)
			}
			seen[from] = i
		}
		v := strings.TrimSpace(strings.TrimSuffix(string(s.Threshold), "%"))
		var bp int64
		if v == "" {
			c.fail(p+".threshold", "is missing: a percentage from 0 to 100, e.g. 50 or 62.5")
		} else if n, err := money.ParsePercent(v); err != nil {
			c.fail(p+".threshold", "%q is not a percentage from 0 to 100 with at most two decimals, e.g. 62.5", string(s.Threshold))
		} else {
			bp = n
		}
		out = append(out, share.Threshold{EffectiveFrom: from, Value: bp})
	}
	slices.SortStableFunc(out, func(a, b share.Threshold) int { return a.EffectiveFrom.Compare(b.EffectiveFrom) })
	return out
}

func (c *checker) date(path, v string) (time.Time, bool) {
	if v == "" {
		c.fail(path, "is missing: a date in the form YYYY-MM-DD")
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		c.fail(path, "%q is not a date in the form YYYY-MM-DD", v)
		return time.Time{}, false
	}
	return d, true
}

// formatPercent writes bp as the shortest percentage that reads back as bp: 6550 is 65.5, 6000 is 60.
func formatPercent(bp int64) string {
	s := money.FormatMajor(bp)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// ErrEmpty is returned by Marshal for no targets: a file of none would be refused by Parse.
var ErrEmpty = errors.New("targetfile: no targets to write")

// Marshal writes targets in the file's format, so `ules target export` output can be edited and applied.
func Marshal(targets []share.Target) ([]byte, error) {
	if len(targets) == 0 {
		return nil, ErrEmpty
	}
	doc := document{Targets: make([]target, len(targets))}
	for i, t := range targets {
		d := target{Slug: t.Slug, Name: names{KK: t.Names.KK, RU: t.Names.RU, EN: t.Names.EN},
			Basis:  basis{names: names{KK: t.Basis.KK, RU: t.Basis.RU, EN: t.Basis.EN}},
			Scope:  scope{Category: t.Category, Regions: t.Regions, BuyerTypes: t.BuyerTypes, Methods: t.Methods},
			Metric: t.Metric, Period: t.Period}
		if !t.EndsOn.IsZero() {
			d.EndsOn = t.EndsOn.Format(time.DateOnly)
		}
		for _, s := range t.Schedule {
			d.Schedule = append(d.Schedule, step{From: s.EffectiveFrom.Format(time.DateOnly), Threshold: percent(formatPercent(s.Value))})
		}
		doc.Targets[i] = d
	}
	out, err := yaml.MarshalWithOptions(doc, yaml.IndentSequence(true))
	if err != nil {
		return nil, fmt.Errorf("targetfile: %w", err)
	}
	return out, nil
}
