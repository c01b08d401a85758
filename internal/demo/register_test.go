package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The register lists every domestic producer of the dataset for each category it makes, in its home
// region, with a capacity its busiest year used 50-60% of.
func TestRegister(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 3, Items: 4000, PageSize: 500}
	dir := t.TempDir()
	st, err := Generate(context.Background(), dir, opts)
	require.NoError(t, err)
	ds := readDataset(t, dir, opts.PageSize)
	producers := map[string]bool{}
	for _, s := range ds.items[EndpointSubject] {
		if s.int("mark_patronymic_producer") == 1 {
			producers[s.str("bin")] = true
		}
	}
	require.NotEmpty(t, st.Produced)

	entries, err := Register(st, opts)
	require.NoError(t, err)
	again, err := Register(st, opts)
	require.NoError(t, err)
	require.Equal(t, entries, again, "the same dataset gives the same register")

	listed := map[ProducerYear]bool{}
	sized := 0
	for _, e := range entries {
		require.True(t, producers[e.BIN], "%s is no domestic producer of the dataset", e.BIN)
		key := ProducerYear{e.BIN, YearCategory{0, e.Category}}
		require.False(t, listed[key], "%s listed twice for %s", e.BIN, e.Category)
		listed[key] = true
		require.Regexp(t, `^[0-9]{2}$`, e.Region)
		require.Positive(t, e.Capacity)
		var busiest int64
		for year := firstYear; year <= lastYear; year++ {
			busiest = max(busiest, st.Produced[ProducerYear{e.BIN, YearCategory{year, e.Category}}])
		}
		if busiest == 0 {
			continue
		}
		sized++
		require.LessOrEqual(t, busiest*100, e.Capacity*60, "%s uses more than 60%% of its capacity for %s", e.BIN, e.Category)
		require.Less(t, (e.Capacity-100)*50, busiest*100, "%s uses less than 50%% of its capacity for %s", e.BIN, e.Category)
	}
	require.Positive(t, sized)
	for k := range st.Produced {
		require.True(t, listed[ProducerYear{k.BIN, YearCategory{0, k.Category}}], "%s produced %s but is not listed", k.BIN, k.Category)
	}

	var b bytes.Buffer
	require.NoError(t, WriteRegisterCSV(&b, entries[:2]))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"bin", "category", "valid_from", "capacity", "capacity_unit", "region", "source"}, rows[0])
	require.Len(t, rows, 3)
	require.Equal(t, entries[0].BIN, rows[1][0])
	require.Equal(t, "2016-01-01", rows[1][2])
}
