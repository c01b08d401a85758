package locale

import (
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/money"
)

// Percent shows a share with one decimal, the way the language writes it: "39,5 %" in Kazakh and
// Russian (a non-breaking space before the sign), "39.5%" in English.
func Percent(lang string, bp int64) string {
	s := money.FormatPercent(bp)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

// Points shows a difference of two shares in percentage points, with one decimal and without the unit,
// which the caller names in its language: "10,5" in Kazakh and Russian, "10.5" in English.
func Points(lang string, bp int64) string { return Decimal(lang, money.FormatPercent(bp)) }

// Tenge shows whole tenge in groups of three, rounding tiyn half away from zero: "1 234 567 ₸" in Kazakh
// and Russian (non-breaking spaces), "1,234,567 ₸" in English.
func Tenge(lang string, minor int64) string {
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	return money.FormatWhole(minor, sep) + "\u00a0₸"
}

// Number shows a whole number in groups of three: "12 345" in Kazakh and Russian, "12,345" in English.
func Number(lang string, n int64) string {
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	return money.FormatWhole(n*100, sep)
}

// Date shows a day as its readers write it: "31.12.2025" in Kazakh and Russian, "31 Dec 2025" in English
// (the month spelled, since day and month order differ among English readers).
func Date(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// Almaty is the time of the portal and of Ules's users: Kazakhstan keeps UTC+5 all year since March 2024.
// A day, "today" included, and a time of day are theirs, whatever the server's zone.
var Almaty = time.FixedZone("UTC+5", 5*3600)

// Today is the day it is in Almaty at now, as a date (midnight UTC, as dates are kept).
func Today(now time.Time) time.Time {
	n := now.In(Almaty)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// DateTime is Date with the time of day to the minute, in Almaty, and the zone named: "31.12.2025 23:05
// UTC+5".
func DateTime(lang string, t time.Time) string {
	t = t.In(Almaty)
	return Date(lang, t) + " " + t.Format("15:04") + " UTC+5"
}

// Month shows a month as a chart's axis labels it: "07.2026" in Kazakh and Russian, "Jul 2026" in English.
func Month(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("Jan 2006")
	}
	return t.Format("01.2006")
}

// Decimal writes a plain decimal ("1234.5") with the language's decimal mark: a comma in Kazakh and
// Russian.
func Decimal(lang, s string) string {
	if lang == "en" {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// Quantity shows a plain decimal quantity ("1234567.5", as the database writes numeric) in groups of three
// with the language's decimal mark: "1 234 567,5" in Kazakh and Russian, "1,234,567.5" in English. Anything
// else is shown as it is.
func Quantity(lang, s string) string {
	sign, digits := "", s
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return s
	}
	sep, mark := "\u00a0", ","
	if lang == "en" {
		sep, mark = ",", "."
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString(mark)
		b.WriteString(frac)
	}
	return b.String()
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
