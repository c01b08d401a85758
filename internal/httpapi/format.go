package httpapi

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/money"
)

// percent turns basis points into the API's percentage number, rounded to 0.01.
func percent(bp int64) float64 { return float64(bp) / 100 }

// formatPercent, formatTenge, formatDate and formatDateTime write figures the way the page's language
// does; internal/locale holds the rules, which the reports share.
func formatPercent(lang string, bp int64) string { return locale.Percent(lang, bp) }

func formatPoints(lang string, bp int64) string { return locale.Points(lang, bp) }

func formatTenge(lang string, minor int64) string { return locale.Tenge(lang, minor) }

// unitCode tells a unit of measure given as its code (the portal's, e.g. 839 for a set) from one given
// as a word: a code shown after a quantity read as more of its digits.
func unitCode(unit string) bool {
	return unit != "" && strings.Trim(unit, "0123456789") == ""
}

// formatCount shows a count of items, contracts or rows in groups of three; the templates hold counts of
// several integer types.
func formatCount(lang string, n any) (string, error) {
	switch n := n.(type) {
	case int:
		return locale.Number(lang, int64(n)), nil
	case int32:
		return locale.Number(lang, int64(n)), nil
	case int64:
		return locale.Number(lang, n), nil
	}
	return "", fmt.Errorf("httpapi: num: %T is not a count", n)
}

func formatDate(lang string, t time.Time) string { return locale.Date(lang, t) }

func formatDateTime(lang string, t time.Time) string { return locale.DateTime(lang, t) }

// barWidth is a CSS width in percent for a share, capped at 100.
func barWidth(bp int64) string {
	if bp > 10000 {
		bp = 10000
	}
	if bp < 0 {
		bp = 0
	}
	return money.FormatPercent(bp)
}

// sourceNames shows an import's inputs by their file or folder names: the server's paths (a user's folders,
// /tmp) are nobody's business. Several inputs are recorded separated by ", ".
func sourceNames(source string) string {
	parts := strings.Split(source, ", ")
	for i, p := range parts {
		parts[i] = filepath.Base(filepath.Clean(p))
	}
	return strings.Join(parts, ", ")
}
