package share

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// No purchase in scope is no verdict: never "0.0 %, off track".
func TestAssessWithoutPurchasesIsNoData(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	deadline := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		ytd     Figures
		monthly []MonthFigures
		want    Status
	}{
		{"nothing at all", Figures{}, nil, StatusNoData},
		{"months without purchases", Figures{}, []MonthFigures{{Month: asOf.AddDate(0, -1, 0)}, {Month: asOf}}, StatusNoData},
		{"one purchase from a reseller", Figures{Total: 100, Items: 1}, nil, StatusOffTrack},
		{"one purchase from a producer", Figures{Total: 100, Domestic: 100, Items: 1}, nil, StatusMet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := Assess(5000, tc.ytd, tc.monthly, asOf, deadline)
			require.Equal(t, tc.want, a.Status)
			if tc.want == StatusNoData {
				require.Equal(t, Assessment{Threshold: 5000, Status: StatusNoData, MonthsLeft: 6}, a)
				require.False(t, a.Status.Verdict())
			}
		})
	}
}

func TestNextThreshold(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	ramp := []Threshold{{day("2027-01-01"), 6500}, {day("2026-01-01"), 6000}, {day("2028-01-01"), 7500}}
	for _, tc := range []struct {
		on   string
		want int64 // 0: none
	}{
		{"2025-06-01", 6000}, {"2026-01-01", 6500}, {"2026-12-31", 6500}, {"2027-06-01", 7500}, {"2028-01-01", 0},
	} {
		got, ok := NextThreshold(ramp, day(tc.on))
		require.Equal(t, tc.want != 0, ok, tc.on)
		require.Equal(t, tc.want, got.Value, tc.on)
	}
}
