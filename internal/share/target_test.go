package share

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// month builds one month of figures with the given total and domestic tiyn.
func month(y int, m time.Month, total, domestic int64) MonthFigures {
	return MonthFigures{Month: date(y, m, 1), Figures: Figures{Total: total, Domestic: domestic}}
}

func TestThresholdAt(t *testing.T) {
	t.Parallel()
	schedule := []Threshold{
		{EffectiveFrom: date(2027, 1, 1), Value: 5000},
		{EffectiveFrom: date(2025, 1, 1), Value: 3000},
		{EffectiveFrom: date(2026, 1, 1), Value: 4000},
		{EffectiveFrom: date(2026, 1, 1), Value: 4500}, // correction, wins the tie
	}
	tests := []struct {
		name     string
		schedule []Threshold
		d        time.Time
		want     Threshold
		ok       bool
	}{
		{"empty schedule", nil, date(2025, 6, 1), Threshold{}, false},
		{"before first step", schedule, date(2024, 12, 31), Threshold{}, false},
		{"on first step", schedule, date(2025, 1, 1), schedule[1], true},
		{"between steps", schedule, date(2025, 12, 31), schedule[1], true},
		{"tie goes to later entry", schedule, date(2026, 6, 1), schedule[3], true},
		{"last step", schedule, date(2030, 1, 1), schedule[0], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ThresholdAt(tt.schedule, tt.d)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestCalendarYear(t *testing.T) {
	t.Parallel()
	almaty := time.FixedZone("ALMT", 5*60*60)
	tests := []struct {
		name string
		asOf time.Time
		from time.Time
	}{
		{"mid year", date(2025, 10, 15), date(2025, 1, 1)},
		{"new year's day", date(2026, 1, 1), date(2026, 1, 1)},
		{"local zone", time.Date(2026, 1, 1, 2, 0, 0, 0, almaty), time.Date(2026, 1, 1, 0, 0, 0, 0, almaty)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from, to := CalendarYear(tt.asOf)
			require.Equal(t, tt.from, from)
			require.Equal(t, tt.asOf, to)
		})
	}
}

func TestAssess(t *testing.T) {
	t.Parallel()
	// Shares 40%, 50%, 60% in Aug-Oct: the line rises 10 points a month and
	// reaches 70% and 80% in Nov and Dec.
	rising := []MonthFigures{
		month(2025, 8, 1000, 400),
		month(2025, 9, 1000, 500),
		month(2025, 10, 1000, 600),
	}
	ytd40 := Figures{Total: 10000, Domestic: 4000}
	// 40%, 50%, 60% in the year's last quarter: the line is at 60% in December.
	lastQuarter := []MonthFigures{month(2025, 10, 1000, 400), month(2025, 11, 1000, 500), month(2025, 12, 1000, 600)}
	// 10 months of a 37 bn tenge market at 7% domestic (policy seed).
	var flat []MonthFigures
	for m := time.January; m <= time.October; m++ {
		flat = append(flat, month(2025, m, 370_000_000_000, 25_900_000_000))
	}

	tests := []struct {
		name      string
		threshold int64
		ytd       Figures
		monthly   []MonthFigures
		asOf      time.Time
		want      Assessment
	}{
		{
			name:      "met",
			threshold: 5000,
			ytd:       Figures{Total: 100_000, Domestic: 60_000},
			monthly:   rising,
			asOf:      date(2025, 6, 15),
			want: Assessment{
				Value: 6000, Threshold: 5000, Projected: 6000,
				Status: StatusMet, MonthsLeft: 6,
			},
		},
		{
			// 4999.75 bp is kept as 4999, 1 tiyn short of round(20001 × 50%): not met, and its value and gap
			// say so. Rounded to 5000 it had read as the threshold with a gap of 0 points.
			name:      "a hair short is not met",
			threshold: 5000,
			ytd:       Figures{Total: 20001, Domestic: 10000},
			asOf:      date(2025, 6, 15),
			want: Assessment{
				Value: 4999, Threshold: 5000, GapPoints: 1, GapAmount: 1, Projected: 4999,
				Status: StatusAtRisk, MonthsLeft: 6,
			},
		},
		{
			// Exactly half is met.
			name:      "exactly the threshold is met",
			threshold: 5000,
			ytd:       Figures{Total: 20000, Domestic: 10000},
			asOf:      date(2025, 6, 15),
			want: Assessment{
				Value: 5000, Threshold: 5000, Projected: 5000,
				Status: StatusMet, MonthsLeft: 6,
			},
		},
		{
			// The rest of October, 16 of its 31 days, at the line's 60%: 516 and 310 tiyn (1000 and 600
			// × 16/31). (4000 + 310 + 700 + 800) / (10000 + 516 + 2000) = 5810 / 12516 = 46.42%.
			name:      "on track with rising trend",
			threshold: 4500,
			ytd:       ytd40,
			monthly:   rising,
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4642, Status: StatusOnTrack, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			name:      "at risk within 5 points",
			threshold: 5000,
			ytd:       ytd40,
			monthly:   rising,
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 5000, GapPoints: 1000, GapAmount: 1000,
				Projected: 4642, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			name:      "off track flat at 7% against 50%",
			threshold: 5000,
			ytd:       Figures{Total: 3_700_000_000_000, Domestic: 259_000_000_000},
			monthly:   flat,
			asOf:      date(2025, 10, 31),
			want: Assessment{
				Value: 700, Threshold: 5000, GapPoints: 4300, GapAmount: 1_591_000_000_000,
				Projected: 700, Status: StatusOffTrack, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			name:      "no data",
			threshold: 5000,
			monthly:   []MonthFigures{month(2025, 9, 0, 0), month(2025, 10, 0, 0)},
			asOf:      date(2025, 10, 15),
			// No purchase is no verdict, not "0 %, off track".
			want: Assessment{Threshold: 5000, Status: StatusNoData, MonthsLeft: 2},
		},
		{
			// No whole month is left, but 21 of December's 31 days are, at the line's 60%: 677 and 406
			// tiyn. (4000 + 406) / (10000 + 677) = 41.27%. It had been the share so far, 40%, as if the
			// year ended on the 10th.
			name:      "the deadline's month projects its days left",
			threshold: 5000,
			ytd:       ytd40,
			monthly:   lastQuarter,
			asOf:      date(2025, 12, 10),
			want: Assessment{
				Value: 4000, Threshold: 5000, GapPoints: 1000, GapAmount: 1000,
				Projected: 4127, Status: StatusOffTrack, MonthsLeft: 0, Basis: BasisTrend,
			},
		},
		{
			// On the first of the deadline's month 30 of its 31 days are left: 968 and 581 tiyn at the
			// line's 60%, (4000 + 581) / (10000 + 968) = 41.77%.
			name:      "the first of the deadline's month leaves most of it",
			threshold: 5000,
			ytd:       ytd40,
			monthly:   lastQuarter,
			asOf:      date(2025, 12, 1),
			want: Assessment{
				Value: 4000, Threshold: 5000, GapPoints: 1000, GapAmount: 1000,
				Projected: 4177, Status: StatusOffTrack, MonthsLeft: 0, Basis: BasisTrend,
			},
		},
		{
			// The line gives 90% for the rest of October (516 and 465 tiyn), 130% and 170% after,
			// clamped to 100% each: (5000 + 465 + 2×1000) / (10000 + 516 + 2000) = 59.64%. Unclamped
			// it would be on track.
			name:      "steep trend clamped at 100%",
			threshold: 6000,
			ytd:       Figures{Total: 10000, Domestic: 5000},
			monthly:   []MonthFigures{month(2025, 9, 1000, 500), month(2025, 10, 1000, 900)},
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 5000, Threshold: 6000, GapPoints: 1000, GapAmount: 1000,
				Projected: 5964, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			// The line gives 10% for the rest of October (516 and 52 tiyn), then -30% and -70%, clamped
			// to 0: (3000 + 52) / (10000 + 516 + 2000) = 24.38%.
			name:      "falling trend clamped at 0%",
			threshold: 3500,
			ytd:       Figures{Total: 10000, Domestic: 3000},
			monthly:   []MonthFigures{month(2025, 9, 1000, 500), month(2025, 10, 1000, 100)},
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 3000, Threshold: 3500, GapPoints: 500, GapAmount: 500,
				Projected: 2438, Status: StatusOffTrack, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			// One observed month at 90% is no trend: the line stays at Value.
			name:      "single month is flat at value",
			threshold: 4500,
			ytd:       ytd40,
			monthly:   []MonthFigures{month(2025, 10, 1000, 900)},
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4000, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			// Empty months have no share for the line; for the mean month they
			// count from the first with purchases: August to October bought
			// 2000, 667 a month (not 1000, nor 500 over the four), as above.
			name:      "empty months are skipped",
			threshold: 4500,
			ytd:       ytd40,
			monthly: []MonthFigures{
				month(2025, 7, 0, 0),
				month(2025, 8, 1000, 400),
				month(2025, 9, 0, 0),
				month(2025, 10, 1000, 600),
			},
			asOf: date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4459, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			// Aug and Oct are two months apart, so the slope is 10 points a
			// month, not 20 as slice positions would suggest; and three months
			// bought 2000, 667 a month: the rest of October (16/31) 344 at 60 %
			// (206), November 667 at 70 % (467), December 667 at 80 % (534).
			// (4000 + 206 + 467 + 534) / (10000 + 344 + 667 + 667) = 44.59 %.
			name:      "missing months use calendar distance",
			threshold: 4500,
			ytd:       ytd40,
			monthly:   []MonthFigures{month(2025, 8, 1000, 400), month(2025, 10, 1000, 600)},
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4459, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			name:      "months after asOf are ignored",
			threshold: 4500,
			ytd:       ytd40,
			monthly:   append(append([]MonthFigures{}, rising...), month(2025, 11, 5000, 0)),
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4642, Status: StatusOnTrack, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
		{
			// Mean total (1000+2000)/2 = 1500 at a flat 50%, 16/31 of it for the rest of October (774 and
			// 387): (4000 + 387 + 2×750) / (10000 + 774 + 3000) = 42.74%.
			name:      "estimated total is the mean of observed months",
			threshold: 4500,
			ytd:       ytd40,
			monthly:   []MonthFigures{month(2025, 9, 1000, 500), month(2025, 10, 2000, 1000)},
			asOf:      date(2025, 10, 15),
			want: Assessment{
				Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500,
				Projected: 4274, Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			deadline := date(tt.asOf.Year(), 12, 31)
			got := Assess(tt.threshold, tt.ytd, tt.monthly, tt.asOf, deadline)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestAssessMonthsLeft(t *testing.T) {
	t.Parallel()
	almaty := time.FixedZone("ALMT", 5*60*60)
	tests := []struct {
		name           string
		asOf, deadline time.Time
		want           int
	}{
		{"november", date(2025, 11, 30), date(2025, 12, 31), 1},
		{"december", date(2025, 12, 1), date(2025, 12, 31), 0},
		{"new year", date(2025, 1, 1), date(2025, 12, 31), 11},
		{"past deadline", date(2026, 1, 5), date(2025, 12, 31), 0},
		{"across years", date(2025, 11, 15), date(2026, 3, 31), 4},
		// 1 Dec 02:00 in Almaty is still 30 Nov in UTC; asOf's own zone counts.
		{"local zone", time.Date(2025, 12, 1, 2, 0, 0, 0, almaty), time.Date(2025, 12, 31, 0, 0, 0, 0, almaty), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Assess(5000, Figures{}, nil, tt.asOf, tt.deadline)
			require.Equal(t, tt.want, got.MonthsLeft)
		})
	}
}

// A schedule that ends inside a month buys that month's estimate only up to its deadline. As of 15 October,
// the line rising 10 points a month (60 % in October) and a month's mean 1000 tiyn: the rest of October,
// 16/31, is 516 and 310; November 1000 and 700; 15 of December's 31 days, 484 and 387.
// (4000 + 310 + 700 + 387) / (10000 + 516 + 1000 + 484) = 5397 / 12000 = 44.975 %, at risk of 45 %. As a
// whole December it had been 46.42 %, on track.
func TestAssessDeadlineInsideAMonth(t *testing.T) {
	t.Parallel()
	rising := []MonthFigures{month(2025, 8, 1000, 400), month(2025, 9, 1000, 500), month(2025, 10, 1000, 600)}
	a, outlook := AssessSeasonal(4500, Figures{Total: 10000, Domestic: 4000}, rising, nil, date(2025, 10, 15), date(2025, 12, 15))
	require.Equal(t, Assessment{Value: 4000, Threshold: 4500, GapPoints: 500, GapAmount: 500, Projected: 4498,
		Status: StatusAtRisk, MonthsLeft: 2, Basis: BasisTrend}, a)
	require.Equal(t, []MonthFigures{month(2025, 11, 1000, 700), month(2025, 12, 484, 387)}, outlook)

	// A deadline on a month's last day keeps the whole month.
	a, _ = AssessSeasonal(4500, Figures{Total: 10000, Domestic: 4000}, rising, nil, date(2025, 10, 15), date(2025, 12, 31))
	require.Equal(t, int64(4642), a.Projected)
}

// A verdict short of its threshold on or after the deadline is not met, however the projection ranked it;
// before the deadline it is what the projection says; met stays met.
func TestProgressShown(t *testing.T) {
	t.Parallel()
	deadline := date(2025, 12, 31)
	for _, tc := range []struct {
		status Status
		asOf   time.Time
		want   Status
	}{
		{StatusOffTrack, deadline, StatusNotMet},
		{StatusAtRisk, date(2026, 1, 15), StatusNotMet},
		{StatusOffTrack, date(2025, 12, 30), StatusOffTrack},
		{StatusOnTrack, date(2025, 12, 30), StatusOnTrack},
		{StatusMet, deadline, StatusMet},
		{StatusNoData, deadline, StatusNoData},
	} {
		p := Progress{AsOf: tc.asOf, Deadline: deadline, Assessment: Assessment{Status: tc.status}}
		require.Equal(t, tc.want, p.Shown(), "%s as of %s", tc.status, tc.asOf.Format(time.DateOnly))
	}
}
