package share

import "time"

// GroupBy values a breakdown accepts.
var GroupBy = []string{"region", "buyer", "supplier", "month"}

// Scope is the filter every figure is computed from: a category, signing dates (inclusive) and a region.
type Scope struct {
	Category string
	From, To time.Time
	Region   string // two-digit KATO prefix, "" for the whole country
}

// Group is the figures of one key of a breakdown.
type Group struct {
	Key   string
	Names Names
	Figures
}
