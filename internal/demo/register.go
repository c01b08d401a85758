package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// RegisterEntry is an entry of the register of domestic producers, as the register import reads it.
type RegisterEntry struct {
	BIN       string
	Category  string // one of the Category* slugs
	ValidFrom time.Time
	Capacity  int64 // a year's, in items of any unit of the category
	Region    string
}

// streamRegister draws the producers' loads, apart from the dataset's other streams.
const streamRegister = 0x7265676973746572

// Register returns a register entry for each category each domestic producer of the dataset makes, from the
// first year, with an annual capacity that its busiest year in st.Produced used 50-60% of (light industry
// runs at that load, see docs/methodology.md) and its home region. A producer that never won in a category
// still has an entry: capacity nobody bought from.
func Register(st Stats, opts Options) ([]RegisterEntry, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	w := newRoster(rand.New(rand.NewPCG(opts.Seed, streamRoster)), opts.Items)
	r := rand.New(rand.NewPCG(opts.Seed, streamRegister))
	var out []RegisterEntry
	for _, s := range w.suppliers {
		if s.class != classProducer {
			continue
		}
		for c := range nCats {
			if s.cats&catBit(c) == 0 {
				continue
			}
			var busiest int64
			for year := firstYear; year <= lastYear; year++ {
				busiest = max(busiest, st.Produced[ProducerYear{s.biin, YearCategory{year, categorySlugs[c]}}])
			}
			load := 50 + r.Int64N(11) // percent
			capacity := (1000 + r.Int64N(9000)) * 10
			if busiest > 0 {
				capacity = (busiest*100/load + 99) / 100 * 100 // rounded up to hundreds
			}
			out = append(out, RegisterEntry{
				BIN: s.biin, Category: categorySlugs[c], Capacity: capacity,
				ValidFrom: time.Date(firstYear, time.January, 1, 0, 0, 0, 0, time.UTC),
				Region:    fmt.Sprintf("%02d", regions[s.region].code),
			})
		}
	}
	return out, nil
}

// WriteRegisterCSV writes entries in the CSV format of `ules import --format register`.
func WriteRegisterCSV(w io.Writer, entries []RegisterEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"bin", "category", "valid_from", "capacity", "capacity_unit", "region", "source"}); err != nil {
		return err
	}
	for _, e := range entries {
		err := cw.Write([]string{e.BIN, e.Category, e.ValidFrom.Format(time.DateOnly), strconv.FormatInt(e.Capacity, 10),
			"изделий/год", e.Region, "Демо-реестр отечественных товаропроизводителей"})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
