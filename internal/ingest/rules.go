package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

// loadImportRules reads the reference lists an import checks fields against.
func loadImportRules(ctx context.Context, tx pgx.Tx, q *dbq.Queries, now time.Time) (*fieldtext.Rules, error) {
	codes, err := q.RegionCodeList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load regions: %w", err)
	}
	statuses, err := q.ContractStatusList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load contract statuses: %w", err)
	}
	r := &fieldtext.Rules{Regions: make(map[string]bool, len(codes)), LatestSigning: now.AddDate(1, 0, 0)}
	for _, c := range codes {
		r.Regions[c] = true
	}
	r.Statuses = statusAliases(statuses)
	return r, nil
}

// statusAliases lets a spreadsheet name a status by its code, the portal's symbol or a name in any of the
// three languages. Codes win over names, and the portal's names over OCDS's, which the list gives later.
func statusAliases(rows []dbq.ContractStatusListRow) map[string]string {
	out := make(map[string]string, 4*len(rows))
	for _, r := range rows {
		out[strings.ToLower(r.Code)] = r.Code
	}
	for _, r := range rows {
		for _, alias := range []string{r.Symbol, r.NameRu, r.NameKk, r.NameEn} {
			alias = strings.ToLower(strings.TrimSpace(alias))
			if _, taken := out[alias]; !taken && alias != "" {
				out[alias] = r.Code
			}
		}
	}
	return out
}
