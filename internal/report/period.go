package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Period is the signing dates a report covers, both ends inclusive, as the user wrote them.
type Period struct {
	Spec     string // "2026-Q3", "2026", "2026-01-01..2026-06-30"
	From, To time.Time
}

var (
	yearSpec    = regexp.MustCompile(`^(\d{4})$`)
	quarterSpec = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	monthSpec   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// periodHelp says what a period may look like; every parse error ends with it.
const periodHelp = "want a year (2026), a quarter (2026-Q3), a month (2026-07) or days FROM..TO (2026-01-01..2026-06-30)"

// PeriodError is a period that cannot be read; its Words say why after the word "period".
type PeriodError struct{ Words }

func (e *PeriodError) Error() string { return "period " + e.String() }

// The reasons a period cannot be read.
const (
	periodYearOutside = "%q: the year %d is outside 1990..2100"
	periodEmpty       = "is empty: " + periodHelp
	periodNoMonth     = "%q: there is no month %d; " + periodHelp
	periodNotADate    = "%q: %q is not a date YYYY-MM-DD; " + periodHelp
	periodEndsBefore  = "%q ends before it starts"
	periodUnreadable  = "%q: " + periodHelp
)

// PeriodFormats are every PeriodError's Format.
var PeriodFormats = []string{periodYearOutside, periodEmpty, periodNoMonth, periodNotADate, periodEndsBefore, periodUnreadable}

func periodError(format string, args ...any) error { return &PeriodError{Words{format, args}} }

// ParsePeriod reads a period: a year, a quarter, a month or an inclusive range of days.
func ParsePeriod(spec string) (Period, error) {
	s := strings.TrimSpace(spec)
	p := Period{Spec: s}
	year := func(text string) (int, error) {
		y, _ := strconv.Atoi(text)
		if y < 1990 || y > 2100 {
			return 0, periodError(periodYearOutside, spec, y)
		}
		return y, nil
	}
	switch {
	case s == "":
		return Period{}, periodError(periodEmpty)
	case yearSpec.MatchString(s):
		y, err := year(s)
		if err != nil {
			return Period{}, err
		}
		p.From = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		p.To = p.From.AddDate(1, 0, -1)
	case quarterSpec.MatchString(s):
		m := quarterSpec.FindStringSubmatch(s)
		y, err := year(m[1])
		if err != nil {
			return Period{}, err
		}
		q, _ := strconv.Atoi(m[2])
		p.From = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		p.To = p.From.AddDate(0, 3, -1)
		p.Spec = fmt.Sprintf("%d-Q%d", y, q)
	case monthSpec.MatchString(s):
		m := monthSpec.FindStringSubmatch(s)
		y, err := year(m[1])
		if err != nil {
			return Period{}, err
		}
		month, _ := strconv.Atoi(m[2])
		if month < 1 || month > 12 {
			return Period{}, periodError(periodNoMonth, spec, month)
		}
		p.From = time.Date(y, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		p.To = p.From.AddDate(0, 1, -1)
	case strings.Contains(s, ".."):
		a, b, _ := strings.Cut(s, "..")
		from, err := time.Parse(time.DateOnly, strings.TrimSpace(a))
		if err != nil {
			return Period{}, periodError(periodNotADate, spec, a)
		}
		to, err := time.Parse(time.DateOnly, strings.TrimSpace(b))
		if err != nil {
			return Period{}, periodError(periodNotADate, spec, b)
		}
		if to.Before(from) {
			return Period{}, periodError(periodEndsBefore, spec)
		}
		if _, err := year(strconv.Itoa(from.Year())); err != nil {
			return Period{}, err
		}
		if _, err := year(strconv.Itoa(to.Year())); err != nil {
			return Period{}, err
		}
		p.From, p.To = from, to
	default:
		return Period{}, periodError(periodUnreadable, spec)
	}
	return p, nil
}
