package share

import (
	"math"
	"math/big"
	"time"

	"github.com/ules-kz/ules/internal/money"
)

// Status is the verdict of Assess on a target.
type Status string

// The statuses of a target, in order from best to worst, then the two that are no verdict: no purchase in
// scope so far (no_data), and no threshold in force yet (not_started).
const (
	StatusMet        Status = "met"
	StatusOnTrack    Status = "on_track"
	StatusAtRisk     Status = "at_risk"
	StatusOffTrack   Status = "off_track"
	StatusNoData     Status = "no_data"
	StatusNotStarted Status = "not_started"
)

// Verdict reports whether the status judges the share against a threshold (met … off_track).
func (s Status) Verdict() bool { return s != StatusNoData && s != StatusNotStarted }

// atRiskMargin is how far (bp) a projection may fall short of the threshold
// and still count as at risk rather than off track: 5 percentage points.
const atRiskMargin = 500

// Threshold is one step of a target's schedule: from EffectiveFrom the share
// must be at least Value bp.
type Threshold struct {
	EffectiveFrom time.Time
	Value         int64
}

// NextThreshold returns the first step that comes into force after d; ok is false if there is none.
func NextThreshold(schedule []Threshold, d time.Time) (step Threshold, ok bool) {
	for _, s := range schedule {
		if s.EffectiveFrom.After(d) && (!ok || s.EffectiveFrom.Before(step.EffectiveFrom)) {
			step, ok = s, true
		}
	}
	return step, ok
}

// ThresholdAt returns the step in force on date d, the one with the latest
// EffectiveFrom not after d; ok is false if none is in force yet. The
// schedule need not be sorted; of steps with equal dates the later one in
// the slice wins, so corrections can be appended.
func ThresholdAt(schedule []Threshold, d time.Time) (step Threshold, ok bool) {
	for _, s := range schedule {
		if s.EffectiveFrom.After(d) {
			continue
		}
		if !ok || !s.EffectiveFrom.Before(step.EffectiveFrom) {
			step, ok = s, true
		}
	}
	return step, ok
}

// MonthFigures are the figures of one calendar month (Month = first day of
// month, UTC).
type MonthFigures struct {
	Month time.Time
	Figures
}

// CalendarYear returns [1 Jan of asOf's year, asOf] in asOf's location,
// because targets are measured per calendar year.
func CalendarYear(asOf time.Time) (from, to time.Time) {
	return time.Date(asOf.Year(), time.January, 1, 0, 0, 0, 0, asOf.Location()), asOf
}

// Basis says what a projection was estimated from.
type Basis string

// The bases of a projection: none when nothing was projected (the target is met, or no month is left).
const (
	BasisNone     Basis = ""
	BasisTrend    Basis = "trend"    // the months left buy the trailing months' mean, at the trend line's share
	BasisSeasonal Basis = "seasonal" // the months left buy what the same months of earlier years bought, as they did
)

// seasonYears is how many earlier years a seasonal projection looks back to.
const seasonYears = 3

// Assessment is the state of one target as of a date.
type Assessment struct {
	Value     int64 // bp, year-to-date domestic share
	Threshold int64 // bp, the target
	GapPoints int64 // bp, max(0, Threshold − Value)
	Projected int64 // bp, expected share at the deadline
	GapAmount int64 // tiyn, domestic spending missing to reach Threshold so far

	Status     Status
	MonthsLeft int   // whole calendar months after asOf's month up to the deadline's
	Basis      Basis // what Projected was estimated from
}

// Assess computes the status of a target of threshold bp and projects the
// share to the end of the measurement period.
//
// ytd are the figures from the period start to asOf; monthly are per-month
// figures of the trailing months up to and including asOf's month (up to
// 12, months with Total 0 allowed); deadline is the end of the period
// (31 Dec of asOf's year). The algorithm:
//
//  1. Value = ytd.DomesticShare(). If the exact share reaches threshold the
//     status is met and Projected = Value.
//  2. Trend: a least-squares line through (month, monthly DomesticShare)
//     over the months with Total > 0, months counted relative to asOf's
//     month (asOf's month is 0, so gaps in monthly are handled; later months
//     are ignored). With fewer than 2 such months the line is flat at Value.
//  3. MonthsLeft = whole calendar months after asOf's month up to the
//     deadline's month (asOf in Nov, deadline 31 Dec: 1; asOf in Dec: 0).
//     The days of asOf's month after asOf, up to the deadline, are left too.
//  4. Each remaining month m = 1..MonthsLeft gets an estimated total, the
//     mean Total of the trailing months from the first with purchases on
//     (months without any after it count as 0), and an
//     estimated share, the line at m rounded and clamped to [0, 10000].
//     The rest of asOf's month (m = 0) gets the same estimate, in
//     proportion to its days left: as of 1 Dec, 30/31 of a month; a deadline
//     inside a later month (a schedule ending on 15 June) keeps that month's
//     days up to it: 15/30 of June.
//     Projected = (ytd.Domestic + Σ total×share/10000, each month to the tiyn) / (ytd.Total + Σ total)
//     in bp, computed exactly; with nothing left it equals Value.
//  5. Projected >= threshold is on track; within 5 points below (>=
//     threshold − 500) at risk; otherwise off track.
//
// With no purchase in scope (ytd.Total 0) there is no share to judge: the status is no_data and every
// figure 0, never "0.0 %, off track".
//
// GapPoints and GapAmount are computed from ytd alone (see GapPoints and
// GapAmount); they report the current shortfall, not the projected one.
// GapAmount is exact while Value is rounded to whole bp, so a share a hair short
// shows the threshold's value, is not met, and has a GapAmount of a few tiyn.
func Assess(threshold int64, ytd Figures, monthly []MonthFigures, asOf, deadline time.Time) Assessment {
	a, _ := assess(threshold, ytd, monthly, nil, asOf, deadline)
	return a
}

