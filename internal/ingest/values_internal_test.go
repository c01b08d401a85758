package ingest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// What plainTime reads, it reads as time.Parse does in its two layouts; what it declines goes to time.Parse.
func FuzzPlainTime(f *testing.F) {
	for _, s := range []string{
		"2016-08-01", "2016-08-01 10:11:12", "2016-02-29", "2015-02-29", "2000-02-29", "1900-02-29",
		"2016-04-31", "2016-12-31 23:59:59", "2016-12-31 24:00:00", "2016-12-31 23:60:00", "2016-12-31 23:59:60",
		"2016-13-01", "2016-00-10", "2016-01-00", "0000-01-01", "2016-1-01", "2016-01-01T10:11:12",
		"+016-01-01", "2016-01-01 1:11:12", "２016-01-01", "2016-01-01 10:11:1x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainTime(s)
		want, err := time.ParseInLocation("2006-01-02", s, almaty)
		if err != nil {
			want, err = time.ParseInLocation("2006-01-02 15:04:05", s, almaty)
		}
		if ok {
			require.NoError(t, err, "plainTime read %q, time.Parse does not", s)
			require.Equal(t, want, got, "%q", s)
		}
	})
}

func TestPlainTimeReadsTheCommonSpellings(t *testing.T) {
	for _, s := range []string{"2016-08-01", "2016-08-01 10:11:12", "2016-02-29", "1999-12-31 23:59:59"} {
		_, ok := plainTime(s)
		require.True(t, ok, s)
	}
}
