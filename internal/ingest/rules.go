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

// importRules are the reference lists an import checks records against, as they stand in its transaction.
type importRules struct {
	regions map[string]bool // first-level KATO codes
	// statuses maps a contract status as a spreadsheet may write it (its code, the portal's symbol, or a
	// name, in lower case) to its code in contract_statuses.
	statuses      map[string]string
	latestSigning time.Time // a signing date after it is a typo
}

func loadImportRules(ctx context.Context, tx pgx.Tx, q *dbq.Queries, now time.Time) (*importRules, error) {
	codes, err := q.RegionCodeList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load regions: %w", err)
	}
	statuses, err := q.ContractStatusList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load contract statuses: %w", err)
	}
	r := &importRules{regions: make(map[string]bool, len(codes)), latestSigning: now.AddDate(1, 0, 0)}
	for _, c := range codes {
		r.regions[c] = true
	}
	r.statuses = statusAliases(statuses)
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

// sheetStatus turns a spreadsheet's status into its code; "" (not stated) is a concluded contract.
func (s *stager) sheetStatus(field, given string) (string, error) {
	if s.rules == nil || given == "" {
		return given, nil
	}
	if code, ok := s.rules.statuses[strings.ToLower(strings.TrimSpace(given))]; ok {
		return code, nil
	}
	return "", fieldtext.Errorf(field, "%q is no contract status Ules knows: give the portal's code (190) or name (Действует), an OCDS status (active, terminated, pending, cancelled), or leave it empty for a concluded contract", given)
}

// checkRegion refuses a KATO code whose first two digits are none of the regions'.
func (s *stager) checkRegion(field, kato string) error {
	if s.rules == nil || len(kato) < 2 || s.rules.regions[kato[:2]] {
		return nil
	}
	return fieldtext.Errorf(field, "%q names no region: KATO codes start with one of the 20 regions' two-digit codes (71 Astana, 75 Almaty, ...)", kato)
}

// checkSigned refuses a signing date more than a year ahead, which is a typo rather than a contract.
func (s *stager) checkSigned(field string, signed *time.Time) error {
	if s.rules == nil || signed == nil || !signed.After(s.rules.latestSigning) {
		return nil
	}
	return fieldtext.Errorf(field, "%s is more than a year from today: check the date", signed.Format(time.DateOnly))
}