// AssessSeasonal is Assess for purchases that follow the calendar (school uniforms are bought in summer):
// history holds the monthly figures of up to three years before asOf, keyed "2006-01". When each month left,
// and asOf's own when days of it are left, has a counterpart there (the same month one, two or three years earlier, not before the first month with
// purchases in history), a month left is estimated to buy what its counterparts bought on average, total
// and domestic alike (a seasonal naive forecast), instead of the trailing months' mean at the trend line's
// share. Without counterparts for every month left it is Assess. The estimated whole months are returned
// too, for charts; the rest of asOf's month is in Projected only.
func AssessSeasonal(threshold int64, ytd Figures, monthly []MonthFigures, history map[string]Figures, asOf, deadline time.Time) (Assessment, []MonthFigures) {
	if history == nil {
		history = map[string]Figures{}
	}
	return assess(threshold, ytd, monthly, history, asOf, deadline)
}

func assess(threshold int64, ytd Figures, monthly []MonthFigures, history map[string]Figures, asOf, deadline time.Time) (Assessment, []MonthFigures) {
	a := Assessment{
		Value:      ytd.DomesticShare(),
		Threshold:  threshold,
		GapAmount:  GapAmount(ytd.Total, ytd.Domestic, threshold),
		MonthsLeft: max(0, monthIndex(deadline)-monthIndex(asOf)),
	}
	if ytd.Total <= 0 {
		a.Value, a.GapAmount, a.Status = 0, 0, StatusNoData
		return a, nil
	}
	a.GapPoints = GapPoints(a.Value, threshold)
	if reaches(ytd, threshold) {
		a.Status, a.Projected = StatusMet, a.Value
		return a, nil
	}

	var outlook []MonthFigures
	a.Projected, a.Basis, outlook = project(a.Value, ytd, monthly, history, monthIndex(asOf), a.MonthsLeft,
		restOfMonth(asOf, deadline), deadlinesMonth(deadline))
	switch {
	case a.Projected >= threshold:
		a.Status = StatusOnTrack
	case a.Projected >= threshold-atRiskMargin:
		a.Status = StatusAtRisk
	default:
		a.Status = StatusOffTrack
	}
	return a, outlook
}

// monthPart is a part of a month: days of its of.
type monthPart struct{ days, of int64 }

// restOfMonth is the part of asOf's month left after asOf, up to the deadline.
func restOfMonth(asOf, deadline time.Time) monthPart {
	last := lastOfMonth(asOf)
	end := last
	if deadline.Before(end) {
		end = deadline
	}
	days := int64(end.Sub(asOf).Hours() / 24)
	return monthPart{days: max(days, 0), of: int64(last.Day())}
}

// deadlinesMonth is the part of the deadline's month up to the deadline: a schedule may end on the 15th.
func deadlinesMonth(deadline time.Time) monthPart {
	return monthPart{days: int64(deadline.Day()), of: int64(lastOfMonth(deadline).Day())}
}

// lastOfMonth is the last day of t's month.
func lastOfMonth(t time.Time) time.Time { return monthStart(monthIndex(t)+1).AddDate(0, 0, -1) }

// scaled is f scaled to the part.
func (p monthPart) scaled(f Figures) Figures {
	scale := func(v int64) int64 {
		return money.Quotient(new(big.Int).Mul(big.NewInt(v), big.NewInt(p.days)), big.NewInt(p.of))
	}
	return Figures{Total: scale(f.Total), Domestic: scale(f.Domestic)}
}

// reaches tells whether f's share reaches threshold bp exactly: a share a hair short rounds to the
// threshold's basis points, and is still short (its GapAmount says by how much).
func reaches(f Figures, threshold int64) bool {
	d := new(big.Int).Mul(big.NewInt(f.Domestic), big.NewInt(money.BasisPointsPerUnit))
	return d.Cmp(new(big.Int).Mul(big.NewInt(threshold), big.NewInt(f.Total))) >= 0
}

