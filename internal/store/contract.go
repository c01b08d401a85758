package store

import (
	"context"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/tier"
)

// ContractFilter selects contracts with items in scope; Domestic, when set, keeps contracts whose in-scope
// items come from a domestic producer (true) or not (false).
type ContractFilter struct {
	share.Scope
	Domestic *bool
}

// Cursor is the position after the last contract of a page (contracts are ordered newest first).
type Cursor struct {
	SignedOn time.Time
	ID       int64
}

// ContractRow is a contract with its in-scope figures.
type ContractRow struct {
	ID                        int64
	Source, SourceID          string
	SignedOn                  time.Time
	Total                     int64
	Currency, Method, Status  string
	LocalContentPublished     *int32
	CertifiedValue            int64 // Σ item value × Ki over the whole contract, in tiyn
	BuyerBIN                  string
	BuyerNames                share.Names
	SupplierID                string
	SupplierNames             share.Names
	SupplierCountry           string
	ScopeValue, DomesticValue int64
	Items                     int64
	BestTier                  tier.SupplierTier // the best tier of its in-scope items
}

// LocalContentCertified is the contract's KC in basis points: Σ(CTi × Ki) / S, S its total.
func (r ContractRow) LocalContentCertified() int64 { return share.Ratio(r.CertifiedValue, r.Total) }

// NonDomesticValue is the in-scope value that went to suppliers other than domestic producers.
func (r ContractRow) NonDomesticValue() int64 { return r.ScopeValue - r.DomesticValue }

// DomesticProducer says whether a domestic producer supplied any of the contract's in-scope items.
func (r ContractRow) DomesticProducer() bool { return r.BestTier == tier.DomesticProducer }

// ContractList returns up to limit contracts after the cursor, and the cursor of the next page (nil at the end).
func (s *Store) ContractList(ctx context.Context, db DBTX, f ContractFilter, after *Cursor, limit int32) ([]ContractRow, *Cursor, error) {
	p := dbq.ContractListParams{DateFrom: f.From, DateTo: f.To, Domestic: f.Domestic, MaxRows: limit + 1,
		Regions: nonNil(f.Regions), BuyerTypes: nonNil(f.BuyerTypes), Methods: nonNil(f.Methods),
		Tiers: tierCodes(f.Scope), Unclassified: f.Unclassified}
	if f.Category != "" {
		cat, err := s.CategoryGetBySlug(ctx, db, f.Category)
		if err != nil {
			return nil, nil, err
		}
		p.CategoryID = &cat.ID
	}
	if f.Buyer != "" {
		p.BuyerBin = &f.Buyer
	}
	if f.Supplier != "" {
		p.SupplierID = &f.Supplier
	}
	if after != nil {
		p.CursorDate, p.CursorID = &after.SignedOn, &after.ID
	}
	rows, err := s.q.ContractList(ctx, db, p)
	if err != nil {
		return nil, nil, interpretError(err, "list contracts")
	}
	var next *Cursor
	if int32(len(rows)) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		next = &Cursor{SignedOn: last.SignedOn, ID: last.ID}
	}
	out := make([]ContractRow, len(rows))
	for i, r := range rows {
		out[i] = ContractRow{
			ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn, Total: r.Total, Currency: r.Currency,
			Method: r.Method, Status: r.Status, LocalContentPublished: r.LocalContentPublishedBp, CertifiedValue: r.CertifiedValue,
			BuyerBIN:   r.BuyerBin,
			BuyerNames: share.Names{KK: r.BuyerNameKk, RU: r.BuyerNameRu}, SupplierID: r.SupplierID,
			SupplierNames: share.Names{KK: r.SupplierNameKk, RU: r.SupplierNameRu}, SupplierCountry: r.SupplierCountry,
			ScopeValue: r.ScopeValue, DomesticValue: r.DomesticValue, Items: r.Items, BestTier: tier.SupplierTier(r.BestTier),
		}
	}
	return out, next, nil
}

// ContractListLargestNonDomestic returns up to limit counted contracts of the scope with the most in-scope
// value that went to suppliers other than domestic producers, the largest first.
func (s *Store) ContractListLargestNonDomestic(ctx context.Context, db DBTX, scope share.Scope, limit int32) ([]ContractRow, error) {
	if scope.Category == "" {
		return nil, categoryNotFound(scope.Category)
	}
	categoryID, plan, err := s.planRead(ctx, db, scope)
	if err != nil {
		return nil, err
	}
	none := [2]time.Time{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}
	head, tail := none, none
	if len(plan.edges) > 0 {
		head = plan.edges[0]
	}
	if len(plan.edges) > 1 {
		tail = plan.edges[1]
	}
	rows, err := s.q.ContractListLargestNonDomestic(ctx, db, dbq.ContractListLargestNonDomesticParams{
		MonthFrom: plan.first, MonthTo: plan.last, HeadFrom: head[0], HeadTo: head[1], TailFrom: tail[0], TailTo: tail[1],
		CategoryID: categoryID, Regions: nonNil(scope.Regions),
		BuyerTypes: nonNil(scope.BuyerTypes), Methods: nonNil(scope.Methods), MaxRows: limit,
	})
	if err != nil {
		return nil, interpretError(err, "largest contracts to non-producers")
	}
	out := make([]ContractRow, len(rows))
	for i, r := range rows {
		out[i] = ContractRow{
			ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn, Total: r.Total, Method: r.Method,
			BuyerBIN: r.BuyerBin, BuyerNames: share.Names{KK: r.BuyerNameKk, RU: r.BuyerNameRu},
			SupplierID: r.SupplierID, SupplierNames: share.Names{KK: r.SupplierNameKk, RU: r.SupplierNameRu},
			SupplierCountry: r.SupplierCountry, ScopeValue: r.ScopeValue, DomesticValue: r.DomesticValue, Items: r.Items,
		}
	}
	return out, nil
}

