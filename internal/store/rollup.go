package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// The rollup (migration 00016) holds counted items summed by month × category × region × buyer type ×
// method × tier, and by contract with its buyer and supplier. A scope that filters and groups by the cells'
// dimensions alone reads the cells, one grouped by buyer or supplier reads the contracts; the months at
// either end of its period come from the items when some of their items fall outside the period. A scope
// that names one buyer or supplier reads its items, through the contracts' buyer and supplier indexes: one
// party's items are few, and indexes of the rollup's contracts by party cost the import more than they
// saved (docs/performance.md § Rollups).

// cellsAnswer reports whether the cells hold what groupBy asks for.
func cellsAnswer(groupBy string) bool {
	return groupBy != "buyer" && groupBy != "supplier"
}

// rollupPlan is how a period is read: whole months [first, last] from the rollup (none when first is after
// last), and edges from the items.
type rollupPlan struct {
	first, last time.Time
	edges       [][2]time.Time
}

// planRollup splits [from, to] given the first signing date of the counted items in from's month and the
// last in to's month: a month at either end is whole when none of its items lies outside the period.
func planRollup(from, to, firstMonthStarts, lastMonthEnds time.Time) rollupPlan {
	mFrom, mTo := share.MonthOf(from), share.MonthOf(to)
	headWhole := !from.After(mFrom) || !firstMonthStarts.Before(from)
	tailWhole := !to.Before(mTo.AddDate(0, 1, -1)) || !lastMonthEnds.After(to)
	if mFrom.Equal(mTo) {
		if headWhole && tailWhole {
			return rollupPlan{first: mFrom, last: mTo}
		}
		return rollupPlan{first: mFrom, last: mFrom.AddDate(0, -1, 0), edges: [][2]time.Time{{from, to}}}
	}
	p := rollupPlan{first: mFrom, last: mTo}
	if !headWhole {
		p.first = mFrom.AddDate(0, 1, 0)
		p.edges = append(p.edges, [2]time.Time{from, p.first.AddDate(0, 0, -1)})
	}
	if !tailWhole {
		p.last = mTo.AddDate(0, -1, 0)
		p.edges = append(p.edges, [2]time.Time{mTo, to})
	}
	return p
}

// planRead says how scope's period [from, to] is read, and gives the id of its category (nil for every
// category; ErrNotFound for an unknown one). When the rollup is not whole (a write marked months it has not
// recomputed yet), when the scope names a buyer or a supplier, or when the store reads items only, the
// whole period is one edge, read from the items.
func (s *Store) planRead(ctx context.Context, db DBTX, scope share.Scope) (*int32, rollupPlan, error) {
	from, to := scope.From, scope.To
	items := rollupPlan{first: share.MonthOf(to).AddDate(0, 1, 0), last: share.MonthOf(to), edges: [][2]time.Time{{from, to}}}
	if from.After(to) {
		items.edges = nil // nothing to read
	}
	if from.After(to) || s.itemsOnly || scope.Buyer != "" || scope.Supplier != "" {
		categoryID, err := s.categoryOf(ctx, db, scope)
		return categoryID, items, err
	}
	state, err := s.q.ShareRollupState(ctx, db, dbq.ShareRollupStateParams{
		FirstMonth: share.MonthOf(from), LastMonth: share.MonthOf(to), CategorySlug: scope.Category,
	})
	if err != nil {
		return nil, rollupPlan{}, interpretError(err, "rollup state")
	}
	var categoryID *int32
	if scope.Category != "" {
		if state.CategoryID == 0 {
			return nil, rollupPlan{}, categoryNotFound(scope.Category)
		}
		categoryID = &state.CategoryID
	}
	if state.Dirty {
		return categoryID, items, nil
	}
	return categoryID, planRollup(from, to, state.FirstMonthStarts, state.LastMonthEnds), nil
}

// figures reads the plan's whole months from the rollup and its edges from the items, and adds them up by key.
func (s *Store) figures(ctx context.Context, db DBTX, categoryID *int32, scope share.Scope, groupBy string, plan rollupPlan) ([]share.Group, error) {
	var parts [][]share.Group
	if !plan.first.After(plan.last) {
		groups, err := s.wholeMonths(ctx, db, categoryID, scope, groupBy, plan.first, plan.last)
		if err != nil {
			return nil, err
		}
		parts = append(parts, groups)
	}
	for _, e := range plan.edges {
		edge := scope
		edge.From, edge.To = e[0], e[1]
		groups, err := s.itemFigures(ctx, db, categoryID, edge, groupBy)
		if err != nil {
			return nil, err
		}
		parts = append(parts, groups)
	}
	return mergeGroups(parts), nil
}

// wholeMonths reads the months first to last from the cells or, grouped by buyer or supplier, the contracts.
func (s *Store) wholeMonths(ctx context.Context, db DBTX, categoryID *int32, scope share.Scope, groupBy string, first, last time.Time) ([]share.Group, error) {
	if cellsAnswer(groupBy) {
		rows, err := s.q.ShareRollupFigures(ctx, db, dbq.ShareRollupFiguresParams{
			GroupBy: groupBy, CategoryID: categoryID, Unclassified: scope.Unclassified, MonthFrom: first, MonthTo: last,
			Regions: nonNil(scope.Regions), BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods),
			Tiers: tierCodes(scope),
		})
		if err != nil {
			return nil, interpretError(err, "rollup figures")
		}
		return groupsOf(rows, func(r dbq.ShareRollupFiguresRow) dbq.ShareFiguresRow { return dbq.ShareFiguresRow(r) }), nil
	}
	rows, err := s.q.ShareRollupContractFigures(ctx, db, dbq.ShareRollupContractFiguresParams{
		GroupBy: groupBy, CategoryID: categoryID, Unclassified: scope.Unclassified, MonthFrom: first, MonthTo: last,
		Regions: nonNil(scope.Regions), BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods),
		Tiers: tierCodes(scope),
	})
	if err != nil {
		return nil, interpretError(err, "rollup contract figures")
	}
	return groupsOf(rows, func(r dbq.ShareRollupContractFiguresRow) dbq.ShareFiguresRow { return dbq.ShareFiguresRow(r) }), nil
}

// groupsOf maps the rows of the three figures queries, which have the same columns in types sqlc names
// apart, to groups.
func groupsOf[R any](rows []R, as func(R) dbq.ShareFiguresRow) []share.Group {
	out := make([]share.Group, len(rows))
	for i, row := range rows {
		r := as(row)
		out[i] = share.Group{Key: r.Key, Figures: share.Figures{Total: r.Total, Domestic: r.Domestic,
			LocalContent: r.LocalContent, LocalContentCertified: r.LocalContentCertified, Items: r.Items,
			DomesticItems: r.DomesticItems, Contracts: r.Contracts, DomesticContracts: r.DomesticContracts}}
	}
	return out
}

// mergeGroups adds up groups of the same key. A contract lies in one month, so parts over disjoint months
// add up exactly, its contracts included.
func mergeGroups(parts [][]share.Group) []share.Group {
	if len(parts) == 1 {
		return parts[0]
	}
	var out []share.Group
	at := map[string]int{}
	for _, part := range parts {
		for _, g := range part {
			if i, ok := at[g.Key]; ok {
				out[i].Figures.Add(g.Figures)
				continue
			}
			at[g.Key] = len(out)
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b share.Group) int { return strings.Compare(a.Key, b.Key) })
	return out
}
