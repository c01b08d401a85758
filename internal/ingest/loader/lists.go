package loader

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

// ImportRules reads the reference lists an import checks fields against; now is the import's time.
func ImportRules(ctx context.Context, tx pgx.Tx, now time.Time) (*fieldtext.Rules, error) {
	q := dbq.New()
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
	r.Statuses, r.AmbiguousStatuses = statusAliases(statuses)
	methods, err := q.TradeMethodList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load procurement methods: %w", err)
	}
	r.Methods = methodAliases(methods)
	return r, nil
}

// methodAliases lets a spreadsheet name a procurement method by the portal's code, or by a symbol or name
// in any of the three languages that no other method shares: several auctions share a symbol (АУК), and
// such a name is kept as written rather than guessed.
func methodAliases(rows []dbq.TradeMethodListRow) map[string]string {
	out := make(map[string]string, 4*len(rows))
	names := map[string]map[string]bool{}
	for _, r := range rows {
		out[strings.ToLower(r.Code)] = r.Code
		for _, alias := range []string{r.Symbol, r.NameRu, r.NameKk, r.NameEn} {
			if alias = strings.ToLower(strings.TrimSpace(alias)); alias != "" {
				if names[alias] == nil {
					names[alias] = map[string]bool{}
				}
				names[alias][r.Code] = true
			}
		}
	}
	for alias, codes := range names {
		if _, taken := out[alias]; !taken && len(codes) == 1 {
			for code := range codes {
				out[alias] = code
			}
		}
	}
	return out
}

// statusAliases lets a spreadsheet name a status by its code, the portal's symbol or a name in any of the
// three languages. Codes win over names, and the portal's names over OCDS's, which the list gives later,
// where the statuses a word may mean count alike; where they do not (the portal's symbol "Cancelled" is
// its 350, terminated by agreement, which counts what was paid, and OCDS's code "cancelled" counts
// nothing), the word is ambiguous, and refused.
func statusAliases(rows []dbq.ContractStatusListRow) (aliases map[string]string, ambiguous map[string][]string) {
	aliases = make(map[string]string, 4*len(rows))
	byCode := make(map[string]dbq.ContractStatusListRow, len(rows))
	for _, r := range rows {
		aliases[strings.ToLower(r.Code)] = r.Code
		byCode[r.Code] = r
	}
	meanings := map[string][]string{} // a word that names statuses counted differently → their codes
	for _, r := range rows {
		for _, alias := range []string{r.Symbol, r.NameRu, r.NameKk, r.NameEn} {
			alias = strings.ToLower(strings.TrimSpace(alias))
			if alias == "" {
				continue
			}
			taken, ok := aliases[alias]
			switch {
			case !ok:
				aliases[alias] = r.Code
			case taken != r.Code && byCode[taken].Counts != r.Counts:
				if len(meanings[alias]) == 0 {
					meanings[alias] = []string{taken}
				}
				if !slices.Contains(meanings[alias], r.Code) {
					meanings[alias] = append(meanings[alias], r.Code)
				}
			}
		}
	}
	// Each meaning as it can be written unambiguously: its code, or its Russian name where the code is
	// the word itself.
	ambiguous = make(map[string][]string, len(meanings))
	for alias, codes := range meanings {
		delete(aliases, alias)
		for _, c := range codes {
			way := c + " (" + byCode[c].NameRu + ")"
			if strings.ToLower(c) == alias {
				way = byCode[c].NameRu
			}
			ambiguous[alias] = append(ambiguous[alias], way)
		}
	}
	return aliases, ambiguous
}

// Classifier builds the category rules as they stand in this transaction.
func Classifier(ctx context.Context, tx pgx.Tx) (*classify.Classifier, error) {
	rows, err := dbq.New().CategoryRuleList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load category rules: %w", err)
	}
	return classify.New(categoryRules(rows))
}

// categoryRules groups the stored rule rows into classifier rules.
func categoryRules(rows []dbq.CategoryRuleListRow) []classify.Rule {
	var rules []classify.Rule
	for _, r := range rows {
		if len(rules) == 0 || rules[len(rules)-1].CategoryID != int64(r.CategoryID) {
			rules = append(rules, classify.Rule{CategoryID: int64(r.CategoryID), Slug: r.Slug, Priority: int(r.Priority)})
		}
		last := &rules[len(rules)-1]
		switch r.Kind {
		case "enstru_prefix":
			last.EnstruPrefixes = append(last.EnstruPrefixes, r.Pattern)
		case "keyword":
			last.Keywords = append(last.Keywords, r.Pattern)
		}
	}
	return rules
}

// CategorySlugs maps the categories' slugs to their ids.
func CategorySlugs(ctx context.Context, tx pgx.Tx) (map[string]int32, error) {
	rows, err := dbq.New().CategoryList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load categories: %w", err)
	}
	out := make(map[string]int32, len(rows))
	for _, c := range rows {
		out[c.Slug] = c.ID
	}
	return out, nil
}
