package store

import (
	"context"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/tier"
	"github.com/ules-kz/ules/internal/units"
)

// Supplier is a supplier with what the sources say of it.
type Supplier struct {
	ID              int64
	Identifier      string // BIN or IIN of a Kazakhstani supplier, the foreign tax number of others
	BIN             string
	Names           share.Names
	Country         string
	Resident        bool
	PortalProducer  bool // the portal marks it a domestic producer
	NationalCompany bool
}

// TierYear is what decided a supplier's tier in one year: the rule and the items and value it decided.
type TierYear struct {
	Year  int
	Tier  tier.SupplierTier
	Rule  string
	Items int64
	Value int64
}

// RegisterEntry is one entry of the register of domestic producers.
type RegisterEntry struct {
	EnstruPrefix, Category string
	CategoryNames          share.Names
	ValidFrom              time.Time
	ValidTo                *time.Time
	Capacity               string // a decimal, "" when not stated
	CapacityUnit, Source   string
	Region                 Region // where the producer is; Code "" when the entry does not say
}

// Certificate is an ST-KZ certificate of origin.
type Certificate struct {
	Number, EnstruPrefix string
	LocalContent         int64 // bp
	Issued, Expires      time.Time
}

// SupplierDossier is everything a supplier's page shows but its contracts.
type SupplierDossier struct {
	Supplier
	Tiers        []TierYear
	Register     []RegisterEntry
	Certificates []Certificate
}

// SupplierGet returns the supplier with identifier, its tier year by year, its register entries and its
// certificates.
func (s *Store) SupplierGet(ctx context.Context, db DBTX, identifier string) (SupplierDossier, error) {
	r, err := s.q.SupplierGetByIdentifier(ctx, db, identifier)
	if err != nil {
		return SupplierDossier{}, interpretError(err, "supplier %s", identifier)
	}
	d := SupplierDossier{Supplier: Supplier{ID: r.ID, Identifier: r.Identifier, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn},
		Country: r.Country, Resident: r.Resident, PortalProducer: r.PortalProducer, NationalCompany: r.NationalCompany}}
	if r.BIN != nil {
		d.BIN = *r.BIN
	}
	years, err := s.q.SupplierTierHistory(ctx, db, r.ID)
	if err != nil {
		return d, interpretError(err, "tiers of supplier %s", identifier)
	}
	for _, y := range years {
		d.Tiers = append(d.Tiers, TierYear{Year: int(y.Year), Tier: tier.SupplierTier(y.Tier), Rule: y.TierRule, Items: y.Items, Value: y.Value})
	}
	if d.BIN == "" {
		return d, nil
	}
	entries, err := s.q.RegisterListByBIN(ctx, db, d.BIN)
	if err != nil {
		return d, interpretError(err, "register entries of %s", d.BIN)
	}
	for _, e := range entries {
		re := RegisterEntry{EnstruPrefix: e.EnstruPrefix, Category: e.Category,
			CategoryNames: share.Names{KK: e.CategoryKk, RU: e.CategoryRu, EN: e.CategoryEn}, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo,
			CapacityUnit: e.CapacityUnit, Source: e.Source,
			Region: Region{Code: e.Region, Names: share.Names{KK: e.RegionKk, RU: e.RegionRu, EN: e.RegionEn}}}
		if e.Capacity != nil {
			re.Capacity = *e.Capacity
		}
		d.Register = append(d.Register, re)
	}
	certs, err := s.q.CertificateListByBIN(ctx, db, d.BIN)
	if err != nil {
		return d, interpretError(err, "certificates of %s", d.BIN)
	}
	for _, c := range certs {
		d.Certificates = append(d.Certificates, Certificate{Number: c.Number, EnstruPrefix: c.EnstruPrefix,
			LocalContent: int64(c.LocalContentBp), Issued: c.Issued, Expires: c.Expires})
	}
	return d, nil
}

// Capacity is a registered domestic producer of a scope's category, its stated annual capacity and what it
// won in the scope.
type Capacity struct {
	BIN, SupplierID    string // SupplierID is "" for a producer that never supplied anything on record
	Names              share.Names
	Capacity           string // a decimal; "" when the register states none
	Unit               string
	WonValue, WonItems int64
	// WonQuantity is what the producer won in the capacity's unit (a decimal), every countable unit for a
	// capacity in "items" (units.CapacityMeasure); the sum of every quantity when the capacity's unit is
	// not one units knows, Compared then false.
	WonQuantity string
	Compared    bool
	// Elsewhere is what it won in other units than the capacity's, left out of the spare capacity.
	Elsewhere []Quantity
	Region    Region // where the register places the producer; Code "" when it does not say
	// Years is how many calendar years the period touches: the capacity is a year's, and what was won
	// over a schedule's span of several years is measured against as many years of it.
	Years int
}

