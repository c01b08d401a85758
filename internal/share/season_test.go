package share

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// summers are school-uniform purchases: 1,000 a month in June to August of each year given, at 7 %
// domestic, and nothing in the other months.
func summers(years ...int) map[string]Figures {
	h := map[string]Figures{}
	for _, y := range years {
		for m := time.January; m <= time.December; m++ {
			f := Figures{}
			if m >= time.June && m <= time.August {
				f = Figures{Total: 1000, Domestic: 70}
			}
			h[date(y, m, 1).Format("2006-01")] = f
		}
	}
	return h
}

func TestAssessSeasonal(t *testing.T) {
	t.Parallel()
	// By March the year has bought 300 at 60 % domestic, from a few small purchases.
	spring := []MonthFigures{month(2025, 1, 100, 60), month(2025, 2, 100, 60), month(2025, 3, 100, 60)}
	ytd := Figures{Total: 300, Domestic: 180}
	asOf := date(2025, 3, 31)
	history := summers(2023, 2024)
	for k, f := range map[string]Figures{"2025-01": {Total: 100, Domestic: 60}, "2025-02": {Total: 100, Domestic: 60}, "2025-03": {Total: 100, Domestic: 60}} {
		history[k] = f
	}

	tests := []struct {
		name      string
		history   map[string]Figures
		asOf      time.Time
		basis     Basis
		projected int64
		status    Status
	}{
		{
			// (180 + 3 × 70) / (300 + 3 × 1000) = 390 / 3300: the summer decides, as it did.
			name: "summer purchases of earlier years weigh in", history: history, asOf: asOf,
			basis: BasisSeasonal, projected: 1182, status: StatusOffTrack,
		},
		{
			// The trend's 9 months of 100 at 60 % keep the share at 60 %, near the 62 % asked: at risk, wrongly.
			name: "without history the trend speaks", history: nil, asOf: asOf,
			basis: BasisTrend, projected: 6000, status: StatusAtRisk,
		},
		{
			// History from July 2024 has no counterpart of April to June: the trend for every month.
			name: "a season not covered falls back to the trend", asOf: asOf, basis: BasisTrend, projected: 6000, status: StatusAtRisk,
			history: map[string]Figures{"2024-07": {Total: 1000, Domestic: 70}, "2024-08": {Total: 1000, Domestic: 70},
				"2025-01": {Total: 100, Domestic: 60}},
		},
		{
			// Mid-July: the rest of July, 16 of its 31 days, buys that part of what its Julys bought
			// (516 and 36), August all of its: (180 + 36 + 70) / (300 + 516 + 1000) = 286 / 1816.
			name: "the rest of the month buys in proportion to its days", history: history, asOf: date(2025, 7, 15),
			basis: BasisSeasonal, projected: 1575, status: StatusOffTrack,
		},
		{
			// After the summer nothing more is expected: the projection is the share so far.
			name: "after the season nothing is added", history: history, asOf: date(2025, 9, 30),
			basis: BasisSeasonal, projected: 6000, status: StatusAtRisk,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, outlook := AssessSeasonal(6200, ytd, spring, tt.history, tt.asOf, date(2025, 12, 31))
			require.Equal(t, tt.basis, a.Basis)
			require.Equal(t, tt.projected, a.Projected)
			require.Equal(t, tt.status, a.Status)
			require.Len(t, outlook, a.MonthsLeft)
			if len(outlook) > 0 {
				require.Equal(t, date(2025, 12, 1), outlook[len(outlook)-1].Month, "the outlook runs to the deadline's month")
			}
		})
	}

	a, outlook := AssessSeasonal(6200, ytd, spring, history, asOf, date(2025, 12, 31))
	require.Equal(t, StatusOffTrack, a.Status)
	for _, m := range outlook {
		want := Figures{}
		if m.Month.Month() >= time.June && m.Month.Month() <= time.August {
			want = Figures{Total: 1000, Domestic: 70}
		}
		require.Equal(t, want, m.Figures, "%s is the mean of its counterparts", m.Month.Format("2006-01"))
	}
}

func TestWindow(t *testing.T) {
	t.Parallel()
	yearly := Target{Period: PeriodCalendarYear, Schedule: []Threshold{{date(2025, 1, 1), 5000}}}
	ramp := Target{Period: PeriodSchedule, EndsOn: date(2027, 12, 31), Schedule: []Threshold{
		{date(2026, 1, 1), 6500}, {date(2025, 1, 1), 6000}, {date(2027, 1, 1), 7500}}}
	tests := []struct {
		name                   string
		target                 Target
		asOf                   time.Time
		from, to, deadline     time.Time
		wantHistoryFromAtLeast time.Time
	}{
		{"a calendar year", yearly, date(2026, 5, 10), date(2026, 1, 1), date(2026, 5, 10), date(2026, 12, 31), date(2023, 6, 1)},
		{"a schedule's span starts with its first step", ramp, date(2026, 5, 10), date(2025, 1, 1), date(2026, 5, 10), date(2027, 12, 31), date(2023, 6, 1)},
		{"a span that is over runs to its end", ramp, date(2029, 2, 1), date(2025, 1, 1), date(2027, 12, 31), date(2027, 12, 31), date(2025, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from, to, deadline := tt.target.Window(tt.asOf)
			require.Equal(t, tt.from, from)
			require.Equal(t, tt.to, to)
			require.Equal(t, tt.deadline, deadline)
			h := tt.target.HistoryFrom(tt.asOf)
			require.False(t, h.After(from), "history covers the period")
			require.False(t, h.After(tt.wantHistoryFromAtLeast), "history covers three years of seasons: %s", h.Format(time.DateOnly))
			require.Equal(t, 1, h.Day())
		})
	}
}

func TestMeasureARamp(t *testing.T) {
	t.Parallel()
	ramp := Target{Metric: MetricValue, Period: PeriodSchedule, EndsOn: date(2027, 12, 31), Schedule: []Threshold{
		{date(2025, 1, 1), 6000}, {date(2026, 1, 1), 6500}, {date(2027, 1, 1), 7500}}}
	byMonth := map[string]Figures{"2026-04": {Total: 1000, Domestic: 680, Items: 1, DomesticItems: 1}}

	p := Measure(ramp, date(2026, 4, 30), Figures{Total: 1000, Domestic: 680}, byMonth)
	require.True(t, p.InForce)
	require.Equal(t, int64(6500), p.Threshold.Value, "the step in force on the day")
	require.Equal(t, int64(7500), p.Next.Value)
	require.Equal(t, StatusMet, p.Status)
	require.Equal(t, date(2025, 1, 1), p.From)
	require.Equal(t, date(2027, 12, 31), p.Deadline)
	require.Equal(t, 20, p.MonthsLeft, "May 2026 to December 2027")

	// Once the span is over, it is judged on its last day against the step then in force, with nothing left.
	over := Measure(ramp, date(2028, 3, 1), Figures{Total: 1000, Domestic: 680}, byMonth)
	require.Equal(t, date(2027, 12, 31), over.To)
	require.Equal(t, int64(7500), over.Threshold.Value)
	require.Equal(t, 0, over.MonthsLeft)
	require.Equal(t, StatusOffTrack, over.Status)
	require.Nil(t, over.Next)

	before := Measure(ramp, date(2024, 6, 1), Figures{}, nil)
	require.Equal(t, StatusNotStarted, before.Status)
	require.Equal(t, int64(6000), before.Next.Value)
}
