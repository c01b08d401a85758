package share

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ules-kz/ules/internal/dbq"
)

// ErrNotFound means the category or target asked for does not exist.
var ErrNotFound = errors.New("not found")

// GroupBy values accepted by Store.Shares.
var GroupBy = []string{"region", "buyer", "supplier", "month"}

// Names are a label in the three languages of the product.
type Names struct{ KK, RU, EN string }

// In returns the label in lang (kk, ru or en), falling back to Russian, then to any non-empty name.
func (n Names) In(lang string) string {
	var s string
	switch lang {
	case "kk":
		s = n.KK
	case "en":
		s = n.EN
	default:
		s = n.RU
	}
	for _, alt := range []string{s, n.RU, n.KK, n.EN} {
		if alt != "" {
			return alt
		}
	}
	return ""
}

// Scope is the filter every figure is computed from: a category, signing dates (inclusive) and a region.
type Scope struct {
	Category string
	From, To time.Time
	Region   string // two-digit KATO prefix, "" for the whole country
}

// Group is the figures of one key of a breakdown.
type Group struct {
	Key   string
	Names Names
	Figures
}

// Category is a product category.
type Category struct {
	ID            int32
	Slug          string
	Names         Names
	LightIndustry bool
}

// Region is a first-level KATO region.
type Region struct {
	Code  string
	Names Names
}

// Store answers share and target questions from the database.
type Store struct {
	pool *pgxpool.Pool
	q    *dbq.Queries
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, q: dbq.New()} }

// Category returns the category with slug.
func (s *Store) Category(ctx context.Context, slug string) (Category, error) {
	c, err := s.q.CategoryGetBySlug(ctx, s.pool, slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return Category{}, fmt.Errorf("share: category %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Category{}, fmt.Errorf("share: category %q: %w", slug, err)
	}
	return Category{ID: c.ID, Slug: c.Slug, Names: Names{c.NameKk, c.NameRu, c.NameEn}, LightIndustry: c.LightIndustry}, nil
}

// Categories lists the categories in classification order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.q.CategoryList(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("share: categories: %w", err)
	}
	out := make([]Category, len(rows))
	for i, c := range rows {
		out[i] = Category{ID: c.ID, Slug: c.Slug, Names: Names{c.NameKk, c.NameRu, c.NameEn}, LightIndustry: c.LightIndustry}
	}
	return out, nil
}

// Regions lists the 20 regions.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	rows, err := s.q.RegionList(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("share: regions: %w", err)
	}
	out := make([]Region, len(rows))
	for i, r := range rows {
		out[i] = Region{Code: r.Code, Names: Names{r.NameKk, r.NameRu, r.NameEn}}
	}
	return out, nil
}

// Shares returns the figures of the scope and, when groupBy is set, its breakdown with labels.
func (s *Store) Shares(ctx context.Context, scope Scope, groupBy string) (Figures, []Group, error) {
	cat, err := s.Category(ctx, scope.Category)
	if err != nil {
		return Figures{}, nil, err
	}
	total, err := s.figures(ctx, cat.ID, scope, "")
	if err != nil {
		return Figures{}, nil, err
	}
	var all Figures
	if len(total) == 1 {
		all = total[0].Figures
	}
	if groupBy == "" {
		return all, nil, nil
	}
	groups, err := s.figures(ctx, cat.ID, scope, groupBy)
	if err != nil {
		return Figures{}, nil, err
	}
	if err := s.label(ctx, groupBy, groups); err != nil {
		return Figures{}, nil, err
	}
	return all, groups, nil
}

func (s *Store) figures(ctx context.Context, categoryID int32, scope Scope, groupBy string) ([]Group, error) {
	var region *string
	if scope.Region != "" {
		region = &scope.Region
	}
	rows, err := s.q.ShareFigures(ctx, s.pool, dbq.ShareFiguresParams{
		GroupBy: groupBy, CategoryID: &categoryID, DateFrom: scope.From, DateTo: scope.To, Region: region,
	})
	if err != nil {
		return nil, fmt.Errorf("share: figures: %w", err)
	}
	out := make([]Group, len(rows))
	for i, r := range rows {
		out[i] = Group{Key: r.Key, Figures: Figures{
			Total: r.Total, Domestic: r.Domestic, LocalContent: r.LocalContent, LocalContentCertified: r.LocalContentCertified, Items: r.Items,
			DomesticItems: r.DomesticItems, Contracts: r.Contracts, DomesticContracts: r.DomesticContracts,
		}}
	}
	return out, nil
}

