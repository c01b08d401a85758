package share

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/money"
)

func TestFiguresShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                                string
		f                                   Figures
		domestic, byCount, byContracts, lcs int64
	}{
		{
			name: "empty scope",
		},
		{
			// Policy seed: a 37 bn tenge market with 7% domestic.
			name:     "policy seed",
			f:        Figures{Total: 3_700_000_000_000, Domestic: 259_000_000_000},
			domestic: 700,
		},
		{
			// Order No. 260 example: S = 50 000 tenge, one good of 40 000
			// tenge with local-content fraction 1.
			name: "local content methodology",
			f: Figures{
				Total:        5_000_000,
				LocalContent: money.ApplyBasisPoints(4_000_000, 10000),
			},
			lcs: 8000,
		},
		{
			name: "counts and contracts",
			f: Figures{
				Total: 900, Domestic: 300, LocalContent: 600,
				Items: 3, DomesticItems: 2,
				Contracts: 8, DomesticContracts: 1,
			},
			domestic: 3333, byCount: 6666, byContracts: 1250, lcs: 6666,
		},
		{
			name:     "half a basis point rounds down",
			f:        Figures{Total: 20000, Domestic: 1},
			domestic: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.domestic, tt.f.DomesticShare())
			require.Equal(t, tt.byCount, tt.f.DomesticShareByCount())
			require.Equal(t, tt.byContracts, tt.f.DomesticShareByContracts())
			require.Equal(t, tt.lcs, tt.f.LocalContentShare())
		})
	}
}

func TestFiguresAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b Figures
		want Figures
	}{
		{"zero", Figures{}, Figures{}, Figures{}},
		{
			name: "every field",
			a:    Figures{1, 2, 3, 4, 5, 6, 7, 8},
			b:    Figures{10, 20, 30, 40, 50, 60, 70, 80},
			want: Figures{11, 22, 33, 44, 55, 66, 77, 88},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.a
			got.Add(tt.b)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		part, whole int64
		want        int64
	}{
		{"zero whole", 5, 0, 0},
		{"negative whole", 5, -10, 0},
		{"zero part", 0, 10, 0},
		{"all", 10, 10, 10000},
		{"seven percent", 259_000_000_000, 3_700_000_000_000, 700},
		{"third rounds down", 1, 3, 3333},
		{"two thirds rounds down", 2, 3, 6666},
		{"half rounds down", 1, 20000, 0},
		{"just below a threshold does not reach it", 49_995, 100_000, 4999},
		{"negative rounds towards negative infinity", -1, 20000, -1},
		{"just below a basis point", 9_999, 100_000_000, 0},
		{"huge exact", math.MaxInt64, math.MaxInt64, 10000},
		{"huge half", math.MaxInt64 / 2, math.MaxInt64, 4999},
		{"saturates", math.MaxInt64, 1, math.MaxInt64},
		{"saturates low", math.MinInt64, 1, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Ratio(tt.part, tt.whole))
		})
	}
}

// A share is shown with one decimal rounded half up from the exact fraction: rounding it to basis points
// first would show 39.945 % as 40.0 %.
func TestShareIsShownRoundedOnce(t *testing.T) {
	t.Parallel()
	exact := func(part, whole int64) string {
		// tenths of a percent, half up: floor(part×1000/whole + 1/2)
		r := new(big.Rat).SetFrac64(part*1000, whole)
		r.Add(r, big.NewRat(1, 2))
		tenths := new(big.Int).Div(r.Num(), r.Denom()).Int64()
		return big.NewRat(tenths, 10).FloatString(1)
	}
	require.Equal(t, "39.9", money.FormatPercent(Ratio(39_945, 100_000)))
	require.Equal(t, "40.0", money.FormatPercent(Ratio(39_950, 100_000)))
	for whole := int64(1); whole <= 2_000; whole++ {
		for part := int64(0); part <= whole; part++ {
			if got, want := money.FormatPercent(Ratio(part, whole)), exact(part, whole); got != want {
				t.Fatalf("%d/%d shows %s%%, want %s%%", part, whole, got, want)
			}
		}
	}
}

func TestGapPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		value, threshold int64
		want             int64
	}{
		{"policy seed", 700, 5000, 4300},
		{"met exactly", 5000, 5000, 0},
		{"above", 6000, 5000, 0},
		{"from zero", 0, 10000, 10000},
		{"no overflow", math.MinInt64, math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, GapPoints(tt.value, tt.threshold))
		})
	}
}

func TestGapAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                       string
		total, domestic, threshold int64
		want                       int64
	}{
		// 37 bn market, 7% domestic, 50% target: 15.91 bn tenge missing.
		{"policy seed", 3_700_000_000_000, 259_000_000_000, 5000, 1_591_000_000_000},
		{"met exactly", 10000, 5000, 5000, 0},
		{"above", 10000, 9000, 5000, 0},
		{"empty scope", 0, 0, 5000, 0},
		{"needed amount rounds half up", 3, 0, 5000, 2},
		{"needed amount rounds down", 3, 0, 3333, 1},
		{"huge exact", math.MaxInt64, 0, 10000, math.MaxInt64},
		// round(MaxInt64/2) = MaxInt64/2 + 1, minus the 1 already domestic.
		{"huge half", math.MaxInt64, 1, 5000, math.MaxInt64 / 2},
		{"saturates", math.MaxInt64, -1, 10000, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, GapAmount(tt.total, tt.domestic, tt.threshold))
		})
	}
}
