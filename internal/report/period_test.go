package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		spec     string
		from, to time.Time
		err      string
	}{
		{spec: "2026", from: day(2026, 1, 1), to: day(2026, 12, 31)},
		{spec: "2026-Q1", from: day(2026, 1, 1), to: day(2026, 3, 31)},
		{spec: "2026-q3", from: day(2026, 7, 1), to: day(2026, 9, 30)},
		{spec: "2026-Q4", from: day(2026, 10, 1), to: day(2026, 12, 31)},
		{spec: "2024-02", from: day(2024, 2, 1), to: day(2024, 2, 29)},
		{spec: "2026-01-01..2026-06-30", from: day(2026, 1, 1), to: day(2026, 6, 30)},
		{spec: " 2026-03-15..2026-03-15 ", from: day(2026, 3, 15), to: day(2026, 3, 15)},
		{spec: "", err: "period is empty: want a year"},
		{spec: "2026-Q5", err: `period "2026-Q5": want a year`},
		{spec: "26", err: `period "26": want a year`},
		{spec: "2026-13", err: "there is no month 13"},
		{spec: "1899", err: "outside 1990..2100"},
		{spec: "2026-06-30..2026-01-01", err: "ends before it starts"},
		{spec: "2026-01-01..June", err: `"June" is not a date YYYY-MM-DD`},
		{spec: "2026-02-30..2026-03-01", err: `"2026-02-30" is not a date`},
		{spec: "last year", err: `period "last year": want a year`},
	} {
		p, err := ParsePeriod(tc.spec)
		if tc.err != "" {
			require.ErrorContains(t, err, tc.err, tc.spec)
			continue
		}
		require.NoError(t, err, tc.spec)
		require.Equal(t, tc.from, p.From, tc.spec)
		require.Equal(t, tc.to, p.To, tc.spec)
	}
}