// project implements steps 2 and 4 of Assess, and AssessSeasonal's estimate of the months left.
func project(value int64, ytd Figures, monthly []MonthFigures, history map[string]Figures, now, monthsLeft int,
	rest, last monthPart) (int64, Basis, []MonthFigures) {
	var xs, ys []float64
	sum := new(big.Int)
	start, first := now, firstPurchase(history)
	for _, m := range monthly {
		i := monthIndex(m.Month.UTC())
		x := i - now
		if x > 0 {
			continue
		}
		start = min(start, i)
		if m.Total <= 0 {
			continue
		}
		first = min(first, i)
		xs = append(xs, float64(x))
		ys = append(ys, float64(m.DomesticShare()))
		sum.Add(sum, big.NewInt(m.Total))
	}
	if (monthsLeft == 0 && rest.days == 0) || len(xs) == 0 {
		return value, BasisNone, nil // nothing is added to ytd
	}
	// The mean month of the trailing window, from its first month with purchases on: a month without any
	// after it bought nothing, while the months before data begins say nothing. A mean of int64 values that
	// are not negative is an int64.
	months := now - max(start, first) + 1
	trendTotal := money.Quotient(sum, big.NewInt(int64(months)))
	line := fitLine(xs, ys, float64(value))
	// estimates[0] is all of asOf's month, of which rest is left; the outlook is the whole months after.
	estimates, basis := seasonal(history, now, monthsLeft, rest.days > 0), BasisSeasonal
	if estimates == nil {
		estimates, basis = make([]MonthFigures, monthsLeft+1), BasisTrend
		for m := range monthsLeft + 1 {
			est := int64(min(max(math.Round(line(float64(m))), 0), money.BasisPointsPerUnit))
			estimates[m] = MonthFigures{Month: monthStart(now + m), Figures: Figures{Total: trendTotal, Domestic: money.ApplyBasisPoints(trendTotal, est)}}
		}
	}
	outlook := estimates[1:]
	if n := len(outlook); n > 0 && last.days < last.of {
		outlook[n-1].Figures = last.scaled(outlook[n-1].Figures) // only its days up to the deadline count
	}
	part := rest.scaled(estimates[0].Figures)
	total, domestic := new(big.Int).SetInt64(ytd.Total+part.Total), new(big.Int).SetInt64(ytd.Domestic+part.Domestic)
	for _, m := range outlook {
		total.Add(total, big.NewInt(m.Total))
		domestic.Add(domestic, big.NewInt(m.Domestic))
	}
	if total.Sign() <= 0 {
		return value, basis, outlook // only with inconsistent negative ytd totals
	}
	return money.Quotient(domestic.Mul(domestic, big.NewInt(money.BasisPointsPerUnit)), total), basis, outlook
}

// seasonal estimates month now, when current, and each of the monthsLeft months after it as the mean of the
// same months of up to seasonYears earlier years in history; nil when history cannot speak for every one of
// them. The first estimate is month now's (zero when not current).
func seasonal(history map[string]Figures, now, monthsLeft int, current bool) []MonthFigures {
	first := firstPurchase(history)
	out := make([]MonthFigures, monthsLeft+1)
	out[0].Month = monthStart(now)
	first0 := 1
	if current {
		first0 = 0
	}
	for m := first0; m <= monthsLeft; m++ {
		total, domestic, n := new(big.Int), new(big.Int), int64(0)
		for y := 1; y <= seasonYears; y++ {
			c := now + m - 12*y
			if c >= now || c < first {
				continue
			}
			f := history[monthStart(c).Format(MonthKey)]
			total.Add(total, big.NewInt(f.Total))
			domestic.Add(domestic, big.NewInt(f.Domestic))
			n++
		}
		if n == 0 {
			return nil
		}
		out[m] = MonthFigures{Month: monthStart(now + m),
			Figures: Figures{Total: money.Quotient(total, big.NewInt(n)), Domestic: money.Quotient(domestic, big.NewInt(n))}}
	}
	return out
}

// firstPurchase is the index of history's first month with purchases, math.MaxInt without one.
func firstPurchase(history map[string]Figures) int {
	first := math.MaxInt
	for key, f := range history {
		if t, err := time.Parse(MonthKey, key); err == nil && f.Total > 0 {
			first = min(first, monthIndex(t))
		}
	}
	return first
}

// fitLine returns the least-squares line through (xs, ys). It is flat at
// level when there are fewer than 2 points and flat at the mean when all
// points share one x. float64 is fine here: the slope is a statistic and
// is rounded back to whole basis points before touching money.
func fitLine(xs, ys []float64, level float64) func(x float64) float64 {
	if len(xs) < 2 {
		return func(float64) float64 { return level }
	}
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	slope := 0.0
	if sxx > 0 {
		slope = sxy / sxx
	}
	return func(x float64) float64 { return my + slope*(x-mx) }
}

// monthIndex numbers calendar months consecutively across years.
func monthIndex(t time.Time) int {
	return t.Year()*12 + int(t.Month()) - 1
}

// monthStart is the first day (UTC) of the month monthIndex numbers i.
func monthStart(i int) time.Time {
	return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC)
}
