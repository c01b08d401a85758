package httpapi

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

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

type groupJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	figuresJSON
}

type sharesJSON struct {
	Currency string `json:"currency"`
	Category string `json:"category"`
	From     string `json:"from"`
	To       string `json:"to"`
	Region   string `json:"region,omitempty"`
	GroupBy  string `json:"group_by,omitempty"`
	figuresJSON
	Groups []groupJSON `json:"groups"`
}

// apiShares answers GET /api/v1/shares.
func (s *Server) apiShares(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, true)
	if err != nil {
		return err
	}
	groupBy, err := enumParam(c, "group_by", share.GroupBy)
	if err != nil {
		return err
	}
	total, groups, err := s.store.SharesGet(c.Context(), s.pool, scope, groupBy)
	if err != nil {
		return unknownCategory(err, scope.Category)
	}
	lang := language(c)
	out := sharesJSON{Currency: "KZT", Category: scope.Category, From: scope.From.Format(time.DateOnly),
		To: scope.To.Format(time.DateOnly), Region: scope.Region, GroupBy: groupBy, figuresJSON: figuresOf(total),
		Groups: make([]groupJSON, len(groups))}
	for i, g := range groups {
		out.Groups[i] = groupJSON{Key: g.Key, Label: g.Names.In(lang), figuresJSON: figuresOf(g.Figures)}
	}
	return c.JSON(out)
}

type thresholdJSON struct {
	EffectiveFrom string  `json:"effective_from"`
	Threshold     float64 `json:"threshold"`
}

type targetJSON struct {
	Slug       string          `json:"slug"`
	Name       string          `json:"name"`
	Category   string          `json:"category"`
	Region     string          `json:"region,omitempty"`
	Metric     string          `json:"metric"`
	Period     string          `json:"period"`
	Thresholds []thresholdJSON `json:"thresholds"`
}

func targetOf(t share.Target, lang string) targetJSON {
	out := targetJSON{Slug: t.Slug, Name: t.Names.In(lang), Category: t.Category, Region: t.Region, Metric: t.Metric,
		Period: t.Period, Thresholds: make([]thresholdJSON, len(t.Schedule))}
	for i, st := range t.Schedule {
		out.Thresholds[i] = thresholdJSON{EffectiveFrom: st.EffectiveFrom.Format(time.DateOnly), Threshold: percent(st.Value)}
	}
	return out
}

// apiTargets answers GET /api/v1/targets.
func (s *Server) apiTargets(c fiber.Ctx) error {
	targets, err := s.store.TargetList(c.Context(), s.pool)
	if err != nil {
		return err
	}
	lang := language(c)
	out := make([]targetJSON, len(targets))
	for i, t := range targets {
		out[i] = targetOf(t, lang)
	}
	return c.JSON(fiber.Map{"targets": out})
}

type monthJSON struct {
	Month    string  `json:"month"`
	Total    string  `json:"total"`
	Domestic string  `json:"domestic"`
	Share    float64 `json:"share"`
	Items    int64   `json:"items"`
}

// progressJSON leaves out (null) what is not true yet: the value and the gap without purchases in scope
// (no_data), the threshold and the verdict before the first threshold is in force (not_started).
type progressJSON struct {
	Slug          string         `json:"slug"`
	Metric        string         `json:"metric"`
	AsOf          string         `json:"as_of"`
	From          string         `json:"from"`
	To            string         `json:"to"`
	Currency      string         `json:"currency"`
	Value         *float64       `json:"value"`
	Threshold     *float64       `json:"threshold"`
	GapPoints     *float64       `json:"gap_points"`
	GapAmount     *string        `json:"gap_amount"`
	Projected     *float64       `json:"projected"`
	Status        string         `json:"status"`
	NextThreshold *thresholdJSON `json:"next_threshold"`
	MonthsLeft    int            `json:"months_left"`
	Figures       figuresJSON    `json:"figures"`
	Monthly       []monthJSON    `json:"monthly"`
}

