package httpapi

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/money"
)

// percent turns basis points into the API's percentage number, rounded to 0.01.
func percent(bp int64) float64 { return float64(bp) / 100 }

// formatPercent shows a share with one decimal, as every page does, the way the page's language writes it:
// "39,5 %" in Kazakh and Russian, "39.5%" in English.
func formatPercent(lang string, bp int64) string {
	s := money.FormatPercent(bp)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

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

// formatTenge shows whole tenge in groups of three, rounding tiyn half away from zero: "1 234 567 ₸" in
// Kazakh and Russian (non-breaking spaces), "1,234,567 ₸" in English.
func formatTenge(lang string, minor int64) string {
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	return money.FormatWhole(minor, sep) + "\u00a0₸"
}

// formatDate shows a day as its readers write it: "31.12.2025" in Kazakh and Russian, "31 Dec 2025" in
// English (the month spelled, since day and month order differ among English readers).
func formatDate(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// formatDateTime is formatDate with the time of day to the minute.
func formatDateTime(lang string, t time.Time) string {
	return formatDate(lang, t) + " " + t.Format("15:04")
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
