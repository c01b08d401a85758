package loader

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkRollupPartsItem sums items as a direct load does: contracts of one to five items, most of a
// contract's items in its first cell.
func BenchmarkRollupPartsItem(b *testing.B) {
	type item struct {
		contract, buyer, supplier int64
		signed                    time.Time
		base                      int32
		category                  *int32
		region                    string
		tier                      int16
		value                     int64
	}
	r := rand.New(rand.NewPCG(1, 2))
	regions := []string{"75", "71", "79", "11", "15", "19", "23", "27", "31", "35", "39", "43", "47", "55", "59", "61", "63"}
	categories := make([]int32, 12)
	for i := range categories {
		categories[i] = int32(i + 1)
	}
	newParts := func() *rollupParts {
		return &rollupParts{statuses: map[string]string{"330": "value"}, amended: map[string]bool{},
			baseIndex: map[cellBase]int32{}, cellIndex: map[cellKey]int32{}, lastCell: noCell,
			spans: map[int64][]int32{}, marked: map[time.Time]bool{}, byContract: map[contractCell]int32{},
			late: map[int64]time.Time{}, firstID: 1, regionIdx: map[string]int16{}}
	}
	setup := newParts()
	var items []item
	for c := int64(1); len(items) < 200_000; c++ {
		signed := time.Date(2025, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		base := setup.contract("c", signed, "330", []string{"open", "request", "single", "auction", "tender"}[r.IntN(5)],
			[]string{"school", "hospital", "akimat", "company"}[r.IntN(4)], false, nil, nil, 0)
		cat, region, tier := &categories[r.IntN(len(categories))], regions[r.IntN(len(regions))], int16(r.IntN(3))
		for range 1 + r.IntN(5) {
			it := item{contract: c, buyer: c % 9000, supplier: c % 20000, signed: signed, base: base, category: cat,
				region: region, tier: tier, value: r.Int64N(1_000_000_000)}
			if r.IntN(10) == 0 {
				it.category = &categories[r.IntN(len(categories))]
			}
			if r.IntN(10) == 0 {
				it.region = regions[r.IntN(len(regions))]
			}
			items = append(items, it)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p := newParts()
		p.bases, p.baseIndex, p.bounds = setup.bases, setup.baseIndex, make([][2]time.Time, len(setup.bounds))
		copy(p.bounds, setup.bounds)
		for i := range items {
			it := &items[i]
			p.item(it.contract, it.buyer, it.supplier, p.firstOf(it.contract), it.base, it.signed, it.category,
				it.region, true, it.tier, it.value, it.value/2)
			if len(p.contractCells) >= contractCellsFlush { // as flushContracts leaves them
				clear(p.byContract)
				p.contractCells = p.contractCells[:0]
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
}
