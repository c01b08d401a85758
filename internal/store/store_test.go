package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// setup gives a test a transaction rolled back when it ends, and a store.
func setup(t *testing.T) (context.Context, pgx.Tx, *store.Store) {
	t.Helper()
	return t.Context(), pgtest.Tx(t), store.New()
}

func TestMissingIsErrNotFound(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	tests := []struct {
		name string
		get  func() error
	}{
		{"category", func() error { _, err := s.CategoryGetBySlug(ctx, tx, "no-such-category"); return err }},
		{"target", func() error { _, err := s.TargetGetBySlug(ctx, tx, "no-such-target"); return err }},
		{"progress", func() error { _, err := s.TargetProgressGet(ctx, tx, "no-such-target", day(2025, 1, 1)); return err }},
		{"batch", func() error { _, err := s.BatchGet(ctx, tx, -1); return err }},
		{"shares of a missing category", func() error {
			_, _, err := s.SharesGet(ctx, tx, share.Scope{Filter: share.Filter{Category: "no-such-category"}}, "")
			return err
		}},
		{"a year's groups of a missing category", func() error {
			_, err := s.ShareGroupsGet(ctx, tx, share.Scope{Filter: share.Filter{Category: "no-such-category"},
				From: day(2025, 1, 1), To: day(2025, 12, 31)}, "month")
			return err
		}},
		{"a buyer's shares of a missing category", func() error {
			_, _, err := s.SharesGet(ctx, tx, share.Scope{Filter: share.Filter{Category: "no-such-category", Buyer: "123456789012"},
				From: day(2025, 1, 1), To: day(2025, 12, 31)}, "")
			return err
		}},
		{"largest contracts of a missing category", func() error {
			_, err := s.ContractListLargestNonDomestic(ctx, tx, share.Scope{Filter: share.Filter{Category: "no-such-category"},
				From: day(2025, 1, 1), To: day(2025, 12, 31)}, 10)
			return err
		}},
		{"largest contracts of no category", func() error {
			_, err := s.ContractListLargestNonDomestic(ctx, tx, share.Scope{From: day(2025, 1, 1), To: day(2025, 12, 31)}, 10)
			return err
		}},
	}
	for _, tt := range tests {
		err := tt.get()
		require.ErrorIs(t, err, store.ErrNotFound, tt.name)
		require.True(t, strings.HasPrefix(err.Error(), "store: "), "%s: %q", tt.name, err)
	}
}

// TestSharesFilterByBuyerTypeAndMethod checks that each list of a filter narrows the figures, and that
// an empty list means all.
func TestSharesFilterByBuyerTypeAndMethod(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	school := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{Type: "education"})
	akimat := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{Type: "akimat"})
	purchases := []struct {
		buyer  int64
		method string
		value  int64
	}{{school, "2", 100_00}, {school, "3", 200_00}, {akimat, "2", 400_00}}
	for _, p := range purchases {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{BuyerID: p.buyer, Method: p.method, SignedOn: day(2025, 5, 1)},
			testfactory.ItemOpts{Category: "footwear", Value: p.value})
	}
	tests := []struct {
		name   string
		filter share.Filter
		want   int64
	}{
		{"all", share.Filter{}, 700_00},
		{"education", share.Filter{BuyerTypes: []string{"education"}}, 300_00},
		{"education and akimats", share.Filter{BuyerTypes: []string{"education", "akimat"}}, 700_00},
		{"method 2", share.Filter{Methods: []string{"2"}}, 500_00},
		{"education by method 2", share.Filter{BuyerTypes: []string{"education"}, Methods: []string{"2"}}, 100_00},
		{"defence buys none", share.Filter{BuyerTypes: []string{"defence"}}, 0},
	}
	for _, tt := range tests {
		tt.filter.Category = "footwear"
		got, _, err := s.SharesGet(ctx, tx, share.Scope{Filter: tt.filter, From: day(2025, 1, 1), To: day(2025, 12, 31)}, "")
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, got.Total, tt.name)
	}
}

