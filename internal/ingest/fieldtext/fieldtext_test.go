package fieldtext

import (
	"math/rand/v2"
	"regexp"
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
		want, err := time.ParseInLocation("2006-01-02", s, Almaty)
		if err != nil {
			want, err = time.ParseInLocation("2006-01-02 15:04:05", s, Almaty)
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

// TestHandMatchersMatchPatterns holds IsDecimal and IsEnstru to the regular expressions they replace.
func TestHandMatchersMatchPatterns(t *testing.T) {
	decimal := regexp.MustCompile(`^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$`)
	enstru := regexp.MustCompile(`^\d{2,6}(\.\d{1,3}(\.\d{1,6})?)?$`)
	cases := []string{"", "+", ".", "5.", ".5", "+.5", "1e3", "1e", "1e1234", "1E-12", "1.5e+3", "-1", "1,5", " 1",
		"14", "141211", "1412111", "141211.500", "141211.500.000008", "141211.500.0000081", "141211.", "14.1.1.1",
		"1", "141211.5000.1", "12..3", "0"}
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789.+-eE x"
	for range 20000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(2) == 0 {
				b[i] = byte('0' + rng.IntN(10))
			}
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		require.Equal(t, decimal.MatchString(s), IsDecimal(s), "decimal %q", s)
		require.Equal(t, enstru.MatchString(s), IsEnstru(s), "enstru %q", s)
	}
}
