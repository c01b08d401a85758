package store

import (
	"context"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// QualityFilter is the period, and optionally the import, a data-quality report covers.
type QualityFilter struct {
	From, To  time.Time
	BatchID   *int64
	MinPoints int64 // bp: the smallest difference of local content that is reported
	Limit     int32
	// MismatchPage, UnclassifiedPage and TwoSourcesPage are the pages (from 1, of Limit rows) of the lists.
	MismatchPage, UnclassifiedPage, TwoSourcesPage int32
}

// Mismatch is a counted contract whose published local content differs from the certified one.
type Mismatch struct {
	ID                   int64
	SourceID             string
	SignedOn             time.Time
	Total                int64
	Published            int64 // bp
	CertifiedValue       int64 // tiyn: Σ item value × Ki
	BuyerBIN, BuyerName  string
	SupplierID, Supplier string
}

// Certified is the local content the certificates give, in bp of the contract total.
func (m Mismatch) Certified() int64 { return share.Ratio(m.CertifiedValue, m.Total) }

// Unclassified is counted items of one ENSTRU code and name that no category rule matched.
type Unclassified struct {
	EnstruCode, Name string
	Items, Value     int64
}

// NotCounted is the contracts of one status (or replaced) that no figure counts.
type NotCounted struct {
	Reason, Status   string
	StatusNames      share.Names
	Contracts, Total int64
}

// UnknownMethod is the counted contracts of one method that is none of the portal's.
type UnknownMethod struct {
	Method           string
	Contracts, Total int64
}

// TwoSources is the counted contracts of one buyer, supplier and signing date from two or more sources:
// most likely one contract imported twice, which every figure then counts twice.
type TwoSources struct {
	SignedOn             time.Time
	Twice                int64 // tiyn: what may count twice, the contracts' sum less the largest one source holds
	BuyerBIN, BuyerName  string
	SupplierID, Supplier string
	Contracts            []ContractRef // by source
}

// ContractRef names a stored contract: its row id, and its source and id there.
type ContractRef struct {
	ID               int64
	Source, SourceID string
	Total            int64
}

// Quality is what a data-quality page shows: each list up to the filter's limit, with how many there are.
type Quality struct {
	Mismatches        []Mismatch
	MismatchCount     int64
	Unclassified      []Unclassified
	UnclassifiedCount int64
	NotCounted        []NotCounted
	UnknownMethods    []UnknownMethod
	TwoSources        []TwoSources
	TwoSourcesCount   int64
	TwiceTotal        int64 // tiyn: Σ Twice over the whole list, not only the page
}

// QualityGet finds, in the filter's period, the contracts whose published local content differs from the
// certified one, the items no category rule matched, the contracts no figure counts, the counted ones
// whose method is none of the portal's, and the counted contracts that two sources may both hold. On a pool
// the lists are read side by side: the page waits for the slowest, about a second for a year at 10,000,000
// items, not their sum.
func (s *Store) QualityGet(ctx context.Context, db DBTX, f QualityFilter) (Quality, error) {
	var q Quality
	g, gctx := SideBySide(ctx, db)
	g.Go(func() error {
		var err error
		q.Mismatches, q.MismatchCount, err = s.qualityMismatches(gctx, db, f)
		return err
	})
	g.Go(func() error {
		var err error
		q.Unclassified, q.UnclassifiedCount, err = s.qualityUnclassified(gctx, db, f)
		return err
	})
	g.Go(func() error {
		nc, err := s.q.ContractListNotCounted(gctx, db, dbq.ContractListNotCountedParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID})
		if err != nil {
			return interpretError(err, "contracts not counted")
		}
		for _, r := range nc {
			q.NotCounted = append(q.NotCounted, NotCounted{Reason: r.Reason, Status: r.Status, StatusNames: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn}, Contracts: r.Contracts, Total: r.Total})
		}
		return nil
	})
	g.Go(func() error {
		um, err := s.q.ContractListMethodUnknown(gctx, db, dbq.ContractListMethodUnknownParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID})
		if err != nil {
			return interpretError(err, "contracts of unknown methods")
		}
		for _, r := range um {
			q.UnknownMethods = append(q.UnknownMethods, UnknownMethod{Method: r.Method, Contracts: r.Contracts, Total: r.Total})
		}
		return nil
	})
	g.Go(func() error {
		var err error
		q.TwoSources, q.TwoSourcesCount, q.TwiceTotal, err = s.qualityTwoSources(gctx, db, f)
		return err
	})
	return q, g.Wait()
}

// TwoSourcesIn counts the data-quality page's rows of contracts that two sources may both hold, signed from
// from to to, and the tenge they may count twice: what a report warns of before it is filed.
func (s *Store) TwoSourcesIn(ctx context.Context, db DBTX, from, to time.Time) (rows, twice int64, err error) {
	_, rows, twice, err = s.qualityTwoSources(ctx, db, QualityFilter{From: from, To: to, Limit: 1})
	return rows, twice, err
}

