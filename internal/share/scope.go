package share

import (
	"cmp"
	"slices"
	"time"

	"github.com/ules-kz/ules/internal/tier"
)

// GroupBy values a breakdown accepts.
var GroupBy = []string{"category", "region", "buyer", "buyer_type", "supplier", "method", "tier", "month", "year"}

// BuyerTypes are the kinds of buyer a scope may be limited to (buyers.buyer_type).
var BuyerTypes = []string{"state_body", "education", "akimat", "national_company", "defence"}

// Filter is what a figure covers apart from dates: a category and, each optional (empty means all),
// regions (two-digit KATO prefixes), buyer types and procurement methods as the contracts state them. The
// explorer narrows further, by supplier tier, one buyer (BIN) or one supplier (identifier); a target's
// category is required, the explorer's is not.
type Filter struct {
	Category   string
	Regions    []string
	BuyerTypes []string
	Methods    []string
	Tiers      []tier.SupplierTier
	Buyer      string
	Supplier   string
	// Unclassified keeps only the items no category rule matched (with an empty Category).
	Unclassified bool
}

// Scope is the filter every figure is computed from, over signing dates (inclusive).
type Scope struct {
	Filter
	From, To time.Time
}

// Group is the figures of one key of a breakdown.
type Group struct {
	Key   string
	Names Names
	Figures
}

// PullingDown keeps the groups whose share by metric falls short of threshold bp and ranks them by the
// tenge that went to suppliers other than domestic producers, the most first: the buyers (or regions)
// that pull a share down. A group at or above the threshold pushes it up, however much it bought
// elsewhere. Ties keep their order.
func PullingDown(groups []Group, metric string, threshold int64) []Group {
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		if g.NonDomestic() > 0 && !reaches(MetricFigures(metric, g.Figures), threshold) {
			out = append(out, g)
		}
	}
	slices.SortStableFunc(out, func(a, b Group) int { return cmp.Compare(b.NonDomestic(), a.NonDomestic()) })
	return out
}
