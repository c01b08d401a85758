package share

import "time"

// The metrics a target may measure.
const (
	MetricValue        = "domestic_share_value" // domestic producers' share of the value
	MetricCount        = "domestic_share_count" // domestic producers' share of the items
	MetricLocalContent = "local_content_share"  // local content's share of the value
)

// Metrics lists the metrics in the order users meet them.
var Metrics = []string{MetricValue, MetricCount, MetricLocalContent}

// The measurement periods of a target.
const (
	PeriodCalendarYear = "calendar_year" // each calendar year is judged on 31 December
	PeriodSchedule     = "schedule"      // the whole span from the first step to EndsOn is judged once
)

// Target is a policy target: what it covers, what it measures and its threshold schedule.
type Target struct {
	ID    int32
	Slug  string
	Names Names
	Basis Names // where the target comes from: a programme, an order, a meeting; any language may be empty
	Filter
	Metric   string
	Period   string
	EndsOn   time.Time // the last day of a PeriodSchedule target; zero for a calendar year
	Schedule []Threshold
}

// Window returns the measurement period of t that asOf falls in: its first day, the day figures run to
// (asOf, or the period's end once it is over) and the deadline the share is judged at. A schedule's span
// starts with its first step.
func (t Target) Window(asOf time.Time) (from, to, deadline time.Time) {
	if t.Period != PeriodSchedule {
		from, to = CalendarYear(asOf)
		return from, to, Deadline(asOf)
	}
	for i, s := range t.Schedule {
		if i == 0 || s.EffectiveFrom.Before(from) {
			from = s.EffectiveFrom
		}
	}
	to = asOf
	if t.EndsOn.Before(asOf) {
		to = t.EndsOn
	}
	return from, to, t.EndsOn
}

// HistoryFrom is the first month whose figures Measure can use for t as of asOf: the trailing months, the
// period, and the same months of earlier years for a seasonal projection.
func (t Target) HistoryFrom(asOf time.Time) time.Time {
	from, _, _ := t.Window(asOf)
	first := TrailingMonths(asOf)[0].AddDate(-seasonYears+1, 0, 0)
	if from.Before(first) {
		first = from
	}
	return MonthOf(first)
}

// MonthKey is the layout of a month's key among the figures grouped by month ("2026-07").
const MonthKey = "2006-01"

// MonthOf is the first day of d's month, in UTC as every date of the figures is.
func MonthOf(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC) }

// Progress is a target's state as of a date. Before its first threshold comes into force the target is
// not_started: InForce is false, Next says when it starts, and the figures are those of the period so far.
type Progress struct {
	Target    Target
	AsOf      time.Time
	From, To  time.Time
	Deadline  time.Time
	Figures   Figures // the period so far
	Threshold Threshold
	InForce   bool
	Next      *Threshold // the next step of the schedule, if any
	Assessment
	Monthly []MonthFigures // trailing twelve months up to AsOf, oldest first
	Outlook []MonthFigures // the months up to the deadline as the projection estimated them, in metric terms
}

// StatusNotMet is how pages and reports say a verdict whose deadline has come without the threshold met:
// the projection is the value by then, and "off track" or "at risk" would speak of a future that is over.
// The API keeps its statuses.
const StatusNotMet Status = "not_met"

// Shown is the status as pages and reports say it: StatusNotMet for at risk or off track on or after the
// deadline.
func (p Progress) Shown() Status {
	if (p.Status == StatusAtRisk || p.Status == StatusOffTrack) && !p.AsOf.Before(p.Deadline) {
		return StatusNotMet
	}
	return p.Status
}

// MetricFigures maps figures onto the target's metric, so Assess can treat every metric as a share of
// "domestic" in "total".
func MetricFigures(metric string, f Figures) Figures {
	switch metric {
	case MetricCount:
		return Figures{Total: f.Items, Domestic: f.DomesticItems}
	case MetricLocalContent:
		return Figures{Total: f.Total, Domestic: f.LocalContent}
	}
	return f
}

// GapInTenge is the tenge that had to go to domestic producers (or be local content) for f to reach
// threshold by metric; items have no tenge of their own, so for a count it is their value.
func GapInTenge(metric string, f Figures, threshold int64) int64 {
	inTenge := MetricFigures(metric, f)
	if metric == MetricCount {
		inTenge = f
	}
	return GapAmount(inTenge.Total, inTenge.Domestic, threshold)
}

// TrailingMonths returns the first days of the twelve months that end with asOf's month, oldest first: the
// window of a target's monthly trend and of its projection.
func TrailingMonths(asOf time.Time) []time.Time {
	first := MonthOf(asOf).AddDate(0, -11, 0)
	months := make([]time.Time, 12)
	for i := range months {
		months[i] = first.AddDate(0, i, 0)
	}
	return months
}

// Deadline is the day a target's yearly figure is judged: 31 December of asOf's year.
func Deadline(asOf time.Time) time.Time {
	return time.Date(asOf.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
}

// Measure assesses target t as of asOf from the figures of its period so far (over t.Window(asOf)) and
// the monthly figures from t.HistoryFrom(asOf) to asOf, keyed "2006-01" (a month without purchases may be
// absent). The threshold judged is the one in force on asOf; the projection runs to the window's deadline.
func Measure(t Target, asOf time.Time, period Figures, byMonth map[string]Figures) Progress {
	from, to, deadline := t.Window(asOf)
	step, inForce := ThresholdAt(t.Schedule, to)
	var next *Threshold
	if n, ok := NextThreshold(t.Schedule, to); ok {
		next = &n
	}
	months := TrailingMonths(to)
	monthly := make([]MonthFigures, len(months))
	metricMonthly := make([]MonthFigures, len(months))
	for i, m := range months {
		f := byMonth[m.Format(MonthKey)]
		monthly[i] = MonthFigures{Month: m, Figures: f}
		metricMonthly[i] = MonthFigures{Month: m, Figures: MetricFigures(t.Metric, f)}
	}
	history := make(map[string]Figures, len(byMonth))
	for k, f := range byMonth {
		history[k] = MetricFigures(t.Metric, f)
	}
	a, outlook := AssessSeasonal(step.Value, MetricFigures(t.Metric, period), metricMonthly, history, to, deadline)
	if a.GapAmount > 0 { // assess measured the metric's figures, which for a count are items, not tiyn
		a.GapAmount = GapInTenge(t.Metric, period, step.Value)
	}
	if !inForce {
		a = Assessment{Value: a.Value, Status: StatusNotStarted, MonthsLeft: a.MonthsLeft}
		outlook = nil
	}
	return Progress{Target: t, AsOf: asOf, From: from, To: to, Deadline: deadline, Figures: period, Threshold: step,
		InForce: inForce, Next: next, Assessment: a, Monthly: monthly, Outlook: outlook}
}