// apiTargetProgress answers GET /api/v1/targets/{slug}/progress?as_of=.
func (s *Server) apiTargetProgress(c fiber.Ctx) error {
	p, err := s.progress(c)
	if err != nil {
		return err
	}
	out := progressJSON{
		Slug: p.Target.Slug, Metric: p.Target.Metric, AsOf: p.AsOf.Format(time.DateOnly), From: p.From.Format(time.DateOnly),
		To: p.To.Format(time.DateOnly), Currency: "KZT", Status: string(p.Status), MonthsLeft: p.MonthsLeft,
		Figures: figuresOf(p.Figures), Monthly: make([]monthJSON, len(p.Monthly)),
	}
	pct := func(bp int64) *float64 { v := percent(bp); return &v }
	if p.Figures.Total > 0 {
		out.Value = pct(p.Value)
	}
	if p.InForce {
		out.Threshold = pct(p.Threshold.Value)
	}
	if p.Status.Verdict() {
		gap := money.FormatMajor(p.GapAmount)
		out.GapPoints, out.GapAmount, out.Projected = pct(p.GapPoints), &gap, pct(p.Projected)
	}
	if p.Next != nil {
		out.NextThreshold = &thresholdJSON{EffectiveFrom: p.Next.EffectiveFrom.Format(time.DateOnly), Threshold: percent(p.Next.Value)}
	}
	for i, m := range p.Monthly {
		out.Monthly[i] = monthJSON{Month: m.Month.Format("2006-01"), Total: money.FormatMajor(m.Total),
			Domestic: money.FormatMajor(m.Domestic), Share: percent(m.DomesticShare()), Items: m.Items}
	}
	return c.JSON(out)
}

func (s *Server) progress(c fiber.Ctx) (share.Progress, error) {
	slug := c.Params("slug")
	if !slugPattern.MatchString(slug) {
		return share.Progress{}, badParam("slug", "%q is not a target slug", slug)
	}
	asOf, err := dateParam(c, "as_of", s.today())
	if err != nil {
		return share.Progress{}, err
	}
	return s.store.TargetProgressGet(c.Context(), s.pool, slug, asOf)
}

type contractJSON struct {
	ID                    int64    `json:"id"`
	Source                string   `json:"source"`
	SourceID              string   `json:"source_id"`
	SignedOn              string   `json:"signed_on"`
	Total                 string   `json:"total"`
	Currency              string   `json:"currency"`
	Method                string   `json:"method"`
	Status                string   `json:"status"`
	LocalContentPublished *float64 `json:"local_content_published"`
	LocalContentCertified float64  `json:"local_content_certified"`
	BuyerBIN              string   `json:"buyer_bin"`
	BuyerName             string   `json:"buyer_name"`
	SupplierID            string   `json:"supplier_id"`
	SupplierName          string   `json:"supplier_name"`
	SupplierCountry       string   `json:"supplier_country"`
	ScopeValue            string   `json:"scope_value"`
	DomesticValue         string   `json:"domestic_value"`
	Items                 int64    `json:"items"`
	DomesticProducer      bool     `json:"domestic_producer"`
}

// apiContracts answers GET /api/v1/contracts with cursor pagination.
func (s *Server) apiContracts(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return err
	}
	f := store.ContractFilter{Scope: scope, Buyer: c.Query("buyer"), Supplier: c.Query("supplier")}
	if f.Domestic, err = boolParam(c, "domestic"); err != nil {
		return err
	}
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return err
	}
	cursor, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	rows, next, err := s.store.ContractList(c.Context(), s.pool, f, cursor, limit)
	if err != nil {
		return unknownCategory(err, scope.Category)
	}
	lang := language(c)
	out := make([]contractJSON, len(rows))
	for i, r := range rows {
		out[i] = contractJSON{ID: r.ID, Source: r.Source, SourceID: r.SourceID, SignedOn: r.SignedOn.Format(time.DateOnly),
			Total: money.FormatMajor(r.Total), Currency: "KZT", Method: r.Method, Status: r.Status,
			BuyerBIN: r.BuyerBIN, BuyerName: r.BuyerNames.In(lang), SupplierID: r.SupplierID,
			SupplierName: r.SupplierNames.In(lang), SupplierCountry: r.SupplierCountry,
			ScopeValue: money.FormatMajor(r.ScopeValue), DomesticValue: money.FormatMajor(r.DomesticValue),
			Items: r.Items, DomesticProducer: r.DomesticProducer(), LocalContentCertified: percent(r.LocalContentCertified())}
		if r.LocalContentPublished != nil {
			v := percent(int64(*r.LocalContentPublished))
			out[i].LocalContentPublished = &v
		}
	}
	return c.JSON(fiber.Map{"contracts": out, "next_cursor": encodeCursor(next)})
}

// apiCategories answers GET /api/v1/categories.
func (s *Server) apiCategories(c fiber.Ctx) error {
	cats, err := s.store.CategoryList(c.Context(), s.pool)
	if err != nil {
		return err
	}
	lang := language(c)
	out := make([]fiber.Map, len(cats))
	for i, cat := range cats {
		out[i] = fiber.Map{"slug": cat.Slug, "name": cat.Names.In(lang), "light_industry": cat.LightIndustry}
	}
	return c.JSON(fiber.Map{"categories": out})
}

// unknownCategory turns the store's not-found for a scope's category into a 400 naming the parameter;
// other errors pass through.
func unknownCategory(err error, slug string) error {
	if errors.Is(err, store.ErrNotFound) {
		return badParam("category", "%q is not a known category (see /api/v1/categories)", slug)
	}
	return err
}