// TestSharesCountWhatCounts writes one contract per kind of status and checks that the figures count the
// concluded ones at their value, a terminated one at what was paid, and not the one never concluded.
func TestSharesCountWhatCounts(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	almaty, astana := "75", "71"
	signed := day(2025, 4, 10)
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{PortalProducer: true})
	importer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NonResident: true, Country: "CN"})

	items := []struct {
		status   string
		paid     *int64
		supplier int64
		tier     tier.SupplierTier
		region   *string
		value    int64
	}{
		{"190", nil, producer, tier.DomesticProducer, &almaty, 1_000_00},                       // in force: counts 1,000
		{"330", nil, producer, tier.DomesticProducer, &almaty, 5_000_00},                       // not concluded: nothing
		{"340", testfactory.Ptr[int64](400_00), importer, tier.NonResident, &astana, 1_000_00}, // terminated: paid
		{"", nil, importer, tier.NonResident, &astana, 600_00},                                 // a sheet without status
	}
	for _, it := range items {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{Status: it.status, Paid: it.paid, SupplierID: it.supplier, SignedOn: signed},
			testfactory.ItemOpts{Category: "school-uniforms", Region: it.region, Value: it.value, Tier: it.tier})
	}
	scope := share.Scope{Filter: share.Filter{Category: "school-uniforms"}, From: day(2025, 1, 1), To: day(2025, 12, 31)}

	all, groups, err := s.SharesGet(ctx, tx, scope, "region")
	require.NoError(t, err)
	alone, err := s.ShareGroupsGet(ctx, tx, scope, "region")
	require.NoError(t, err)
	require.Equal(t, groups, alone, "the breakdown alone is SharesGet's")
	require.Equal(t, int64(1_000_00+400_00+600_00), all.Total)
	require.Equal(t, int64(1_000_00), all.Domestic)
	require.Equal(t, int64(3), all.Items)
	require.Equal(t, int64(5000), all.DomesticShare())

	byKey := map[string]share.Group{}
	for _, g := range groups {
		byKey[g.Key] = g
	}
	require.Len(t, byKey, 2)
	require.Equal(t, int64(1_000_00), byKey[almaty].Total)
	require.Equal(t, int64(1_000_00), byKey[almaty].Domestic)
	require.Equal(t, int64(400_00+600_00), byKey[astana].Total)
	require.NotEmpty(t, byKey[almaty].Names.RU, "groups are labelled")

	scope.Regions = []string{almaty}
	regional, _, err := s.SharesGet(ctx, tx, scope, "")
	require.NoError(t, err)
	require.Equal(t, int64(1_000_00), regional.Total)
	scope.Regions = []string{almaty, astana}
	both, _, err := s.SharesGet(ctx, tx, scope, "")
	require.NoError(t, err)
	require.Equal(t, all, both, "two regions are the union of both")
	scope.Regions = nil

	scope.From, scope.To = day(2024, 1, 1), day(2024, 12, 31)
	before, _, err := s.SharesGet(ctx, tx, scope, "")
	require.NoError(t, err)
	require.Equal(t, share.Figures{}, before, "nothing was signed in 2024")
}

func TestContractListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	buyer := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{BIN: "990000000001"})
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{PortalProducer: true})
	var want []int64
	for i, d := range []int{3, 1, 2} {
		want = append(want, testfactory.Purchase(ctx, t, tx,
			testfactory.ContractOpts{BuyerID: buyer, SupplierID: producer, SignedOn: day(2025, 5, d)},
			testfactory.ItemOpts{Category: "school-uniforms", Value: int64(i+1) * 100_00, Tier: tier.DomesticProducer}))
	}
	// A contract of another buyer and one never concluded stay out.
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: day(2025, 5, 4)},
		testfactory.ItemOpts{Category: "school-uniforms", Value: 1})
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{BuyerID: buyer, Status: "330", SignedOn: day(2025, 5, 5)},
		testfactory.ItemOpts{Category: "school-uniforms", Value: 1})

	f := store.ContractFilter{Scope: share.Scope{Filter: share.Filter{Category: "school-uniforms", Buyer: "990000000001"},
		From: day(2025, 1, 1), To: day(2025, 12, 31)}}
	page1, cur, err := s.ContractList(ctx, tx, f, nil, 2)
	require.NoError(t, err)
	require.Len(t, page1, 2)
	require.NotNil(t, cur)
	page2, cur, err := s.ContractList(ctx, tx, f, cur, 2)
	require.NoError(t, err)
	require.Nil(t, cur, "the last page has no next cursor")
	got := []int64{page1[0].ID, page1[1].ID, page2[0].ID}
	require.Equal(t, []int64{want[0], want[2], want[1]}, got, "newest first: 3, 2, 1 May")
	require.True(t, page1[0].DomesticProducer())
	require.Equal(t, int64(100_00), page1[0].ScopeValue)

	notDomestic := false
	f.Domestic = &notDomestic
	none, _, err := s.ContractList(ctx, tx, f, nil, 10)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestTargetProgressFromItems(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{PortalProducer: true})
	for _, it := range []struct {
		signed   time.Time
		supplier int64
		tier     tier.SupplierTier
		value    int64
	}{
		{day(2024, 8, 1), producer, tier.DomesticProducer, 900_00}, // last year: in the trend, not the period
		{day(2025, 7, 1), producer, tier.DomesticProducer, 200_00},
		{day(2025, 8, 1), 0, tier.NonResident, 800_00},
	} {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SupplierID: it.supplier, SignedOn: it.signed},
			testfactory.ItemOpts{Category: "school-uniforms", Value: it.value, Tier: it.tier})
	}
	p, err := s.TargetProgressGet(ctx, tx, "school-uniforms-50", day(2025, 8, 31))
	require.NoError(t, err)
	require.True(t, p.InForce)
	require.Equal(t, int64(5000), p.Threshold.Value)
	require.Equal(t, int64(1000_00), p.Figures.Total)
	require.Equal(t, int64(2000), p.Value)
	require.Len(t, p.Monthly, 12)
	require.Equal(t, day(2024, 9, 1), p.Monthly[0].Month)
	require.Equal(t, int64(200_00), p.Monthly[10].Total)
	require.Equal(t, int64(800_00), p.Monthly[11].Total)

	targets, err := s.TargetList(ctx, tx)
	require.NoError(t, err)
	require.NotEmpty(t, targets)
}

