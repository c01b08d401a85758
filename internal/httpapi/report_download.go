package httpapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/report"
)

// reportTypes are the media types of report.Formats.
var reportTypes = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pdf":  "application/pdf",
	"csv":  "text/csv; charset=utf-8",
}

const (
	// maxReportYears bounds a report's period: its trend has a row per month and every query scans it.
	maxReportYears = 5
	// reportsAtOnce is how many reports the server reads from the database at a time; a request waits
	// up to reportWait for its turn, then is told to come back.
	reportsAtOnce = 4
	reportWait    = 10 * time.Second
	// reportTimeout bounds reading one report's figures.
	reportTimeout = 2 * time.Minute
)

// errReportsBusy is a report request that found every slot taken for reportWait: 503.
var errReportsBusy = errors.New("httpapi: every report slot is busy")

// reportOptions are how a report is written: its format, language and CSV dialect.
type reportOptions struct {
	format, lang string
	csv          report.CSVOptions
}

// reportOptionsParams reads format (xlsx by default), lang (the request's language by default),
// separator ("," by default) and decimal_comma (on with ";" by default).
func reportOptionsParams(c fiber.Ctx) (reportOptions, error) {
	o := reportOptions{format: "xlsx", lang: language(c)}
	if v, err := enumParam(c, "format", report.Formats); err != nil {
		return o, err
	} else if v != "" {
		o.format = v
	}
	if v := c.Query("lang"); v != "" {
		if !known(v) {
			return o, badParam("lang", "%q is not one of %s", v, strings.Join(languages, ", "))
		}
		o.lang = v
	}
	switch sep := c.Query("separator"); sep {
	case "", ",":
		o.csv.Separator = ','
	case ";":
		o.csv.Separator = ';'
	default:
		return o, badParam("separator", "%q is not , or ; (Excel in Russian and Kazakh expects ;)", sep)
	}
	o.csv.DecimalComma = o.csv.Separator == ';'
	decimal, err := boolParam(c, "decimal_comma")
	if err != nil {
		return o, err
	}
	if decimal != nil {
		o.csv.DecimalComma = *decimal
	}
	if o.csv.DecimalComma && o.csv.Separator == ',' {
		return o, badParam("decimal_comma", "needs separator=; : a comma cannot both split fields and numbers")
	}
	return o, nil
}

// boundReportPeriod refuses a period longer than maxReportYears, naming param.
func boundReportPeriod(param string, p report.Period) error {
	if tooLongForAReport(p.From, p.To) {
		return badParam(param, "%s is longer than %d years: ask for a shorter period", p.Spec, maxReportYears)
	}
	return nil
}

// tooLongForAReport is a period from from to to that no report covers: longer than maxReportYears.
func tooLongForAReport(from, to time.Time) bool { return to.After(from.AddDate(maxReportYears, 0, -1)) }

// unsafeInName is what a download's file name may not hold.
var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// sendReport reads the report req asks for and streams it in o's format as a file named after name.
// Every error that can be told (a bad argument, a period without purchases, busy) comes before the first
// byte; writing fails only when the client goes away.
func (s *Server) sendReport(c fiber.Ctx, req report.Request, o reportOptions, name, periodParam string) error {
	wait := time.NewTimer(s.reportWait)
	defer wait.Stop()
	select {
	case s.reportSlots <- struct{}{}:
	case <-wait.C:
		c.Set(fiber.HeaderRetryAfter, "30")
		return errReportsBusy
	}
	ctx, cancel := context.WithTimeout(c.Context(), reportTimeout)
	r, err := report.Build(ctx, s.db, s.store, s.catalog.Catalog, req, nil)
	cancel()
	<-s.reportSlots
	if err != nil {
		return reportError(err, periodParam)
	}
	file := unsafeInName.ReplaceAllString(name, "_") + "-" + o.lang + "." + o.format
	c.Set(fiber.HeaderContentType, reportTypes[o.format])
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log := s.log
	return c.SendStreamWriter(func(w *bufio.Writer) {
		err := r.Write(w, o.format, o.csv)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Error("report download cut short", "file", file, "err", err)
		}
	})
}