// Quantity is an amount of goods in a unit as the items give it (a code of the classifier, or a word).
type Quantity struct {
	Quantity string // a decimal
	Unit     string
}

// won sorts what a producer won by unit into what its capacity is stated in and what it is not.
func (c *Capacity) won(itemUnits, quantities []string) {
	measure := units.CapacityMeasure(c.Unit)
	c.Compared = measure.Known
	sum := new(big.Rat)
	for i, u := range itemUnits {
		q, ok := new(big.Rat).SetString(quantities[i])
		if !ok {
			continue
		}
		if !measure.Known || measure.Counts(u) {
			sum.Add(sum, q)
		} else {
			c.Elsewhere = append(c.Elsewhere, Quantity{Quantity: decimalOf(q), Unit: u})
		}
	}
	c.WonQuantity = decimalOf(sum)
}

// decimalOf writes r with at most three decimals, none trailing.
func decimalOf(r *big.Rat) string {
	return strings.TrimSuffix(strings.TrimRight(r.FloatString(3), "0"), ".")
}

// periodCapacity is the capacity over the period's years, false without a stated one.
func (c Capacity) periodCapacity() (*big.Rat, bool) {
	capacity, ok := new(big.Rat).SetString(c.Capacity)
	if c.Capacity == "" || !ok {
		return nil, false
	}
	return capacity.Mul(capacity, big.NewRat(int64(max(c.Years, 1)), 1)), true
}

// Spare is the capacity not used by what the producer won, "" when the register states no capacity.
// Capacity is a year's: for part of a year it is what is left of the year's, over several years of theirs.
func (c Capacity) Spare() string {
	spare, ok := c.spare()
	if !ok {
		return ""
	}
	return decimalOf(spare)
}

// spare is Spare as a number, which the list is ordered by.
func (c Capacity) spare() (*big.Rat, bool) {
	capacity, ok := c.periodCapacity()
	if !ok {
		return nil, false
	}
	won, ok := new(big.Rat).SetString(c.WonQuantity)
	if !ok {
		won = new(big.Rat)
	}
	return capacity.Sub(capacity, won), true
}

// Load is the share of the capacity used, in bp; false when the register states no capacity.
func (c Capacity) Load() (int64, bool) {
	capacity, ok := c.periodCapacity()
	if !ok || capacity.Sign() <= 0 {
		return 0, false
	}
	won, ok := new(big.Rat).SetString(c.WonQuantity)
	if !ok {
		return 0, false
	}
	q := new(big.Rat).Quo(won, capacity)
	num := new(big.Int).Mul(q.Num(), big.NewInt(money.BasisPointsPerUnit))
	return money.QuotientDown(num, q.Denom()), true // as share.Ratio, shown rounded once
}

// RegisterListCapacity lists up to limit registered producers of the scope's category with their spare
// capacity, the most spare first; those without a stated capacity last.
func (s *Store) RegisterListCapacity(ctx context.Context, db DBTX, scope share.Scope, limit int32) ([]Capacity, error) {
	cat, err := s.CategoryGetBySlug(ctx, db, scope.Category)
	if err != nil {
		return nil, err
	}
	years := scope.To.Year() - scope.From.Year() + 1
	rows, err := s.q.RegisterListCapacity(ctx, db, dbq.RegisterListCapacityParams{CategoryID: cat.ID, DateFrom: scope.From,
		DateTo: scope.To, Regions: nonNil(scope.Regions), BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods)})
	if err != nil {
		return nil, interpretError(err, "producers of %s", scope.Category)
	}
	out := make([]Capacity, len(rows))
	spare := make([]*big.Rat, len(rows))
	for i, r := range rows {
		out[i] = Capacity{BIN: r.BIN, SupplierID: r.SupplierID, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn},
			Unit: r.CapacityUnit, WonValue: r.WonValue, WonItems: r.WonItems, Years: years,
			Region: Region{Code: r.Region, Names: share.Names{KK: r.RegionKk, RU: r.RegionRu, EN: r.RegionEn}}}
		if r.Capacity != nil {
			out[i].Capacity = *r.Capacity
		}
		out[i].won(r.WonUnits, r.WonQuantities)
		spare[i], _ = out[i].spare()
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	// The most spare first, then by BIN; without a stated capacity last.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case spare[a] == nil && spare[b] == nil:
			return 0
		case spare[a] == nil:
			return 1
		case spare[b] == nil:
			return -1
		}
		return spare[b].Cmp(spare[a])
	})
	sorted := make([]Capacity, 0, min(len(out), int(max(limit, 0))))
	for _, i := range order[:min(len(order), int(max(limit, 0)))] {
		sorted = append(sorted, out[i])
	}
	return sorted, nil
}