// qualityTwoSources is the filter's page of contracts that two sources may both hold, how many rows the
// list has and the tenge they may count twice.
func (s *Store) qualityTwoSources(ctx context.Context, db DBTX, f QualityFilter) ([]TwoSources, int64, int64, error) {
	arg := dbq.ContractListInTwoSourcesParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID}
	var twice int64
	rows, count, err := countedPage(f.TwoSourcesPage, f.Limit, func(maxRows, skipRows int32) ([]dbq.ContractListInTwoSourcesRow, error) {
		arg.MaxRows, arg.SkipRows = maxRows, skipRows
		return s.q.ContractListInTwoSources(ctx, db, arg)
	}, func(r dbq.ContractListInTwoSourcesRow) int64 { twice = r.TwiceTotal; return r.Matching })
	if err != nil {
		return nil, 0, 0, interpretError(err, "contracts in two sources")
	}
	var list []TwoSources
	for _, r := range rows {
		t := TwoSources{SignedOn: r.SignedOn, Twice: r.Twice, BuyerBIN: r.BuyerBin, BuyerName: r.BuyerNameRu,
			SupplierID: r.SupplierID, Supplier: r.SupplierNameRu, Contracts: make([]ContractRef, len(r.ContractIds))}
		for i, id := range r.ContractIds {
			t.Contracts[i] = ContractRef{ID: id, Source: r.Sources[i], SourceID: r.SourceIds[i], Total: r.Totals[i]}
		}
		list = append(list, t)
	}
	return list, count, twice, nil
}

// qualityMismatches is the filter's page of contracts whose local content differs, and how many there are.
func (s *Store) qualityMismatches(ctx context.Context, db DBTX, f QualityFilter) ([]Mismatch, int64, error) {
	arg := dbq.ContractListLocalContentMismatchParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID, MinPointsBp: int32(f.MinPoints)}
	rows, count, err := countedPage(f.MismatchPage, f.Limit, func(maxRows, skipRows int32) ([]dbq.ContractListLocalContentMismatchRow, error) {
		arg.MaxRows, arg.SkipRows = maxRows, skipRows
		return s.q.ContractListLocalContentMismatch(ctx, db, arg)
	}, func(r dbq.ContractListLocalContentMismatchRow) int64 { return r.Matching })
	if err != nil {
		return nil, 0, interpretError(err, "local content mismatches")
	}
	var list []Mismatch
	for _, r := range rows {
		list = append(list, Mismatch{ID: r.ID, SourceID: r.SourceID, SignedOn: r.SignedOn, Total: r.Total,
			Published: int64(r.PublishedBp), CertifiedValue: r.CertifiedValue, BuyerBIN: r.BuyerBin, BuyerName: r.BuyerNameRu,
			SupplierID: r.SupplierID, Supplier: r.SupplierNameRu})
	}
	return list, count, nil
}

// qualityUnclassified is the filter's page of counted items no category rule matched, by ENSTRU code and
// name, and how many such groups there are.
func (s *Store) qualityUnclassified(ctx context.Context, db DBTX, f QualityFilter) ([]Unclassified, int64, error) {
	arg := dbq.ContractItemListUnclassifiedParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID}
	rows, count, err := countedPage(f.UnclassifiedPage, f.Limit, func(maxRows, skipRows int32) ([]dbq.ContractItemListUnclassifiedRow, error) {
		arg.MaxRows, arg.SkipRows = maxRows, skipRows
		return s.q.ContractItemListUnclassified(ctx, db, arg)
	}, func(r dbq.ContractItemListUnclassifiedRow) int64 { return r.Matching })
	if err != nil {
		return nil, 0, interpretError(err, "unclassified items")
	}
	var list []Unclassified
	for _, r := range rows {
		list = append(list, Unclassified{EnstruCode: r.EnstruCode, Name: r.Name, Items: r.Items, Value: r.Value})
	}
	return list, count, nil
}

// countedPage reads a list's page (from 1) of limit rows, and how many rows the list has, which each row
// carries (count). A page past the last comes back empty, so its count comes from the list's first row.
func countedPage[R any](page, limit int32, read func(maxRows, skipRows int32) ([]R, error), count func(R) int64) ([]R, int64, error) {
	skip := skipped(page, limit)
	rows, err := read(limit, skip)
	switch {
	case err != nil:
		return nil, 0, err
	case len(rows) > 0:
		return rows, count(rows[0]), nil
	case skip == 0:
		return nil, 0, nil
	}
	first, err := read(1, 0)
	if err != nil || len(first) == 0 {
		return nil, 0, err
	}
	return nil, count(first[0]), nil
}

// skipped is the rows before page (from 1; 0 is the first) of limit rows.
func skipped(page, limit int32) int32 { return max(page-1, 0) * limit }