func (s *Store) label(ctx context.Context, groupBy string, groups []Group) error {
	keys := make([]string, len(groups))
	for i, g := range groups {
		keys[i] = g.Key
	}
	names := map[string]Names{}
	switch groupBy {
	case "region":
		regions, err := s.Regions(ctx)
		if err != nil {
			return err
		}
		for _, r := range regions {
			names[r.Code] = r.Names
		}
	case "buyer":
		rows, err := s.q.BuyerNamesByBIN(ctx, s.pool, keys)
		if err != nil {
			return fmt.Errorf("share: buyer names: %w", err)
		}
		for _, r := range rows {
			names[r.BIN] = Names{r.NameKk, r.NameRu, r.NameEn}
		}
	case "supplier":
		rows, err := s.q.SupplierNamesByIdentifier(ctx, s.pool, keys)
		if err != nil {
			return fmt.Errorf("share: supplier names: %w", err)
		}
		for _, r := range rows {
			names[r.Identifier] = Names{r.NameKk, r.NameRu, r.NameEn}
		}
	}
	for i := range groups {
		n, ok := names[groups[i].Key]
		if !ok {
			n = Names{groups[i].Key, groups[i].Key, groups[i].Key}
		}
		groups[i].Names = n
	}
	return nil
}

// Target is a policy target with its threshold schedule.
type Target struct {
	ID       int32
	Slug     string
	Names    Names
	Category string
	Region   string
	Metric   string
	Period   string
	Schedule []Threshold
}

// Targets lists every target.
func (s *Store) Targets(ctx context.Context) ([]Target, error) {
	rows, err := s.q.TargetList(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("share: targets: %w", err)
	}
	steps, err := s.q.TargetThresholdList(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("share: target thresholds: %w", err)
	}
	out := make([]Target, len(rows))
	for i, r := range rows {
		out[i] = Target{ID: r.ID, Slug: r.Slug, Names: Names{r.NameKk, r.NameRu, r.NameEn}, Category: r.CategorySlug,
			Metric: r.Metric, Period: r.Period}
		if r.Region != nil {
			out[i].Region = *r.Region
		}
		for _, st := range steps {
			if st.TargetID == r.ID {
				out[i].Schedule = append(out[i].Schedule, Threshold{EffectiveFrom: st.EffectiveFrom, Value: int64(st.ThresholdBp)})
			}
		}
	}
	return out, nil
}

// Target returns the target with slug.
func (s *Store) Target(ctx context.Context, slug string) (Target, error) {
	all, err := s.Targets(ctx)
	if err != nil {
		return Target{}, err
	}
	for _, t := range all {
		if t.Slug == slug {
			return t, nil
		}
	}
	return Target{}, fmt.Errorf("share: target %q: %w", slug, ErrNotFound)
}

// Progress is a target's state as of a date. Before its first threshold comes into force the target is
// not_started: InForce is false, Next says when it starts, and the figures are those of the period so far.
type Progress struct {
	Target    Target
	AsOf      time.Time
	From, To  time.Time
	Figures   Figures // the period so far
	Threshold Threshold
	InForce   bool
	Next      *Threshold // the next step of the schedule, if any
	Assessment
	Monthly []MonthFigures // trailing twelve months up to AsOf, oldest first
}

// metricFigures maps figures onto the target's metric, so Assess can treat every metric as a share of
// "domestic" in "total".
func metricFigures(metric string, f Figures) Figures {
	switch metric {
	case "domestic_share_count":
		return Figures{Total: f.Items, Domestic: f.DomesticItems}
	case "local_content_share":
		return Figures{Total: f.Total, Domestic: f.LocalContent}
	}
	return f
}

// Progress measures a target as of asOf over its period (the calendar year up to asOf).
func (s *Store) Progress(ctx context.Context, slug string, asOf time.Time) (Progress, error) {
	t, err := s.Target(ctx, slug)
	if err != nil {
		return Progress{}, err
	}
	step, inForce := ThresholdAt(t.Schedule, asOf)
	var next *Threshold
	if n, ok := NextThreshold(t.Schedule, asOf); ok {
		next = &n
	}
	from, to := CalendarYear(asOf)
	ytd, _, err := s.Shares(ctx, Scope{Category: t.Category, From: from, To: to, Region: t.Region}, "")
	if err != nil {
		return Progress{}, err
	}
	monthStart := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	_, groups, err := s.Shares(ctx, Scope{Category: t.Category, From: monthStart, To: to, Region: t.Region}, "month")
	if err != nil {
		return Progress{}, err
	}
	monthly := make([]MonthFigures, 0, 12)
	byKey := map[string]Figures{}
	for _, g := range groups {
		byKey[g.Key] = g.Figures
	}
	for m := monthStart; !m.After(to); m = m.AddDate(0, 1, 0) {
		monthly = append(monthly, MonthFigures{Month: m, Figures: byKey[m.Format("2006-01")]})
	}
	metricMonthly := make([]MonthFigures, len(monthly))
	for i, m := range monthly {
		metricMonthly[i] = MonthFigures{Month: m.Month, Figures: metricFigures(t.Metric, m.Figures)}
	}
	deadline := time.Date(asOf.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	a := Assess(step.Value, metricFigures(t.Metric, ytd), metricMonthly, asOf, deadline)
	if !inForce {
		a = Assessment{Value: a.Value, Status: StatusNotStarted, MonthsLeft: a.MonthsLeft}
	}
	return Progress{Target: t, AsOf: asOf, From: from, To: to, Figures: ytd, Threshold: step, InForce: inForce, Next: next,
		Assessment: a, Monthly: monthly}, nil
}
