package share

import (
	"math"

	"github.com/ules-kz/ules/internal/money"
)

// Figures are the aggregates of one scope (a category, period, region...).
type Figures struct {
	Total    int64 // tiyn, all items in scope
	Domestic int64 // tiyn, items whose supplier is a domestic producer (tier 1)
	// LocalContent is Σ item value × the local-content fraction the source published (the portal's
	// ks_proc, the template's local_content_percent), in tiyn.
	LocalContent int64
	// LocalContentCertified is Σ item value × Ki, the fraction a valid ST-KZ certificate of the supplier
	// gives the good as of the signing date (0 without one): the national methodology (Order No. 260).
	LocalContentCertified int64

	Items, DomesticItems         int64
	Contracts, DomesticContracts int64
}

// NonDomestic is the value that went to suppliers other than domestic producers.
func (f Figures) NonDomestic() int64 { return f.Total - f.Domestic }

// DomesticShare returns Domestic/Total in basis points, rounded half away
// from zero; it is 0 when Total is 0.
func (f Figures) DomesticShare() int64 { return Ratio(f.Domestic, f.Total) }

// DomesticShareByCount returns DomesticItems/Items in basis points.
func (f Figures) DomesticShareByCount() int64 { return Ratio(f.DomesticItems, f.Items) }

// DomesticShareByContracts returns DomesticContracts/Contracts in basis
// points.
func (f Figures) DomesticShareByContracts() int64 {
	return Ratio(f.DomesticContracts, f.Contracts)
}

// LocalContentShare returns LocalContent/Total in basis points: the local-content share as published.
func (f Figures) LocalContentShare() int64 { return Ratio(f.LocalContent, f.Total) }

// LocalContentCertifiedShare returns LocalContentCertified/Total in basis points, KC = Σ(CTi × Ki) / S of
// the national methodology (Order No. 260) over the scope's items.
func (f Figures) LocalContentCertifiedShare() int64 { return Ratio(f.LocalContentCertified, f.Total) }

// Add accumulates o into f field by field, e.g. to roll months up into a
// year or categories into a total.
func (f *Figures) Add(o Figures) {
	f.Total += o.Total
	f.Domestic += o.Domestic
	f.LocalContent += o.LocalContent
	f.LocalContentCertified += o.LocalContentCertified
	f.Items += o.Items
	f.DomesticItems += o.DomesticItems
	f.Contracts += o.Contracts
	f.DomesticContracts += o.DomesticContracts
}

// Ratio returns part/whole in basis points, rounded down and computed exactly
// (money.MulDivDown): 49.995 % is 4999 and does not meet 50 %. It is 0 when
// whole <= 0 so that empty scopes read as 0%. A result beyond int64 (part far
// larger than whole) saturates.
func Ratio(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return money.MulDivDown(part, money.BasisPointsPerUnit, whole)
}

// GapPoints returns how many basis points value lacks to reach threshold,
// max(0, threshold-value).
func GapPoints(value, threshold int64) int64 {
	if value >= threshold {
		return 0
	}
	if gap := threshold - value; gap > 0 {
		return gap
	}
	return math.MaxInt64 // the subtraction wrapped
}

// GapAmount returns the tiyn that would have to move to domestic producers
// for domestic to reach threshold basis points of total:
// max(0, round(total×threshold/10000) − domestic), computed exactly.
func GapAmount(total, domestic, threshold int64) int64 {
	need := money.MulDiv(total, threshold, money.BasisPointsPerUnit)
	if need <= domestic {
		return 0
	}
	if gap := need - domestic; gap > 0 {
		return gap
	}
	return math.MaxInt64 // the subtraction wrapped
}