// A period's figures are the sum of its months when it starts on the first of a month, and are read on
// their own otherwise: either way they equal the shares of the period, contracts with several items in it
// counted once.
func TestTargetProgressPeriodFigures(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{PortalProducer: true})
	for _, p := range []struct {
		signed   time.Time
		supplier int64
		tier     tier.SupplierTier
		values   []int64
	}{
		{day(2024, 12, 31), producer, tier.DomesticProducer, []int64{900_00}},
		{day(2025, 1, 1), producer, tier.DomesticProducer, []int64{100_00, 50_00}},
		{day(2025, 3, 10), 0, tier.NonResident, []int64{300_00}},
		{day(2025, 3, 20), producer, tier.DomesticProducer, []int64{70_00, 30_00, 5_00}},
		{day(2025, 6, 30), 0, tier.NonResident, []int64{400_00}},
		{day(2025, 7, 1), producer, tier.DomesticProducer, []int64{999_00}}, // after the day asked about
	} {
		c := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SupplierID: p.supplier, SignedOn: p.signed})
		for _, v := range p.values {
			testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Value: v, Tier: p.tier})
		}
	}
	yearly := share.Target{Slug: "uniforms-yearly", Names: share.Names{KK: "а", RU: "б", EN: "c"},
		Filter: share.Filter{Category: "school-uniforms"}, Metric: share.MetricValue, Period: share.PeriodCalendarYear,
		Schedule: []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 5000}}}
	midMonth := yearly
	midMonth.Slug, midMonth.Period, midMonth.EndsOn = "uniforms-from-march-15", share.PeriodSchedule, day(2025, 12, 31)
	midMonth.Schedule = []share.Threshold{{EffectiveFrom: day(2025, 3, 15), Value: 5000}}
	_, err := s.TargetApply(ctx, tx, []share.Target{yearly, midMonth})
	require.NoError(t, err)
	for _, tc := range []struct {
		slug          string
		total         int64
		contracts     int64
		fromFirstOfMo bool
	}{
		{yearly.Slug, 955_00, 4, true},
		{midMonth.Slug, 505_00, 2, false},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			p, err := s.TargetProgressGet(ctx, tx, tc.slug, day(2025, 6, 30))
			require.NoError(t, err)
			require.Equal(t, tc.fromFirstOfMo, p.From.Day() == 1)
			want, _, err := s.SharesGet(ctx, tx, share.Scope{Filter: yearly.Filter, From: p.From, To: p.To}, "")
			require.NoError(t, err)
			require.Equal(t, want, p.Figures)
			require.Equal(t, tc.total, p.Figures.Total)
			require.Equal(t, tc.contracts, p.Figures.Contracts)
		})
	}
}

// TestTargetApplyAndRemove checks that applying targets creates or replaces them whole, all or none, and
// that a scoped target measures only its scope.
func TestTargetApplyAndRemove(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	ramp := share.Target{Slug: "workwear-east-ramp", Names: share.Names{KK: "Арнайы киім", RU: "Спецодежда", EN: "Workwear"},
		Basis:  share.Names{RU: "Региональная программа", EN: "Regional programme"},
		Filter: share.Filter{Category: "workwear", Regions: []string{"63"}, BuyerTypes: []string{"national_company"}, Methods: []string{"2"}},
		Metric: share.MetricValue, Period: share.PeriodSchedule, EndsOn: day(2027, 12, 31),
		Schedule: []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 6000}, {EffectiveFrom: day(2026, 1, 1), Value: 6500},
			{EffectiveFrom: day(2027, 1, 1), Value: 7500}}}
	yearly := share.Target{Slug: "footwear-30", Names: share.Names{KK: "Аяқ киім", RU: "Обувь", EN: "Footwear"},
		Filter: share.Filter{Category: "footwear"}, Metric: share.MetricCount, Period: share.PeriodCalendarYear,
		Schedule: []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 3000}}}

	done, err := s.TargetApply(ctx, tx, []share.Target{ramp, yearly})
	require.NoError(t, err)
	require.Equal(t, store.TargetApplied{Created: []string{"workwear-east-ramp", "footwear-30"}}, done)
	got, err := s.TargetGetBySlug(ctx, tx, ramp.Slug)
	require.NoError(t, err)
	id := got.ID
	got.ID = 0
	require.Equal(t, ramp, got)

	// Applied again, the target keeps its id and its schedule is replaced whole.
	ramp.Schedule = ramp.Schedule[:1]
	ramp.Regions = nil
	done, err = s.TargetApply(ctx, tx, []share.Target{ramp})
	require.NoError(t, err)
	require.Equal(t, []string{ramp.Slug}, done.Updated)
	got, err = s.TargetGetBySlug(ctx, tx, ramp.Slug)
	require.NoError(t, err)
	require.Equal(t, id, got.ID)
	require.Len(t, got.Schedule, 1)
	require.Empty(t, got.Regions)

	// One bad target leaves every target of the file as it was.
	changed := yearly
	changed.Schedule = []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 9000}}
	bad := yearly
	bad.Slug, bad.Category = "tanks-100", "tanks"
	_, err = s.TargetApply(ctx, tx, []share.Target{changed, bad})
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Contains(t, err.Error(), `target "tanks-100"`)
	kept, err := s.TargetGetBySlug(ctx, tx, yearly.Slug)
	require.NoError(t, err)
	require.Equal(t, int64(3000), kept.Schedule[0].Value, "the good target of a refused file is unchanged")

	require.NoError(t, s.TargetRemove(ctx, tx, yearly.Slug))
	_, err = s.TargetGetBySlug(ctx, tx, yearly.Slug)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.TargetRemove(ctx, tx, yearly.Slug), store.ErrNotFound)
}