// periodParamError names param as the period report.ParsePeriod could not read, in words a page translates.
func periodParamError(param string, err error) error {
	var pe *report.PeriodError
	if errors.As(err, &pe) {
		return badParam(param, pe.Format, pe.Args...)
	}
	return badParam(param, "%s", strings.TrimPrefix(err.Error(), "period "))
}

// reportError turns the report's errors into answers: an unknown target is 404, an argument the store
// does not have 400 naming it, a scope without purchases 422 (naming periodParam, when there is one).
func reportError(err error, periodParam string) error {
	var ae *report.ArgumentError
	switch {
	case errors.As(err, &ae) && ae.Argument == "target":
		return fiber.ErrNotFound
	case errors.As(err, &ae):
		return badParam(ae.Argument, ae.Format, ae.Args...)
	case errors.Is(err, report.ErrNoData):
		pe := &paramError{Param: periodParam, Reason: strings.TrimPrefix(err.Error(), "report: "), Status: fiber.StatusUnprocessableEntity}
		var nd *report.NoDataError
		if errors.As(err, &nd) {
			pe.format, pe.args = nd.Format, nd.Args
		}
		return pe
	}
	return fmt.Errorf("httpapi: %w", err)
}

// reportMenu is the "Download report" menu of a page: links for the common case and a form for the rest.
type reportMenu struct {
	T      func(string) string
	Lang   string
	Action string     // the route the form submits to
	Hidden url.Values // the page's scope, kept by the form
	Period string     // the form's period ("" where the scope carries it: the explorer's from and to)
	// Periods suggest a period: the year, its quarters and months so far, the year before.
	Periods   []string
	Regions   []reportRegion // the regions a target's report may narrow to; none for the explorer
	Links     []reportLink
	Languages []reportChoice
	Formats   []reportChoice
	// Separators offer "," and ";" for CSV, the one Excel expects in the page's language chosen.
	Separators []reportChoice
	// TooLong is a scope whose period no report covers (maxReportYears): the menu says so instead.
	TooLong bool
}

type reportRegion struct{ Code, Name string }

type reportLink struct{ Format, Label, URL string }

type reportChoice struct {
	Value, Label string
	Selected     bool
}

// languageNames are the languages as their speakers write them: a menu that lists them is read by
// someone who may not read the page's language.
var languageNames = map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}

var formatNames = map[string]string{"xlsx": "XLSX (Excel)", "pdf": "PDF", "csv": "CSV"}

// newReportMenu builds a menu whose links and form download from action with the scope in query and
// the page's language; CSV in Kazakh and Russian uses the separator their Excel expects.
func newReportMenu(T func(string) string, lang, action string, query url.Values) reportMenu {
	m := reportMenu{T: T, Lang: lang, Action: action, Hidden: query}
	separator := ","
	if lang != "en" {
		separator = ";"
	}
	for _, f := range report.Formats {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("format", f)
		q.Set("lang", lang)
		if f == "csv" {
			q.Set("separator", separator)
		}
		m.Links = append(m.Links, reportLink{Format: f, Label: formatNames[f], URL: action + "?" + q.Encode()})
		m.Formats = append(m.Formats, reportChoice{Value: f, Label: formatNames[f], Selected: f == "xlsx"})
	}
	for _, l := range languages {
		m.Languages = append(m.Languages, reportChoice{Value: l, Label: languageNames[l], Selected: l == lang})
	}
	m.Separators = []reportChoice{{Value: ",", Label: T("Separator comma"), Selected: separator == ","},
		{Value: ";", Label: T("Separator semicolon"), Selected: separator == ";"}}
	return m
}

// suggestedPeriods are the periods a target's menu suggests as of asOf: its year, the quarters and months
// begun, and the year before.
func suggestedPeriods(asOf time.Time) []string {
	y := asOf.Year()
	out := []string{fmt.Sprint(y)}
	for q := 1; q <= (int(asOf.Month())+2)/3; q++ {
		out = append(out, fmt.Sprintf("%d-Q%d", y, q))
	}
	for m := 1; m <= int(asOf.Month()); m++ {
		out = append(out, fmt.Sprintf("%d-%02d", y, m))
	}
	return append(out, fmt.Sprint(y-1))
}
