// Package tier decides who supplied a contract item: a domestic producer, a resident supplier or a
// non-resident, and which rule said so. It is the one statement of the rule in Go; the SQL function
// supplier_tier_rule (migration 00013) states the same rule for the merges, and TestGoAndSQLAgree holds the
// two to each other.
package tier

import (
	"fmt"
	"strings"
	"time"
)

// SupplierTier is what an item's supplier was as of the signing date; contract_items.tier stores it.
type SupplierTier int16

// The tiers, in the order the figures rank them: only DomesticProducer counts towards the domestic share.
const (
	DomesticProducer SupplierTier = 1
	ResidentSupplier SupplierTier = 2
	NonResident      SupplierTier = 3
)

// String names the tier as the API does.
func (t SupplierTier) String() string {
	switch t {
	case DomesticProducer:
		return "domestic_producer"
	case ResidentSupplier:
		return "resident_supplier"
	case NonResident:
		return "non_resident"
	}
	return fmt.Sprintf("tier(%d)", int16(t))
}

// Rule names why an item got its tier; contract_items.tier_rule stores it.
type Rule string

// The rules, in the order they are tried: the first that holds decides.
const (
	// RuleRegister: the supplier's BIN is on the register of domestic producers for the item's ENSTRU code
	// or category as of the signing date.
	RuleRegister Rule = "register"
	// RuleCertificate: the supplier holds an ST-KZ certificate of origin for the item's ENSTRU code that
	// is valid on the signing date.
	RuleCertificate Rule = "certificate"
	// RulePortalFlag: the source marks the supplier as a domestic producer.
	RulePortalFlag Rule = "portal_flag"
	// RuleResident: a resident of Kazakhstan that none of the rules above makes a producer.
	RuleResident Rule = "resident"
	// RuleNonResident: everyone else.
	RuleNonResident Rule = "non_resident"
)

// Rules lists every rule in the order Decide tries them.
var Rules = []Rule{RuleRegister, RuleCertificate, RulePortalFlag, RuleResident, RuleNonResident}

// Tier is the tier a rule gives, as the SQL function tier_of_rule says.
func (r Rule) Tier() SupplierTier {
	switch r {
	case RuleResident:
		return ResidentSupplier
	case RuleNonResident:
		return NonResident
	}
	return DomesticProducer
}

// Item is what of a contract item the rules look at.
type Item struct {
	SignedOn   time.Time
	ENSTRU     string // as published, with or without dots
	CategoryID *int32 // nil when no category rule matched
}

// RegisterEntry is one entry of the register of domestic producers for a BIN. An entry names an ENSTRU
// prefix, a category, or neither (then it covers everything the producer makes).
type RegisterEntry struct {
	ENSTRUPrefix string // digits only, "" for none
	CategoryID   *int32
	ValidFrom    time.Time
	ValidTo      *time.Time // nil: open-ended
}

// Covers says whether the entry makes its producer a domestic producer of the item.
func (e RegisterEntry) Covers(it Item) bool {
	if e.ValidFrom.After(it.SignedOn) || (e.ValidTo != nil && e.ValidTo.Before(it.SignedOn)) {
		return false
	}
	switch {
	case e.ENSTRUPrefix != "" && strings.HasPrefix(digits(it.ENSTRU), e.ENSTRUPrefix):
		return true
	case e.CategoryID != nil && it.CategoryID != nil && *e.CategoryID == *it.CategoryID:
		return true
	}
	return e.ENSTRUPrefix == "" && e.CategoryID == nil
}

// Certificate is one ST-KZ certificate of origin held by a BIN.
type Certificate struct {
	ENSTRUPrefix string // digits only
	Issued       time.Time
	Expires      time.Time
}

// Covers says whether the certificate was valid on the signing date for the item's product.
func (c Certificate) Covers(it Item) bool {
	return !c.Issued.After(it.SignedOn) && !c.Expires.Before(it.SignedOn) &&
		strings.HasPrefix(digits(it.ENSTRU), c.ENSTRUPrefix)
}

// Supplier is what the rules know of a supplier: the source's flags, and the register entries and
// certificates filed under its BIN (none for a supplier without a BIN).
type Supplier struct {
	PortalProducer bool
	Resident       bool
	Register       []RegisterEntry
	Certificates   []Certificate
}

// Decide returns the first rule that holds for the item, in the order of Rules.
func Decide(s Supplier, it Item) Rule {
	for _, e := range s.Register {
		if e.Covers(it) {
			return RuleRegister
		}
	}
	for _, c := range s.Certificates {
		if c.Covers(it) {
			return RuleCertificate
		}
	}
	return ByFlags(s.PortalProducer, s.Resident)
}

// ByFlags is Decide for a supplier with no register entry and no certificate at all: the source's flags
// decide. The direct load uses it for every supplier it did not find on the register or certificates.
func ByFlags(portalProducer, resident bool) Rule {
	switch {
	case portalProducer:
		return RulePortalFlag
	case resident:
		return RuleResident
	}
	return RuleNonResident
}

func digits(enstru string) string {
	if strings.IndexByte(enstru, '.') < 0 {
		return enstru
	}
	return strings.ReplaceAll(enstru, ".", "")
}
