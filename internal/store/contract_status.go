package store

import (
	"context"

	"github.com/ules-kz/ules/internal/share"
)

// ContractStatus is one row of the table that decides what counts (docs/methodology.md): a status, its
// names, and whether a contract in it counts at its value ("value"), at what was paid ("paid") or not at
// all ("none").
type ContractStatus struct {
	Scheme string // portal, ocds or sheet
	Code   string
	Symbol string
	Names  share.Names
	Counts string
}

// ContractStatusList lists the status table: a spreadsheet's unstated status, the portal's statuses by code,
// then OCDS's.
func (s *Store) ContractStatusList(ctx context.Context, db DBTX) ([]ContractStatus, error) {
	rows, err := s.q.ContractStatusList(ctx, db)
	if err != nil {
		return nil, interpretError(err, "list contract statuses")
	}
	out := make([]ContractStatus, len(rows))
	for i, r := range rows {
		out[i] = ContractStatus{Scheme: r.Scheme, Code: r.Code, Symbol: r.Symbol,
			Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}, Counts: r.Counts}
	}
	return out, nil
}
