package loader

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// A record's plan finds each unit's plan point (the last row of a repeated one, as the merge takes it) and
// smallest KATO code the same way whether the record is small enough to scan or large enough for maps.
func TestRecordPrepPlansAndKATOs(t *testing.T) {
	for _, points := range []int{3, 8, 9, 30} {
		t.Run(fmt.Sprint(points), func(t *testing.T) {
			bin := "100240000003"
			rec := &contractRecord{Deal: record.Deal{
				Contracts: []record.Contract{{SourceID: "c", CustomerBin: "b", SupplierKey: "s", Currency: "KZT"}},
				Parties: []record.Party{
					{Identifier: "b", NameRu: "first"}, {Identifier: "s", BIN: &bin}, {Identifier: "b", NameRu: "last"},
				},
			}}
			for i := range points {
				id := fmt.Sprintf("p%d", i)
				rec.PlanPoints = append(rec.PlanPoints, record.PlanPoint{PlanID: id, Name: "early"})
				rec.PlanKATOs = append(rec.PlanKATOs, record.PlanKATO{PlanID: id, KATO: fmt.Sprintf("75%07d", 100-i)})
				if i%2 == 0 {
					rec.PlanKATOs = append(rec.PlanKATOs, record.PlanKATO{PlanID: id, KATO: fmt.Sprintf("19%07d", i)})
				}
				rec.Items = append(rec.Items, record.Item{SourceID: fmt.Sprint(i), ContractSourceID: "c", PlanID: id, Value: 1})
			}
			rec.PlanPoints = append(rec.PlanPoints, record.PlanPoint{PlanID: "p0", Name: "late"}) // repeated: the last row wins
			rec.Items = append(rec.Items, record.Item{SourceID: "none", ContractSourceID: "c", PlanID: "p1", Value: 1})
			rec.PlanKATOs = append(rec.PlanKATOs, record.PlanKATO{PlanID: "p1", KATO: ""})

			p := rec.prepared()
			require.True(t, p.loadable)
			require.Equal(t, "last", p.buyer.NameRu)
			require.Same(t, &rec.Parties[1], p.supplier)
			require.Equal(t, "late", p.plans[0].Name)
			for i := 1; i < points; i++ {
				require.Equal(t, fmt.Sprintf("p%d", i), p.plans[i].PlanID)
				require.Equal(t, "early", p.plans[i].Name)
			}
			for i := 2; i < points; i++ {
				want := fmt.Sprintf("75%07d", 100-i)
				if i%2 == 0 {
					want = fmt.Sprintf("19%07d", i)
				}
				require.Equal(t, want, p.katos[i], "unit %d", i)
			}
			require.Empty(t, p.katos[1], "an empty code is the smallest, as min() takes it")
			require.Empty(t, p.katos[points], "the extra unit of p1 too")
		})
	}
}

// A record the merge could store differently is not loadable.
func TestRecordPrepNotLoadable(t *testing.T) {
	base := func() *contractRecord {
		return &contractRecord{Deal: record.Deal{
			Contracts:  []record.Contract{{SourceID: "c", CustomerBin: "b", SupplierKey: "s", Currency: "KZT"}},
			Parties:    []record.Party{{Identifier: "b"}, {Identifier: "s"}},
			PlanPoints: []record.PlanPoint{{PlanID: "p"}},
			Items:      []record.Item{{SourceID: "1", ContractSourceID: "c", PlanID: "p", Value: 5}},
		}}
	}
	require.True(t, base().prepared().loadable)
	for name, change := range map[string]func(r *contractRecord){
		"another currency": func(r *contractRecord) { r.Contracts[0].Currency = "USD" },
		"no supplier":      func(r *contractRecord) { r.Parties = r.Parties[:1] },
		"rows that disagree": func(r *contractRecord) {
			r.Contracts = append(r.Contracts, r.Contracts[0])
			r.Contracts[1].Method = "x"
		},
		"a unit without a point": func(r *contractRecord) { r.Items[0].PlanID = "q" },
		"a unit twice":           func(r *contractRecord) { r.Items = append(r.Items, r.Items[0]) },
		"an amount out of range": func(r *contractRecord) { r.Items[0].Value = largestAmount },
		"a sum out of range": func(r *contractRecord) {
			r.Items = append(r.Items, r.Items[0], r.Items[0])
			r.Items[0].Value, r.Items[1].Value, r.Items[2].Value = largestAmount-1, largestAmount-1, 1
			r.Items[1].SourceID, r.Items[2].SourceID = "2", "3"
		},
	} {
		r := base()
		change(r)
		require.False(t, r.prepared().loadable, name)
	}
}
