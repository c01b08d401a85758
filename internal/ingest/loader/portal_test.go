package loader

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKeyed(t *testing.T) {
	k := newKeyed[int]()
	ids := []string{"7", "007", "0", "00", "x7", "123456789012345678", "1234567890123456789", "-1", ""}
	for i, id := range ids {
		k.set(id, i)
	}
	for i, id := range ids {
		got, ok := k.get(id)
		require.True(t, ok, id)
		require.Equal(t, i, got, "id %q is a key of its own", id)
	}
	_, ok := k.get("8")
	require.False(t, ok)
	require.Len(t, k.numbers, 3) // "7", "0" and the 18-digit id
	require.Equal(t, len(ids), k.len())
	seen := map[string]int{}
	k.each(func(id string, v int) { seen[id] = v })
	for i, id := range ids {
		require.Equal(t, i, seen[id], "id %q comes back as written", id)
	}
	for _, id := range []string{"7", "x7"} { // a later row replaces the value kept
		k.set(id, 100)
		got, ok := k.get(id)
		require.True(t, ok)
		require.Equal(t, 100, got, id)
	}
	require.Equal(t, len(ids), k.len())
	got, _ := k.get("007")
	require.Equal(t, 1, got)
}

func TestTexts(t *testing.T) {
	tx := newTexts()
	require.Equal(t, uint32(0), tx.number(""))
	a, b := tx.number("Ткань"), tx.number("шт")
	require.NotEqual(t, a, b)
	require.Equal(t, a, tx.number(strings.Clone("Ткань")))
	require.Equal(t, "шт", tx.text(b))
}

func TestDayNumber(t *testing.T) {
	almaty := time.FixedZone("Asia/Almaty", 5*3600)
	for _, d := range []time.Time{
		time.Date(2016, 1, 7, 0, 0, 0, 0, almaty), // the day before in UTC
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2030, 6, 15, 23, 59, 0, 0, time.UTC),
	} {
		got := dayTime(dayNumber(d))
		require.Equal(t, [3]int{d.Year(), int(d.Month()), d.Day()}, [3]int{got.Year(), int(got.Month()), got.Day()}, d.String())
	}
}
