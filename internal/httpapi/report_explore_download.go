package httpapi

import (
	"cmp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/report"
)

// downloadExploreReport answers GET /reports/explore with the explorer's filter (category, from, to,
// region, buyer_type, method, tier, buyer, supplier) and format, lang, separator and decimal_comma: the
// filter's report over from..to as an XLSX, PDF or CSV file. Without a target it has no threshold, gap
// or status.
func (s *Server) downloadExploreReport(c fiber.Ctx) error {
	o, err := reportOptionsParams(c)
	if err != nil {
		return err
	}
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return err
	}
	p, err := report.ParsePeriod(scope.From.Format(time.DateOnly) + ".." + scope.To.Format(time.DateOnly))
	if err != nil {
		return periodParamError("from", err)
	}
	if err := boundReportPeriod("from", p); err != nil {
		return err
	}
	req := report.Request{Filter: scope.Filter, Period: p, Lang: o.lang, Today: s.today()}
	category := cmp.Or(scope.Category, "all")
	if scope.Unclassified {
		category = "unclassified"
	}
	name := "ules-report-" + category + "-" + strings.ReplaceAll(p.Spec, "..", "_")
	return s.sendReport(c, req, o, name, "")
}
