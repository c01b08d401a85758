package httpapi

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/report"
)

// downloadTargetReport answers GET /reports/targets/{slug}?period=&region=&as_of=&format=&lang=&separator=
// &decimal_comma=: the target's report over the period (the as_of's year by default), its figures run to
// the period's end or to as_of (today by default), the earlier, as an XLSX, PDF or CSV file.
func (s *Server) downloadTargetReport(c fiber.Ctx) error {
	slug := c.Params("slug")
	if !slugPattern.MatchString(slug) {
		return badParam("slug", "%q is not a target slug", slug)
	}
	o, err := reportOptionsParams(c)
	if err != nil {
		return err
	}
	asOf, err := s.asOfParam(c)
	if err != nil {
		return err
	}
	spec := c.Query("period")
	if spec == "" {
		spec = strconv.Itoa(asOf.Year())
	}
	p, err := report.ParsePeriod(spec)
	if err != nil {
		return periodParamError("period", err)
	}
	if err := boundReportPeriod("period", p); err != nil {
		return err
	}
	region := c.Query("region")
	if region != "" && !regionPattern.MatchString(region) {
		return badParam("region", "%q is not a region code: want the two first digits of a KATO code, e.g. 75", region)
	}
	req := report.Request{Target: slug, Period: p, Region: region, Lang: o.lang, Today: asOf}
	name := "ules-report-" + slug + "-" + strings.ReplaceAll(p.Spec, "..", "_")
	if region != "" {
		name += "-" + region
	}
	return s.sendReport(c, req, o, name, "period")
}
