package httpapi

import (
	"time"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// The API's shapes that more than one handler writes. Money is a decimal string in tenge, a share a
// percentage number.

type figuresJSON struct {
	Total                    string  `json:"total"`
	Domestic                 string  `json:"domestic"`
	LocalContent             string  `json:"local_content"`
	DomesticShare            float64 `json:"domestic_share"`
	DomesticShareByCount     float64 `json:"domestic_share_by_count"`
	DomesticShareByContracts float64 `json:"domestic_share_by_contracts"`
	LocalContentShare        float64 `json:"local_content_share"`
	LocalContentCertified    string  `json:"local_content_certified"`
	LocalContentCertShare    float64 `json:"local_content_certified_share"`
	Contracts                int64   `json:"contracts"`
	DomesticContracts        int64   `json:"domestic_contracts"`
	Items                    int64   `json:"items"`
	DomesticItems            int64   `json:"domestic_items"`
}

func figuresOf(f share.Figures) figuresJSON {
	return figuresJSON{
		Total: money.FormatMajor(f.Total), Domestic: money.FormatMajor(f.Domestic), LocalContent: money.FormatMajor(f.LocalContent),
		DomesticShare: percent(f.DomesticShare()), DomesticShareByCount: percent(f.DomesticShareByCount()),
		DomesticShareByContracts: percent(f.DomesticShareByContracts()), LocalContentShare: percent(f.LocalContentShare()),
		LocalContentCertified: money.FormatMajor(f.LocalContentCertified), LocalContentCertShare: percent(f.LocalContentCertifiedShare()),
		Contracts: f.Contracts, DomesticContracts: f.DomesticContracts, Items: f.Items, DomesticItems: f.DomesticItems,
	}
}

type thresholdJSON struct {
	EffectiveFrom string  `json:"effective_from"`
	Threshold     float64 `json:"threshold"`
}

type batchJSON struct {
	ID         int64   `json:"id"`
	Format     string  `json:"format"`
	Source     string  `json:"source"`
	CreatedBy  string  `json:"created_by"`
	Status     string  `json:"status"`
	Message    string  `json:"message,omitempty"`
	StartedAt  string  `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	Read       int64   `json:"read"`
	Loaded     int64   `json:"loaded"`
	Unchanged  int64   `json:"unchanged"`
	Replaced   int64   `json:"replaced"`
	Removed    int64   `json:"removed"`
	Rejected   int64   `json:"rejected"`
}

func batchOf(b store.Batch) batchJSON {
	out := batchJSON{ID: b.ID, Format: b.Format, Source: sourceNames(b.SourceName), CreatedBy: b.CreatedBy, Status: b.Status,
		Message: b.Message, StartedAt: b.StartedAt.UTC().Format(time.RFC3339), Read: b.Read, Loaded: b.Loaded,
		Unchanged: b.Unchanged, Replaced: b.Replaced, Removed: b.Removed, Rejected: b.Rejected}
	if b.FinishedAt != nil {
		f := b.FinishedAt.UTC().Format(time.RFC3339)
		out.FinishedAt = &f
	}
	return out
}

// regionJSON is a region: the two first digits of its KATO code and its name in the request's language.
type regionJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// regionOf is nil for a region not stated (code "").
func regionOf(r store.Region, lang string) *regionJSON {
	if r.Code == "" {
		return nil
	}
	return &regionJSON{Code: r.Code, Name: r.Names.In(lang)}
}

func contractOf(r store.ContractRow, lang string) contractJSON {
	out := contractJSON{ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn.Format(time.DateOnly),
		Total: money.FormatMajor(r.Total), Currency: "KZT", Method: r.Method, Status: r.Status,
		BuyerBIN: r.BuyerBIN, BuyerName: r.BuyerNames.In(lang), SupplierID: r.SupplierID,
		SupplierName: r.SupplierNames.In(lang), SupplierCountry: r.SupplierCountry,
		ScopeValue: money.FormatMajor(r.ScopeValue), DomesticValue: money.FormatMajor(r.DomesticValue),
		Items: r.Items, DomesticProducer: r.DomesticProducer(), LocalContentCertified: percent(r.LocalContentCertified())}
	out.LocalContentPublished = percentOrNull(r.LocalContentPublished)
	return out
}

// percentOrNull is nil for a percentage not stated.
func percentOrNull(bp *int32) *float64 {
	if bp == nil {
		return nil
	}
	v := percent(int64(*bp))
	return &v
}

// optionalString is nil for "".
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}