func TestScopedTargetMeasuresItsScope(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	east := "63"
	company := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{Type: "national_company"})
	akimat := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{Type: "akimat"})
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{PortalProducer: true})
	for _, p := range []struct {
		buyer, supplier int64
		tier            tier.SupplierTier
		region          *string
		value           int64
	}{
		{company, producer, tier.DomesticProducer, &east, 300_00}, // in scope, domestic
		{company, 0, tier.NonResident, &east, 700_00},             // in scope, imported
		{akimat, 0, tier.NonResident, &east, 5_000_00},            // another buyer type
		{company, 0, tier.NonResident, nil, 9_000_00},             // no region
	} {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{BuyerID: p.buyer, SupplierID: p.supplier, SignedOn: day(2025, 4, 1)},
			testfactory.ItemOpts{Category: "workwear", Region: p.region, Value: p.value, Tier: p.tier})
	}
	target := share.Target{Slug: "workwear-east", Names: share.Names{KK: "а", RU: "б", EN: "c"},
		Filter: share.Filter{Category: "workwear", Regions: []string{east}, BuyerTypes: []string{"national_company"}},
		Metric: share.MetricValue, Period: share.PeriodCalendarYear, Schedule: []share.Threshold{{EffectiveFrom: day(2025, 1, 1), Value: 5000}}}
	_, err := s.TargetApply(ctx, tx, []share.Target{target})
	require.NoError(t, err)
	p, err := s.TargetProgressGet(ctx, tx, target.Slug, day(2025, 6, 30))
	require.NoError(t, err)
	require.Equal(t, int64(1_000_00), p.Figures.Total)
	require.Equal(t, int64(3000), p.Value)
	require.Equal(t, int64(200_00), p.GapAmount, "200 tenge more had to go to producers to reach 50 %")
}

func TestBatchesNewestFirstWithErrors(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	var ids []int64
	for _, name := range []string{"a.csv", "b.csv"} {
		var id int64
		require.NoError(t, tx.QueryRow(ctx, `INSERT INTO import_batches (format, source_name, status, rows_read, rows_rejected)
			VALUES ('csv', $1, 'failed', 3, 2) RETURNING id`, name).Scan(&id))
		ids = append(ids, id)
	}
	_, err := tx.Exec(ctx, `INSERT INTO import_errors (batch_id, location, reason) VALUES ($1, 'b.csv:2', 'bad BIN'), ($1, 'b.csv:3', 'no date')`, ids[1])
	require.NoError(t, err)

	list, _, err := s.BatchList(ctx, tx, 0, 100)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(list), 2)
	require.Equal(t, ids[1], list[0].ID, "newest first")

	b, err := s.BatchGet(ctx, tx, ids[1])
	require.NoError(t, err)
	require.Equal(t, "b.csv", b.SourceName)
	require.Equal(t, int64(2), b.Rejected)

	first, err := s.BatchErrorList(ctx, tx, ids[1], 0, 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.Equal(t, "b.csv:2", first[0].Location)
	rest, err := s.BatchErrorList(ctx, tx, ids[1], first[0].ID, 10)
	require.NoError(t, err)
	require.Len(t, rest, 1)
	require.Equal(t, "no date", rest[0].Reason)
}

func TestReferenceLists(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	cats, err := s.CategoryList(ctx, tx)
	require.NoError(t, err)
	require.NotEmpty(t, cats)
	c, err := s.CategoryGetBySlug(ctx, tx, "school-uniforms")
	require.NoError(t, err)
	require.NotEmpty(t, c.Names.RU)
	regions, err := s.RegionList(ctx, tx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(regions), 17)
	statuses, err := s.ContractStatusList(ctx, tx)
	require.NoError(t, err)
	var counted, excluded int
	for _, st := range statuses {
		if st.Counts == "none" {
			excluded++
		} else {
			counted++
		}
	}
	require.Positive(t, counted)
	require.Positive(t, excluded)
	require.False(t, errors.Is(err, store.ErrNotFound))
}

