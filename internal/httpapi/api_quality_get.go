package httpapi

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
)

// qualityQuery is the query string that qualityParams reads back as f.
func qualityQuery(f store.QualityFilter) url.Values {
	q := url.Values{"from": {f.From.Format(time.DateOnly)}, "to": {f.To.Format(time.DateOnly)}, "points": {money.FormatPercent(f.MinPoints)}}
	if f.BatchID != nil {
		q.Set("batch", strconv.FormatInt(*f.BatchID, 10))
	}
	if f.MismatchPage > 1 {
		q.Set("mismatches_page", strconv.Itoa(int(f.MismatchPage)))
	}
	if f.UnclassifiedPage > 1 {
		q.Set("unclassified_page", strconv.Itoa(int(f.UnclassifiedPage)))
	}
	if f.TwoSourcesPage > 1 {
		q.Set("two_sources_page", strconv.Itoa(int(f.TwoSourcesPage)))
	}
	return q
}

type mismatchJSON struct {
	ID                    int64   `json:"id"`
	SourceID              string  `json:"source_id"`
	SignedOn              string  `json:"signed_on"`
	Total                 string  `json:"total"`
	LocalContentPublished float64 `json:"local_content_published"`
	LocalContentCertified float64 `json:"local_content_certified"`
	BuyerBIN              string  `json:"buyer_bin"`
	BuyerName             string  `json:"buyer_name"`
	SupplierID            string  `json:"supplier_id"`
	SupplierName          string  `json:"supplier_name"`
}

type unclassifiedJSON struct {
	EnstruCode string `json:"enstru_code"`
	Name       string `json:"name"`
	Items      int64  `json:"items"`
	Value      string `json:"value"`
}

