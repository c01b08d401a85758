package store

import (
	"context"
	"time"

	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/tier"
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
	ValidFrom              time.Time
	ValidTo                *time.Time
	Capacity               string // a decimal, "" when not stated
	CapacityUnit, Source   string
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
		re := RegisterEntry{EnstruPrefix: e.EnstruPrefix, Category: e.Category, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo,
			CapacityUnit: e.CapacityUnit, Source: e.Source}
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
