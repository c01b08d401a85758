package store

import (
	"context"
	"strconv"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// SharesGet returns the figures of the scope and, when groupBy (one of share.GroupBy) is set, its
// breakdown, each group labelled in the three languages.
// An empty scope.Category is every category, and items no category rule matched.
func (s *Store) SharesGet(ctx context.Context, db DBTX, scope share.Scope, groupBy string) (share.Figures, []share.Group, error) {
	categoryID, plan, err := s.planRead(ctx, db, scope)
	if err != nil {
		return share.Figures{}, nil, err
	}
	total, err := s.figures(ctx, db, categoryID, scope, "", plan)
	if err != nil {
		return share.Figures{}, nil, err
	}
	var all share.Figures
	if len(total) == 1 {
		all = total[0].Figures
	}
	if groupBy == "" {
		return all, nil, nil
	}
	groups, err := s.groups(ctx, db, categoryID, scope, groupBy, plan)
	return all, groups, err
}

// ShareGroupsGet is SharesGet's breakdown alone, for callers that have the scope's figures or need none:
// it spares the query of the whole.
func (s *Store) ShareGroupsGet(ctx context.Context, db DBTX, scope share.Scope, groupBy string) ([]share.Group, error) {
	categoryID, plan, err := s.planRead(ctx, db, scope)
	if err != nil {
		return nil, err
	}
	return s.groups(ctx, db, categoryID, scope, groupBy, plan)
}

// categoryOf is the id of the scope's category, nil for every category.
func (s *Store) categoryOf(ctx context.Context, db DBTX, scope share.Scope) (*int32, error) {
	if scope.Category == "" {
		return nil, nil
	}
	cat, err := s.CategoryGetBySlug(ctx, db, scope.Category)
	if err != nil {
		return nil, err
	}
	return &cat.ID, nil
}

func (s *Store) groups(ctx context.Context, db DBTX, categoryID *int32, scope share.Scope, groupBy string, plan rollupPlan) ([]share.Group, error) {
	groups, err := s.figures(ctx, db, categoryID, scope, groupBy, plan)
	if err != nil {
		return nil, err
	}
	if err := s.label(ctx, db, groupBy, groups); err != nil {
		return nil, err
	}
	return groups, nil
}

// itemFigures aggregates the counted items themselves.
func (s *Store) itemFigures(ctx context.Context, db DBTX, categoryID *int32, scope share.Scope, groupBy string) ([]share.Group, error) {
	rows, err := s.q.ShareFigures(ctx, db, dbq.ShareFiguresParams{
		GroupBy: groupBy, CategoryID: categoryID, DateFrom: scope.From, DateTo: scope.To,
		Regions: nonNil(scope.Regions), BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods),
		Tiers: tierCodes(scope), BuyerBin: optional(scope.Buyer), SupplierID: optional(scope.Supplier),
		Unclassified: scope.Unclassified,
	})
	if err != nil {
		return nil, interpretError(err, "share figures")
	}
	return groupsOf(rows, func(r dbq.ShareFiguresRow) dbq.ShareFiguresRow { return r }), nil
}

// label names each group's key; a key without a name is its own label.
func (s *Store) label(ctx context.Context, db DBTX, groupBy string, groups []share.Group) error {
	keys := make([]string, len(groups))
	for i, g := range groups {
		keys[i] = g.Key
	}
	names := map[string]share.Names{}
	switch groupBy {
	case "region":
		regions, err := s.RegionList(ctx, db)
		if err != nil {
			return err
		}
		for _, r := range regions {
			names[r.Code] = r.Names
		}
	case "category":
		cats, err := s.CategoryList(ctx, db)
		if err != nil {
			return err
		}
		byID := map[string]Category{}
		for _, c := range cats {
			byID[strconv.Itoa(int(c.ID))] = c
		}
		for i, g := range groups {
			if c, ok := byID[g.Key]; ok {
				groups[i].Key = c.Slug // the key a filter takes
				names[c.Slug] = c.Names
			}
		}
	case "buyer":
		rows, err := s.q.BuyerNamesByBIN(ctx, db, keys)
		if err != nil {
			return interpretError(err, "buyer names")
		}
		for _, r := range rows {
			names[r.BIN] = share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}
		}
	case "supplier":
		rows, err := s.q.SupplierNamesByIdentifier(ctx, db, keys)
		if err != nil {
			return interpretError(err, "supplier names")
		}
		for _, r := range rows {
			names[r.Identifier] = share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}
		}
	}
	for i := range groups {
		n, ok := names[groups[i].Key]
		if !ok {
			n = share.Names{KK: groups[i].Key, RU: groups[i].Key, EN: groups[i].Key}
		}
		groups[i].Names = n
	}
	return nil
}

// optional is NULL for an empty filter value.
func optional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// tierCodes is the scope's tiers as the database stores them.
func tierCodes(scope share.Scope) []int16 {
	codes := make([]int16, len(scope.Tiers))
	for i, t := range scope.Tiers {
		codes[i] = int16(t)
	}
	return codes
}
