package share

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMetricFigures(t *testing.T) {
	t.Parallel()
	f := Figures{Total: 1000, Domestic: 300, LocalContent: 450, Items: 10, DomesticItems: 7, Contracts: 4}
	tests := []struct {
		metric string
		want   Figures
	}{
		{"domestic_share_value", f},
		{"domestic_share_count", Figures{Total: 10, Domestic: 7}},
		{"local_content_share", Figures{Total: 1000, Domestic: 450}},
		{"unknown metric reads as value", f},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, MetricFigures(tt.metric, f))
		})
	}
}

func TestTrailingMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		asOf        time.Time
		first, last time.Time
	}{
		{"mid year", date(2025, 6, 15), date(2024, 7, 1), date(2025, 6, 1)},
		{"first of january", date(2025, 1, 1), date(2024, 2, 1), date(2025, 1, 1)},
		{"end of december", date(2025, 12, 31), date(2025, 1, 1), date(2025, 12, 1)},
		{"last day of a 31-day month", date(2025, 3, 31), date(2024, 4, 1), date(2025, 3, 1)},
		{"zone of asOf is ignored", time.Date(2025, 6, 30, 23, 0, 0, 0, time.FixedZone("ALMT", 5*3600)),
			date(2024, 7, 1), date(2025, 6, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := TrailingMonths(tt.asOf)
			require.Len(t, got, 12)
			require.Equal(t, tt.first, got[0])
			require.Equal(t, tt.last, got[11])
			for i := 1; i < len(got); i++ {
				require.Equal(t, got[i-1].AddDate(0, 1, 0), got[i], "month %d follows month %d", i, i-1)
				require.Equal(t, 1, got[i].Day())
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		asOf, want time.Time
	}{
		{date(2025, 1, 1), date(2025, 12, 31)},
		{date(2025, 12, 31), date(2025, 12, 31)},
		{date(2024, 2, 29), date(2024, 12, 31)},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Deadline(tt.asOf), "as of %s", tt.asOf.Format(time.DateOnly))
	}
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	target := Target{Slug: "uniforms-50", Metric: "domestic_share_value",
		Schedule: []Threshold{{EffectiveFrom: date(2025, 1, 1), Value: 5000}, {EffectiveFrom: date(2026, 1, 1), Value: 6000}}}
	byCount := target
	byCount.Metric = "domestic_share_count"

	tests := []struct {
		name        string
		target      Target
		asOf        time.Time
		ytd         Figures
		byMonth     map[string]Figures
		inForce     bool
		threshold   int64
		next        int64 // threshold value of Next, 0 when none
		status      Status
		value       int64
		monthlyJune Figures
		gapAmount   int64
	}{
		{
			name: "in force, met", target: target, asOf: date(2025, 6, 30),
			ytd:     Figures{Total: 1000, Domestic: 700, Items: 4, DomesticItems: 1},
			byMonth: map[string]Figures{"2025-06": {Total: 1000, Domestic: 700, Items: 4, DomesticItems: 1}},
			inForce: true, threshold: 5000, next: 6000, status: StatusMet, value: 7000,
			monthlyJune: Figures{Total: 1000, Domestic: 700, Items: 4, DomesticItems: 1},
		},
		{
			// The gap in tenge is of the items' value, as the breakdowns measure it: 50 % of 1000 less
			// 300. It had been the count of items, 2 short of 50 % of 4, shown as 2 tiyn.
			name: "metric by count reads items, monthly stays raw", target: byCount, asOf: date(2025, 6, 30),
			ytd:     Figures{Total: 1000, Domestic: 300, Items: 4, DomesticItems: 0},
			byMonth: map[string]Figures{"2025-06": {Total: 1000, Domestic: 300, Items: 4, DomesticItems: 0}},
			inForce: true, threshold: 5000, next: 6000, status: StatusOffTrack, value: 0,
			monthlyJune: Figures{Total: 1000, Domestic: 300, Items: 4, DomesticItems: 0}, gapAmount: 200,
		},
		{
			name: "before the first threshold is not started", target: target, asOf: date(2024, 6, 30),
			ytd:     Figures{Total: 1000, Domestic: 100},
			byMonth: map[string]Figures{"2024-06": {Total: 1000, Domestic: 100}},
			inForce: false, next: 5000, status: StatusNotStarted, value: 1000,
		},
		{
			name: "no purchases is no data", target: target, asOf: date(2026, 3, 1),
			inForce: true, threshold: 6000, status: StatusNoData,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Measure(tt.target, tt.asOf, tt.ytd, tt.byMonth)
			require.Equal(t, tt.inForce, p.InForce)
			require.Equal(t, tt.threshold, p.Threshold.Value)
			if tt.next == 0 {
				require.Nil(t, p.Next)
			} else {
				require.NotNil(t, p.Next)
				require.Equal(t, tt.next, p.Next.Value)
			}
			require.Equal(t, tt.status, p.Status)
			require.Equal(t, tt.value, p.Value)
			require.Equal(t, tt.gapAmount, p.GapAmount)
			require.Equal(t, tt.ytd, p.Figures, "the period's figures are kept raw")
			from, to := CalendarYear(tt.asOf)
			require.Equal(t, from, p.From)
			require.Equal(t, to, p.To)
			require.Len(t, p.Monthly, 12)
			require.Equal(t, TrailingMonths(tt.asOf)[11], p.Monthly[11].Month)
			if tt.monthlyJune != (Figures{}) {
				require.Equal(t, tt.monthlyJune, p.Monthly[11].Figures)
			}
		})
	}
}
