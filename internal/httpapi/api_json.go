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