// TestCountedItemRowsMatch holds the download's row reader, which names buyers, suppliers and categories
// from lists it read before the query, to the same rows read with their names joined in SQL: the same
// rows, column for column, by date and contract; names in the language asked for; and sorting and JIT back
// on once the reading is closed.
func TestCountedItemRowsMatch(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	supplier := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: "ТОО «Обувь»"})
	_, err := tx.Exec(ctx, `UPDATE suppliers SET name_kk = '«Аяқ киім» ЖШС' WHERE id = $1`, supplier)
	require.NoError(t, err)
	// Signed in the opposite order of their ids, so that the order by date is seen; one unclassified.
	for i, v := range []int64{100_00, 200_00, 300_00} {
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SupplierID: supplier, SignedOn: day(2025, 3, 3-i)},
			testfactory.ItemOpts{Category: "footwear", Value: v, LocalContentBP: testfactory.Ptr[int32](4200), Name: "Ботинки"})
	}
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: day(2025, 3, 4)}, testfactory.ItemOpts{Value: 50_00, Name: "Насос"})
	const joined = `SELECT i.contract_source, i.contract_source_id, i.signed_on, b.bin,
		       CASE WHEN $1 AND b.name_kk <> '' THEN b.name_kk ELSE b.name_ru END, b.buyer_type, s.identifier,
		       CASE WHEN $1 AND s.name_kk <> '' THEN s.name_kk ELSE s.name_ru END, s.country, coalesce(c.slug, ''),
		       coalesce(i.region, ''), i.kato, i.method, i.status, i.enstru_code, t.name, i.quantity::text, i.unit,
		       i.value, i.tier, i.tier_rule, i.local_content_bp, i.local_content_certified_bp,
		       i.contract_local_content_published_bp
		FROM counted_items i
		JOIN buyers b ON b.id = i.buyer_id
		JOIN suppliers s ON s.id = i.supplier_id
		JOIN item_texts t ON t.id = i.text_id
		LEFT JOIN categories c ON c.id = i.category_id
		WHERE i.signed_on BETWEEN $2 AND $3 AND (c.slug = 'footwear' OR c.id IS NULL)
		ORDER BY i.signed_on, i.contract_id`
	scope := share.Scope{From: day(2025, 1, 1), To: day(2025, 12, 31)}
	for _, tt := range []struct {
		lang, supplier string
	}{{"ru", "ТОО «Обувь»"}, {"kk", "«Аяқ киім» ЖШС"}, {"en", "ТОО «Обувь»"}} {
		rows, err := s.CountedItemRows(ctx, tx, scope, tt.lang)
		require.NoError(t, err)
		var streamed []store.ExportItem
		for rows.Next() {
			streamed = append(streamed, *rows.Item())
		}
		require.NoError(t, rows.Err())
		rows.Close()
		var sorting string
		require.NoError(t, tx.QueryRow(ctx, `SHOW enable_sort`).Scan(&sorting))
		require.Equal(t, "on", sorting, "the download's setting outlived it")
		var jit string
		require.NoError(t, tx.QueryRow(ctx, `SHOW jit`).Scan(&jit))
		require.Equal(t, "on", jit, "the download's setting outlived it")

		ref, err := tx.Query(ctx, joined, tt.lang == "kk", scope.From, scope.To)
		require.NoError(t, err)
		var want []store.ExportItem
		for ref.Next() {
			var r store.ExportItem
			require.NoError(t, ref.Scan(&r.Source, &r.ContractID, &r.SignedOn, &r.BuyerBin, &r.BuyerName, &r.BuyerType,
				&r.SupplierID, &r.SupplierName, &r.SupplierCountry, &r.Category, &r.Region, &r.KATO, &r.Method, &r.Status,
				&r.EnstruCode, &r.ItemName, &r.Quantity, &r.Unit, &r.Value, &r.Tier, &r.TierRule, &r.LocalContentBp,
				&r.LocalContentCertifiedBp, &r.LocalContentPublishedBp))
			want = append(want, r)
		}
		require.NoError(t, ref.Err())
		require.Len(t, want, 4)
		require.Equal(t, want, streamed)
		for i, v := range []int64{300_00, 200_00, 100_00, 50_00} {
			require.Equal(t, v, streamed[i].Value, "row %d", i)
			require.Equal(t, day(2025, 3, 1+i), streamed[i].SignedOn, "row %d", i)
		}
		require.Equal(t, "Ботинки", streamed[0].ItemName)
		require.Equal(t, tt.supplier, streamed[0].SupplierName)
		require.Equal(t, "footwear", streamed[0].Category)
		require.Equal(t, "", streamed[3].Category, "unclassified")
		require.Equal(t, int32(4200), *streamed[0].LocalContentBp)
	}
}

