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
	// MismatchPage and UnclassifiedPage are the pages (from 1, of Limit rows) of the two lists.
	MismatchPage, UnclassifiedPage int32
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
	Reason, Status, StatusName string
	Contracts, Total           int64
}

// UnknownMethod is the counted contracts of one method that is none of the portal's.
type UnknownMethod struct {
	Method           string
	Contracts, Total int64
}

// Quality is what a data-quality page shows: each list up to the filter's limit, with how many there are.
type Quality struct {
	Mismatches        []Mismatch
	MismatchCount     int64
	Unclassified      []Unclassified
	UnclassifiedCount int64
	NotCounted        []NotCounted
	UnknownMethods    []UnknownMethod
}

// QualityGet finds, in the filter's period, the contracts whose published local content differs from the
// certified one, the items no category rule matched, the contracts no figure counts, and the counted ones
// whose method is none of the portal's.
func (s *Store) QualityGet(ctx context.Context, db DBTX, f QualityFilter) (Quality, error) {
	var q Quality
	// A page past the last comes back empty; the first row still carries the list's count.
	mmArg := dbq.ContractListLocalContentMismatchParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID,
		MinPointsBp: int32(f.MinPoints), MaxRows: f.Limit, SkipRows: skipped(f.MismatchPage, f.Limit)}
	mm, err := s.q.ContractListLocalContentMismatch(ctx, db, mmArg)
	if err == nil && len(mm) == 0 && mmArg.SkipRows > 0 {
		mmArg.MaxRows, mmArg.SkipRows = 1, 0
		var first []dbq.ContractListLocalContentMismatchRow
		if first, err = s.q.ContractListLocalContentMismatch(ctx, db, mmArg); err == nil && len(first) > 0 {
			q.MismatchCount = first[0].Matching
		}
	}
	if err != nil {
		return q, interpretError(err, "local content mismatches")
	}
	for _, r := range mm {
		q.MismatchCount = r.Matching
		q.Mismatches = append(q.Mismatches, Mismatch{ID: r.ID, SourceID: r.SourceID, SignedOn: r.SignedOn, Total: r.Total,
			Published: int64(r.PublishedBp), CertifiedValue: r.CertifiedValue, BuyerBIN: r.BuyerBin, BuyerName: r.BuyerNameRu,
			SupplierID: r.SupplierID, Supplier: r.SupplierNameRu})
	}
	unArg := dbq.ContractItemListUnclassifiedParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID, MaxRows: f.Limit,
		SkipRows: skipped(f.UnclassifiedPage, f.Limit)}
	un, err := s.q.ContractItemListUnclassified(ctx, db, unArg)
	if err == nil && len(un) == 0 && unArg.SkipRows > 0 {
		unArg.MaxRows, unArg.SkipRows = 1, 0
		var first []dbq.ContractItemListUnclassifiedRow
		if first, err = s.q.ContractItemListUnclassified(ctx, db, unArg); err == nil && len(first) > 0 {
			q.UnclassifiedCount = first[0].Matching
		}
	}
	if err != nil {
		return q, interpretError(err, "unclassified items")
	}
	for _, r := range un {
		q.UnclassifiedCount = r.Matching
		q.Unclassified = append(q.Unclassified, Unclassified{EnstruCode: r.EnstruCode, Name: r.Name, Items: r.Items, Value: r.Value})
	}
	nc, err := s.q.ContractListNotCounted(ctx, db, dbq.ContractListNotCountedParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID})
	if err != nil {
		return q, interpretError(err, "contracts not counted")
	}
	for _, r := range nc {
		q.NotCounted = append(q.NotCounted, NotCounted{Reason: r.Reason, Status: r.Status, StatusName: r.NameRu, Contracts: r.Contracts, Total: r.Total})
	}
	um, err := s.q.ContractListMethodUnknown(ctx, db, dbq.ContractListMethodUnknownParams{DateFrom: f.From, DateTo: f.To, BatchID: f.BatchID})
	if err != nil {
		return q, interpretError(err, "contracts of unknown methods")
	}
	for _, r := range um {
		q.UnknownMethods = append(q.UnknownMethods, UnknownMethod{Method: r.Method, Contracts: r.Contracts, Total: r.Total})
	}
	return q, nil
}

// skipped is the rows before page (from 1; 0 is the first) of limit rows.
func skipped(page, limit int32) int32 { return max(page-1, 0) * limit }
