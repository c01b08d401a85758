package store

import (
	"context"

	"github.com/ules-kz/ules/internal/share"
)

// Buyer is a procuring organisation.
type Buyer struct {
	BIN         string
	Names       share.Names
	Type        string // share.BuyerTypes
	Region      string // two-digit KATO prefix, "" when unknown
	RegionNames share.Names
}

// BuyerGetByBIN returns the buyer with bin.
func (s *Store) BuyerGetByBIN(ctx context.Context, db DBTX, bin string) (Buyer, error) {
	r, err := s.q.BuyerGetByBIN(ctx, db, bin)
	if err != nil {
		return Buyer{}, interpretError(err, "buyer %s", bin)
	}
	b := Buyer{BIN: r.BIN, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}, Type: r.BuyerType,
		RegionNames: share.Names{KK: r.RegionNameKk, RU: r.RegionNameRu, EN: r.RegionNameEn}}
	if r.Region != nil {
		b.Region = *r.Region
	}
	return b, nil
}
