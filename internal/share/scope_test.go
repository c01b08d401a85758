package share

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Only groups short of the threshold pull the share down, however much a group above it bought from others;
// those short are ranked by the tenge that went to others.
func TestPullingDown(t *testing.T) {
	t.Parallel()
	groups := []Group{
		{Key: "above", Figures: Figures{Total: 1000_00, Domestic: 600_00, Items: 4, DomesticItems: 1}}, // 400 elsewhere, 60 %
		{Key: "small", Figures: Figures{Total: 100_00, Domestic: 10_00, Items: 2, DomesticItems: 2}},   // 90 elsewhere, 10 %
		{Key: "large", Figures: Figures{Total: 500_00, Domestic: 100_00, Items: 5, DomesticItems: 1}},  // 400 elsewhere, 20 %
		{Key: "all-domestic", Figures: Figures{Total: 50_00, Domestic: 50_00, Items: 1, DomesticItems: 1}},
	}
	keys := func(gs []Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Key)
		}
		return out
	}
	require.Equal(t, []string{"large", "small"}, keys(PullingDown(groups, MetricValue, 5000)))
	// By count, "small" bought both its items from producers and "above" one of four.
	require.Equal(t, []string{"above", "large"}, keys(PullingDown(groups, MetricCount, 5000)))
	require.Equal(t, []string{"above", "large", "small"}, keys(PullingDown(groups, MetricValue, 10000)))
}