// Contract is one contract as stored, with whether figures count it and why not.
type Contract struct {
	ContractRow
	FiscalYear   *int32
	ExchangeRate string
	TotalAlt     *int64
	Paid         *int64
	Description  string
	Deleted      bool
	RootSourceID string
	UpdatedAt    *time.Time
	BatchID      *int64
	StatusNames  share.Names
	MethodNames  share.Names // empty for a method that is not the portal's
	Counts       string      // value, paid or none, from the status table; "" for a status the table does not know
	Replaced     bool        // a later version of the same contract counts instead
	Items        []ContractItem
}

// Counted says whether figures count the contract.
func (c Contract) Counted() bool {
	return !c.Deleted && !c.Replaced && (c.Counts == "value" || c.Counts == "paid")
}

// ContractItem is one item of a contract with what decided its tier and local content.
type ContractItem struct {
	SourceID, EnstruCode, Unit, KATO, Region, Category string
	Names                                              share.Names
	CategoryNames, RegionNames                         share.Names // empty without a category or region
	Quantity                                           string
	UnitPrice                                          *int64
	Value                                              int64
	Tier                                               tier.SupplierTier
	Rule                                               string
	LocalContentPublished, LocalContentCertified       *int32 // bp
	LocalContentValue, LocalContentCertifiedValue      int64
	Deleted                                            bool
}

// ContractGet returns the contract with id and its items.
func (s *Store) ContractGet(ctx context.Context, db DBTX, id int64) (Contract, error) {
	r, err := s.q.ContractGetByID(ctx, db, id)
	if err != nil {
		return Contract{}, interpretError(err, "contract %d", id)
	}
	c := Contract{ContractRow: ContractRow{ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn, Total: r.Total,
		Currency: r.Currency, Method: r.Method, Status: r.Status, LocalContentPublished: r.LocalContentPublishedBp,
		BuyerBIN: r.BuyerBin, BuyerNames: share.Names{KK: r.BuyerNameKk, RU: r.BuyerNameRu}, SupplierID: r.SupplierID,
		SupplierNames: share.Names{KK: r.SupplierNameKk, RU: r.SupplierNameRu}, SupplierCountry: r.SupplierCountry},
		FiscalYear: r.FiscalYear, TotalAlt: r.TotalAlt, Paid: r.Paid, Description: r.Description,
		Deleted: r.Deleted, UpdatedAt: r.SourceUpdatedAt, BatchID: r.BatchID, StatusNames: share.Names{KK: r.StatusNameKk, RU: r.StatusNameRu, EN: r.StatusNameEn},
		MethodNames: share.Names{KK: r.MethodNameKk, RU: r.MethodNameRu, EN: r.MethodNameEn}, Counts: r.Counts,
		Replaced: r.Replaced}
	if r.ExchangeRate != nil {
		c.ExchangeRate = *r.ExchangeRate
	}
	if r.RootSourceID != nil {
		c.RootSourceID = *r.RootSourceID
	}
	items, err := s.q.ContractItemListByContract(ctx, db, id)
	if err != nil {
		return c, interpretError(err, "items of contract %d", id)
	}
	for _, it := range items {
		c.Items = append(c.Items, ContractItem{SourceID: it.SourceID, EnstruCode: it.EnstruCode, Unit: it.Unit, KATO: it.KATO,
			Region: it.Region, Category: it.Category, Names: share.Names{KK: it.NameKk, RU: it.Name, EN: it.Name},
			CategoryNames: share.Names{KK: it.CategoryNameKk, RU: it.CategoryNameRu, EN: it.CategoryNameEn},
			RegionNames:   share.Names{KK: it.RegionNameKk, RU: it.RegionNameRu, EN: it.RegionNameEn},
			Quantity:      it.Quantity, UnitPrice: it.UnitPrice, Value: it.Value, Tier: tier.SupplierTier(it.Tier), Rule: it.TierRule,
			LocalContentPublished: it.LocalContentBp, LocalContentCertified: it.LocalContentCertifiedBp,
			LocalContentValue: it.LocalContentValue, LocalContentCertifiedValue: it.LocalContentCertifiedValue, Deleted: it.Deleted})
		if !it.Deleted {
			c.CertifiedValue += it.LocalContentCertifiedValue
		}
	}
	return c, nil
}