// notCountedJSON is the contracts of one status that no figure counts, by why: status (the status does not
// count), unknown_status (a status the table does not know) or replaced (a later version counts instead).
type notCountedJSON struct {
	Reason     string `json:"reason"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
	Contracts  int64  `json:"contracts"`
	Total      string `json:"total"`
}

// unknownMethodJSON is the counted contracts of one method that is none of the portal's: a target scoped
// to methods does not count them.
type unknownMethodJSON struct {
	Method    string `json:"method"`
	Contracts int64  `json:"contracts"`
	Total     string `json:"total"`
}

type contractRefJSON struct {
	ID       int64  `json:"id"`
	Source   string `json:"source"`
	SourceID string `json:"source_id"`
	Total    string `json:"total"`
}

// twoSourcesJSON is the counted contracts of one buyer, supplier and signing date from two or more
// sources; twice is what may count twice, their sum less the largest sum one source holds.
type twoSourcesJSON struct {
	SignedOn     string            `json:"signed_on"`
	Twice        string            `json:"twice"`
	BuyerBIN     string            `json:"buyer_bin"`
	BuyerName    string            `json:"buyer_name"`
	SupplierID   string            `json:"supplier_id"`
	SupplierName string            `json:"supplier_name"`
	Contracts    []contractRefJSON `json:"contracts"`
}

// qualityJSON is the data-quality page as JSON. Each list holds up to limit rows of its page, the most
// telling first; its count says how many there are in all.
type qualityJSON struct {
	Currency          string              `json:"currency"`
	From              string              `json:"from"`
	To                string              `json:"to"`
	ImportID          *int64              `json:"import_id"`
	Points            float64             `json:"points"`
	Limit             int32               `json:"limit"`
	MismatchesPage    int32               `json:"mismatches_page"`
	UnclassifiedPage  int32               `json:"unclassified_page"`
	MismatchCount     int64               `json:"mismatch_count"`
	Mismatches        []mismatchJSON      `json:"mismatches"`
	UnclassifiedCount int64               `json:"unclassified_count"`
	Unclassified      []unclassifiedJSON  `json:"unclassified"`
	NotCounted        []notCountedJSON    `json:"not_counted"`
	UnknownMethods    []unknownMethodJSON `json:"unknown_methods"`
	TwoSourcesPage    int32               `json:"two_sources_page"`
	TwoSourcesCount   int64               `json:"two_sources_count"`
	TwiceTotal        string              `json:"twice_total"`
	TwoSources        []twoSourcesJSON    `json:"two_sources"`
}

// apiGetQuality answers GET /api/v1/quality?from=&to=&batch=&points=&limit=&mismatches_page=&unclassified_page=&two_sources_page=:
// the data-quality page as JSON.
func (s *Server) apiGetQuality(c fiber.Ctx) error {
	limit, err := limitParam(c, qualityRows, 500)
	if err != nil {
		return err
	}
	f, err := s.qualityParams(c, limit)
	if err != nil {
		return err
	}
	q, err := s.store.QualityGet(c.Context(), s.db, f)
	if err != nil {
		return err
	}
	out := qualityJSON{Currency: "KZT", From: f.From.Format(time.DateOnly), To: f.To.Format(time.DateOnly), ImportID: f.BatchID,
		Points: percent(f.MinPoints), Limit: f.Limit, MismatchesPage: f.MismatchPage, UnclassifiedPage: f.UnclassifiedPage,
		MismatchCount: q.MismatchCount, Mismatches: make([]mismatchJSON, len(q.Mismatches)),
		UnclassifiedCount: q.UnclassifiedCount, Unclassified: make([]unclassifiedJSON, len(q.Unclassified)),
		NotCounted: make([]notCountedJSON, len(q.NotCounted)), UnknownMethods: make([]unknownMethodJSON, len(q.UnknownMethods)),
		TwoSourcesPage: f.TwoSourcesPage, TwoSourcesCount: q.TwoSourcesCount, TwiceTotal: money.FormatMajor(q.TwiceTotal),
		TwoSources: make([]twoSourcesJSON, len(q.TwoSources))}
	for i, m := range q.Mismatches {
		out.Mismatches[i] = mismatchJSON{ID: m.ID, SourceID: m.SourceID, SignedOn: m.SignedOn.Format(time.DateOnly),
			Total: money.FormatMajor(m.Total), LocalContentPublished: percent(m.Published), LocalContentCertified: percent(m.Certified()),
			BuyerBIN: m.BuyerBIN, BuyerName: m.BuyerName, SupplierID: m.SupplierID, SupplierName: m.Supplier}
	}
	for i, u := range q.Unclassified {
		out.Unclassified[i] = unclassifiedJSON{EnstruCode: u.EnstruCode, Name: u.Name, Items: u.Items, Value: money.FormatMajor(u.Value)}
	}
	lang := language(c)
	for i, n := range q.NotCounted {
		out.NotCounted[i] = notCountedJSON{Reason: n.Reason, Status: n.Status, StatusName: n.StatusNames.In(lang), Contracts: n.Contracts,
			Total: money.FormatMajor(n.Total)}
	}
	for i, m := range q.UnknownMethods {
		out.UnknownMethods[i] = unknownMethodJSON{Method: m.Method, Contracts: m.Contracts, Total: money.FormatMajor(m.Total)}
	}
	for i, p := range q.TwoSources {
		out.TwoSources[i] = twoSourcesJSON{SignedOn: p.SignedOn.Format(time.DateOnly), Twice: money.FormatMajor(p.Twice),
			BuyerBIN: p.BuyerBIN, BuyerName: p.BuyerName, SupplierID: p.SupplierID, SupplierName: p.Supplier,
			Contracts: make([]contractRefJSON, len(p.Contracts))}
		for j, k := range p.Contracts {
			out.TwoSources[i].Contracts[j] = contractRefJSON{ID: k.ID, Source: k.Source, SourceID: k.SourceID, Total: money.FormatMajor(k.Total)}
		}
	}
	return c.JSON(out)
}
