package share

import "time"

// GroupBy values a breakdown accepts.
var GroupBy = []string{"region", "buyer", "supplier", "month"}

// BuyerTypes are the kinds of buyer a scope may be limited to (buyers.buyer_type).
var BuyerTypes = []string{"state_body", "education", "akimat", "national_company", "defence"}

// Filter is what a figure covers apart from dates: a category and, each optional (empty means all),
// regions (two-digit KATO prefixes), buyer types and procurement methods as the contracts state them.
type Filter struct {
	Category   string
	Regions    []string
	BuyerTypes []string
	Methods    []string
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