// TestWhoCouldSupply lists the registered producers of a category with their spare capacity: the one that
// won part of its capacity, the one that won nothing, and not the one registered for another category.
func TestWhoCouldSupply(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	busy, idle, other := "110000000001", "110000000002", "110000000003"
	_, err := tx.Exec(ctx, `INSERT INTO producer_register (bin, category_id, valid_from, capacity, capacity_unit, region)
		SELECT b, (SELECT id FROM categories WHERE slug = c), DATE '2020-01-01', cap, 'шт/год', r
		FROM (VALUES ($1, 'footwear', 10000, '75'), ($2, 'footwear', 4000, NULL), ($3, 'furniture', 99999, '79')) v (b, c, cap, r)`,
		busy, idle, other)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO producer_register (bin, enstru_prefix, valid_from) VALUES ($1, '1520', DATE '2020-01-01')`,
		"110000000004")
	require.NoError(t, err)
	supplier := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{BIN: busy, NameRU: "ТОО «Обувь»"})
	for _, v := range []int64{500_00, 700_00} {
		c := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SupplierID: supplier, SignedOn: day(2025, 6, 1)})
		testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "footwear", Value: v, Tier: tier.DomesticProducer})
	}
	_, err = tx.Exec(ctx, `UPDATE contract_items SET quantity = 2500, unit = '796' WHERE contract_id IN (SELECT id FROM contracts WHERE supplier_id = $1)`, supplier)
	require.NoError(t, err)
	// Capacities in pairs and in a unit Ules does not know, each won in pairs and in pieces.
	pairs, yards := "110000000005", "110000000006"
	_, err = tx.Exec(ctx, `INSERT INTO producer_register (bin, category_id, valid_from, capacity, capacity_unit)
		SELECT b, (SELECT id FROM categories WHERE slug = 'footwear'), DATE '2020-01-01', 1000, u
		FROM (VALUES ($1, 'пар/год'), ($2, 'погонных ярдов')) v (b, u)`, pairs, yards)
	require.NoError(t, err)
	for _, bin := range []string{pairs, yards} {
		id := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{BIN: bin})
		for _, it := range []struct {
			unit     string
			quantity int
		}{{"715", 300}, {"796", 50}} {
			c := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SupplierID: id, SignedOn: day(2025, 7, 1)})
			item := testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "footwear", Value: 100_00, Tier: tier.DomesticProducer})
			_, err = tx.Exec(ctx, `UPDATE contract_items SET quantity = $1, unit = $2 WHERE contract_id = $3 AND source_id = $4`,
				it.quantity, it.unit, c, item)
			require.NoError(t, err)
		}
	}

	got, err := s.RegisterListCapacity(ctx, tx, share.Scope{Filter: share.Filter{Category: "footwear"}, From: day(2025, 1, 1), To: day(2025, 12, 31)}, 10)
	require.NoError(t, err)
	var bins []string
	for _, c := range got {
		bins = append(bins, c.BIN)
	}
	// 10 000 − 5 000 won leaves 5 000; 4 000 untouched; 1 000 − 300 pairs; 1 000 − 350 of every unit, the
	// capacity's unit unknown; footwear's ENSTRU 1520 registrant without a capacity last.
	require.Equal(t, []string{busy, idle, pairs, yards, "110000000004"}, bins)
	require.True(t, got[0].Compared)
	require.Empty(t, got[0].Elsewhere)
	require.Equal(t, "300", got[2].WonQuantity, "pairs only")
	require.True(t, got[2].Compared)
	require.Equal(t, []store.Quantity{{Quantity: "50", Unit: "796"}}, got[2].Elsewhere)
	require.Equal(t, "700", got[2].Spare())
	load, ok := got[2].Load()
	require.True(t, ok)
	require.Equal(t, int64(3000), load)
	require.Equal(t, "350", got[3].WonQuantity)
	require.False(t, got[3].Compared, "погонных ярдов is no unit Ules knows: every unit counts, and the page says so")
	require.Empty(t, got[3].Elsewhere)
	require.Equal(t, "650", got[3].Spare())
	require.Equal(t, "5000", got[0].Spare())
	require.Equal(t, int64(1_200_00), got[0].WonValue)
	require.Equal(t, "ТОО «Обувь»", got[0].Names.RU)
	load, ok = got[0].Load()
	require.True(t, ok)
	require.Equal(t, int64(5000), load)
	require.Equal(t, "75", got[0].Region.Code)
	require.Equal(t, "город Алматы", got[0].Region.Names.RU)
	require.Empty(t, got[1].Region.Code, "the register does not say where")
	require.Equal(t, "4000", got[1].Spare())
	require.Empty(t, got[1].SupplierID, "never supplied anything on record")
	require.Empty(t, got[4].Spare(), "no capacity stated")
	_, ok = got[4].Load()
	require.False(t, ok)
	// Over a span of two years what was won is measured against two years of capacity: 20 000 − 5 000. It
	// had been one year's, which a schedule target's span outgrows.
	got, err = s.RegisterListCapacity(ctx, tx, share.Scope{Filter: share.Filter{Category: "footwear"}, From: day(2025, 1, 1), To: day(2026, 6, 30)}, 10)
	require.NoError(t, err)
	require.Equal(t, busy, got[0].BIN)
	require.Equal(t, "15000", got[0].Spare())
	load, ok = got[0].Load()
	require.True(t, ok)
	require.Equal(t, int64(2500), load)
	require.Equal(t, "8000", got[1].Spare())
	// A producer registered for all its products in kilograms and for footwear in pairs is measured by the
	// footwear entry, however much larger the other's number.
	_, err = tx.Exec(ctx, `INSERT INTO producer_register (bin, category_id, valid_from, capacity, capacity_unit)
		VALUES ('110000000007', NULL, DATE '2020-01-01', 99999, 'кг/год'),
		       ('110000000007', (SELECT id FROM categories WHERE slug = 'footwear'), DATE '2020-01-01', 500, 'пар/год')`)
	require.NoError(t, err)
	got, err = s.RegisterListCapacity(ctx, tx, share.Scope{Filter: share.Filter{Category: "footwear"}, From: day(2025, 1, 1), To: day(2025, 12, 31)}, 20)
	require.NoError(t, err)
	var both *store.Capacity
	for i := range got {
		if got[i].BIN == "110000000007" {
			both = &got[i]
		}
	}
	require.NotNil(t, both)
	require.Equal(t, "500", both.Capacity)
	require.Equal(t, "пар/год", both.Unit)
	got, err = s.RegisterListCapacity(ctx, tx, share.Scope{Filter: share.Filter{Category: "footwear"}, From: day(2025, 1, 1), To: day(2025, 12, 31)}, 2)
	require.NoError(t, err)
	require.Len(t, got, 2, "the limit after the order")
	require.Equal(t, idle, got[1].BIN)
}

// The contracts whose published local content differs from the certificates are the same read from the
// rollup's contracts as from the items: a contract with items in two cells is summed whole, and a period
// that starts and ends inside months lists only the contracts signed within it.
func TestQualityMismatchesFromTheRollup(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	published := func(bp int32) *int32 { return &bp }
	one := testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "ONE-CELL", SignedOn: day(2026, 5, 4),
		Total: 1_000_00, LocalContentPublished: published(8400)},
		testfactory.ItemOpts{Category: "footwear", Value: 1_000_00})
	two := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "TWO-CELLS", SignedOn: day(2026, 5, 31),
		Total: 2_000_00, LocalContentPublished: published(1000)})
	testfactory.Item(ctx, t, tx, two, &testfactory.ItemOpts{Category: "footwear", Value: 1_000_00, Tier: tier.DomesticProducer})
	testfactory.Item(ctx, t, tx, two, &testfactory.ItemOpts{Value: 1_000_00})
	for _, d := range []time.Time{day(2026, 5, 1), day(2026, 6, 1)} { // the period's months, outside it
		testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: d, Total: 1_000_00, LocalContentPublished: published(9000)},
			testfactory.ItemOpts{Category: "footwear", Value: 1_000_00})
	}
	testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SignedOn: day(2026, 5, 5), Status: "330", Total: 1_000_00,
		LocalContentPublished: published(9000)}, testfactory.ItemOpts{Category: "footwear", Value: 1_000_00})
	// TWO-CELLS: 1,000 ₸ certified of 2,000 ₸ is 50 %, against 10 % published.
	_, err := tx.Exec(ctx, "UPDATE contract_items SET local_content_certified_value = value WHERE contract_id = $1 AND category_id IS NOT NULL", two)
	require.NoError(t, err)

	f := store.QualityFilter{From: day(2026, 5, 2), To: day(2026, 5, 31), MinPoints: 500, Limit: 50}
	var dirty bool
	require.NoError(t, tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM share_rollup_dirty)").Scan(&dirty))
	require.True(t, dirty, "the writes marked their months")
	fromItems, err := s.QualityGet(ctx, tx, f)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT share_rollup_refresh()")
	require.NoError(t, err)
	require.NoError(t, tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM share_rollup_dirty)").Scan(&dirty))
	require.False(t, dirty)
	var spanning int
	require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM share_rollup_contracts WHERE contract_id = $1 AND shared", two).Scan(&spanning))
	require.Equal(t, 2, spanning, "TWO-CELLS has a row in each of its cells")
	fromRollup, err := s.QualityGet(ctx, tx, f)
	require.NoError(t, err)

	for name, q := range map[string]store.Quality{"items": fromItems, "rollup": fromRollup} {
		require.EqualValues(t, 2, q.MismatchCount, name)
		require.Len(t, q.Mismatches, 2, name)
		// 840 ₸ published and not certified, then 800 ₸ certified beyond the 200 ₸ published.
		require.Equal(t, one, q.Mismatches[0].ID, name)
		require.EqualValues(t, 0, q.Mismatches[0].CertifiedValue, name)
		require.Equal(t, two, q.Mismatches[1].ID, name)
		require.EqualValues(t, 1_000_00, q.Mismatches[1].CertifiedValue, name)
		require.EqualValues(t, 5000, q.Mismatches[1].Certified(), name)
	}
	require.Equal(t, fromItems, fromRollup)

	f.Limit, f.MismatchPage = 1, 2
	page, err := s.QualityGet(ctx, tx, f)
	require.NoError(t, err)
	require.EqualValues(t, 2, page.MismatchCount)
	require.Len(t, page.Mismatches, 1)
	require.Equal(t, two, page.Mismatches[0].ID)
}

// A contract counted at what was paid has its counted items scaled by paid ÷ total, while KC's S is the
// total: its certified local content is of its items as they are, in the contract list, the data-quality
// page and the contract page alike. It read 50 % for a contract fully certified and half paid, and the
// data-quality page listed it against its published 100 %.
func TestCertifiedLocalContentOfAContractCountedAtWhatWasPaid(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	full, paid := int32(10_000), int64(500_000_00)
	id := testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "HALF-PAID", SignedOn: day(2026, 5, 4),
		Status: "340", Total: 1_000_000_00, Paid: &paid, LocalContentPublished: &full},
		testfactory.ItemOpts{Category: "footwear", Value: 1_000_000_00})
	_, err := tx.Exec(ctx, "UPDATE contract_items SET local_content_certified_value = value WHERE contract_id = $1", id)
	require.NoError(t, err)
	var counted int64
	require.NoError(t, tx.QueryRow(ctx, "SELECT sum(value)::bigint FROM counted_items WHERE contract_id = $1", id).Scan(&counted))
	require.Equal(t, paid, counted, "it counts at what was paid")

	k, err := s.ContractGet(ctx, tx, id)
	require.NoError(t, err)
	require.EqualValues(t, 10_000, k.LocalContentCertified())
	rows, _, err := s.ContractList(ctx, tx, store.ContractFilter{Scope: share.Scope{Filter: share.Filter{Category: "footwear"},
		From: day(2026, 5, 1), To: day(2026, 5, 31)}}, nil, 10)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.EqualValues(t, 10_000, rows[0].LocalContentCertified(), "the list's KC is the contract page's")

	f := store.QualityFilter{From: day(2026, 5, 1), To: day(2026, 5, 31), MinPoints: 500, Limit: 50}
	for _, rollup := range []bool{false, true} {
		if rollup {
			_, err = tx.Exec(ctx, "SELECT share_rollup_refresh()")
			require.NoError(t, err)
		}
		q, err := s.QualityGet(ctx, tx, f)
		require.NoError(t, err)
		require.Zero(t, q.MismatchCount, "published 100 %% and certified 100 %% agree (rollup %v)", rollup)
	}
}

// The contract list keeps to the scope's supplier tiers and, for category=none, to items no rule matched,
// as the figures beside it do; it had dropped both filters.
func TestContractListKeepsTiersAndUnclassified(t *testing.T) {
	t.Parallel()
	ctx, tx, s := setup(t)
	producer := testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "BY-PRODUCER", SignedOn: day(2026, 5, 4)},
		testfactory.ItemOpts{Category: "footwear", Value: 1_000_00, Tier: tier.DomesticProducer})
	foreign := testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "FROM-ABROAD", SignedOn: day(2026, 5, 5)},
		testfactory.ItemOpts{Category: "footwear", Value: 2_000_00, Tier: tier.NonResident})
	unmatched := testfactory.Purchase(ctx, t, tx, testfactory.ContractOpts{SourceID: "NO-RULE", SignedOn: day(2026, 5, 6)},
		testfactory.ItemOpts{Value: 3_000_00, Tier: tier.ResidentSupplier})
	ids := func(sc share.Scope) []int64 {
		sc.From, sc.To = day(2026, 5, 1), day(2026, 5, 31)
		rows, _, err := s.ContractList(ctx, tx, store.ContractFilter{Scope: sc}, nil, 10)
		require.NoError(t, err)
		var out []int64
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	require.Equal(t, []int64{unmatched, foreign, producer}, ids(share.Scope{}))
	require.Equal(t, []int64{foreign}, ids(share.Scope{Filter: share.Filter{Tiers: []tier.SupplierTier{tier.NonResident}}}))
	require.Equal(t, []int64{producer}, ids(share.Scope{Filter: share.Filter{Category: "footwear", Tiers: []tier.SupplierTier{tier.DomesticProducer}}}))
	require.Equal(t, []int64{unmatched}, ids(share.Scope{Filter: share.Filter{Unclassified: true}}))
}
