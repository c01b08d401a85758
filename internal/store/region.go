package store

import (
	"context"

	"github.com/ules-kz/ules/internal/share"
)

// Region is a first-level KATO region.
type Region struct {
	Code  string
	Names share.Names
}

// RegionList lists the 20 regions by code.
func (s *Store) RegionList(ctx context.Context, db DBTX) ([]Region, error) {
	rows, err := s.q.RegionList(ctx, db)
	if err != nil {
		return nil, interpretError(err, "list regions")
	}
	out := make([]Region, len(rows))
	for i, r := range rows {
		out[i] = Region{Code: r.Code, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}}
	}
	return out, nil
}
