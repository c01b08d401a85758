package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPlanRollup(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return v
	}
	type edge = [2]time.Time
	tests := []struct {
		name                  string
		from, to              string
		firstStarts, lastEnds string
		first, last           string
		edges                 []edge
	}{
		{"whole months", "2025-01-01", "2025-12-31", "2025-01-03", "2025-12-20", "2025-01-01", "2025-12-01", nil},
		{"to today, nothing after it", "2025-01-01", "2025-06-15", "2025-01-03", "2025-06-14", "2025-01-01", "2025-06-01", nil},
		{"to today, items after it", "2025-01-01", "2025-06-15", "2025-01-03", "2025-06-20", "2025-01-01", "2025-05-01",
			[]edge{{d("2025-06-01"), d("2025-06-15")}}},
		{"from mid-month, items before it", "2025-01-10", "2025-03-31", "2025-01-02", "2025-03-30", "2025-02-01", "2025-03-01",
			[]edge{{d("2025-01-10"), d("2025-01-31")}}},
		{"from mid-month, none before it", "2025-01-10", "2025-03-31", "2025-01-10", "2025-03-30", "2025-01-01", "2025-03-01", nil},
		{"inside one month", "2025-04-05", "2025-04-25", "2025-04-01", "2025-04-30", "2025-04-01", "2025-03-01",
			[]edge{{d("2025-04-05"), d("2025-04-25")}}},
		{"inside one month, every item in it", "2025-04-05", "2025-04-25", "2025-04-07", "2025-04-20", "2025-04-01", "2025-04-01", nil},
		{"both ends cut", "2025-01-10", "2025-02-10", "2025-01-01", "2025-02-28", "2025-02-01", "2025-01-01",
			[]edge{{d("2025-01-10"), d("2025-01-31")}, {d("2025-02-01"), d("2025-02-10")}}},
		{"a month without items", "2025-01-10", "2025-02-10", "9999-12-31", "0001-01-01", "2025-01-01", "2025-02-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := planRollup(d(tt.from), d(tt.to), d(tt.firstStarts), d(tt.lastEnds))
			require.Equal(t, rollupPlan{first: d(tt.first), last: d(tt.last), edges: tt.edges}, got)
		})
	}
}
