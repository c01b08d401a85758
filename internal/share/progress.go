package share

import "time"

// Target is a policy target with its threshold schedule.
type Target struct {
	ID       int32
	Slug     string
	Names    Names
	Category string
	Region   string
	Metric   string
	Period   string
	Schedule []Threshold
}

// Progress is a target's state as of a date. Before its first threshold comes into force the target is
// not_started: InForce is false, Next says when it starts, and the figures are those of the period so far.
type Progress struct {
	Target    Target
	AsOf      time.Time
	From, To  time.Time
	Figures   Figures // the period so far
	Threshold Threshold
	InForce   bool
	Next      *Threshold // the next step of the schedule, if any
	Assessment
	Monthly []MonthFigures // trailing twelve months up to AsOf, oldest first
}

// MetricFigures maps figures onto the target's metric, so Assess can treat every metric as a share of
// "domestic" in "total".
func MetricFigures(metric string, f Figures) Figures {
	switch metric {
	case "domestic_share_count":
		return Figures{Total: f.Items, Domestic: f.DomesticItems}
	case "local_content_share":
		return Figures{Total: f.Total, Domestic: f.LocalContent}
	}
	return f
}

// TrailingMonths returns the first days of the twelve months that end with asOf's month, oldest first: the
// window of a target's monthly trend and of its projection.
func TrailingMonths(asOf time.Time) []time.Time {
	first := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
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

// Measure assesses target t as of asOf from the figures of its period so far (ytd, over CalendarYear(asOf))
// and of the months of TrailingMonths(asOf), keyed "2006-01" (a month without purchases may be absent).
func Measure(t Target, asOf time.Time, ytd Figures, byMonth map[string]Figures) Progress {
	step, inForce := ThresholdAt(t.Schedule, asOf)
	var next *Threshold
	if n, ok := NextThreshold(t.Schedule, asOf); ok {
		next = &n
	}
	from, to := CalendarYear(asOf)
	months := TrailingMonths(asOf)
	monthly := make([]MonthFigures, len(months))
	metricMonthly := make([]MonthFigures, len(months))
	for i, m := range months {
		f := byMonth[m.Format("2006-01")]
		monthly[i] = MonthFigures{Month: m, Figures: f}
		metricMonthly[i] = MonthFigures{Month: m, Figures: MetricFigures(t.Metric, f)}
	}
	a := Assess(step.Value, MetricFigures(t.Metric, ytd), metricMonthly, asOf, Deadline(asOf))
	if !inForce {
		a = Assessment{Value: a.Value, Status: StatusNotStarted, MonthsLeft: a.MonthsLeft}
	}
	return Progress{Target: t, AsOf: asOf, From: from, To: to, Figures: ytd, Threshold: step, InForce: inForce, Next: next,
		Assessment: a, Monthly: monthly}
}
