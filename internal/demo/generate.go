package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultItems    = 60_000
	DefaultPageSize = 1_000
)

// Options select a dataset.
type Options struct {
	// Seed selects the dataset: equal options give byte-identical output. Zero is a valid seed.
	Seed uint64
	// Items is the exact number of contract units (and plan points); zero means DefaultItems.
	Items int
	// PageSize is the largest number of items per page file; zero means DefaultPageSize.
	PageSize int
}

// DefaultOptions returns the options of the demo dataset `make run` loads.
func DefaultOptions() Options {
	return Options{Seed: 1, Items: DefaultItems, PageSize: DefaultPageSize}
}

func (o Options) normalize() (Options, error) {
	if o.Items == 0 {
		o.Items = DefaultItems
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Items < 0 {
		return o, fmt.Errorf("demo: items %d is negative", o.Items)
	}
	if o.PageSize < 0 {
		return o, fmt.Errorf("demo: page size %d is negative", o.PageSize)
	}
	return o, nil
}

// YearCategory keys Stats.Volumes.
type YearCategory struct {
	Year     int
	Category string // One of the Category* slugs.
}

// Volume is the value of non-deleted units (total_sum_wnds), in tiyn.
type Volume struct {
	Total    int64
	Domestic int64 // Part supplied by domestic producers (mark_patronymic_producer 1).
}

// DomesticShare returns Domestic / Total, or 0 for an empty volume.
func (v Volume) DomesticShare() float64 {
	if v.Total == 0 {
		return 0
	}
	return float64(v.Domestic) / float64(v.Total)
}

// Stats describes a generated dataset.
type Stats struct {
	Subjects, Buyers, Suppliers int
	Contracts                   int
	Units                       int // Including deleted ones.
	DeletedUnits                int
	PlanPoints, PlanKatos       int
	// Volumes holds every year and category, by the generator's own category of each unit, of the contracts that count.
	Volumes map[YearCategory]Volume
	// Produced is the quantity each domestic producer (by BIN) delivered in a year and category, in the
	// contracts that count: what Register sizes the producers' capacities by.
	Produced map[ProducerYear]int64
}

// ProducerYear keys Stats.Produced.
type ProducerYear struct {
	BIN string
	YearCategory
}

// Generate writes a dataset in the portal's page format under dir (see PortalSink) and describes it.
func Generate(ctx context.Context, dir string, opts Options) (Stats, error) {
	opts, err := opts.normalize()
	if err != nil {
		return Stats{}, err
	}
	sink, err := PortalSink(dir, opts.PageSize)
	if err != nil {
		return Stats{}, err
	}
	return Run(ctx, sink, opts)
}

// Run emits a dataset to sink and closes it, also after a failure. Sink errors are returned as they are.
// Memory use grows only with the number of participants, not with the number of records, because values
// are calibrated by generating the dataset twice from the same seed: once to measure, once to emit.
func Run(ctx context.Context, sink Sink, opts Options) (st Stats, err error) {
	defer func() {
		if cerr := sink.Close(); err == nil {
			err = cerr
		}
	}()
	if opts, err = opts.normalize(); err != nil {
		return Stats{}, err
	}
	g := newGenerator(opts)
	if err := g.newPass(nil, nil, nil).run(ctx); err != nil {
		return Stats{}, err
	}
	g.calibrate()

	st = Stats{Buyers: len(g.w.buyers), Suppliers: len(g.w.suppliers), Volumes: map[YearCategory]Volume{},
		Produced: map[ProducerYear]int64{}}
	for _, s := range g.w.subjects {
		if err := sink.Subject(s); err != nil {
			return st, err
		}
		st.Subjects++
	}
	var vol [nYears][nCats]Volume
	if err := g.newPass(sink, &st, &vol).run(ctx); err != nil {
		return st, err
	}
	for y := range nYears {
		for c := range nCats {
			st.Volumes[YearCategory{firstYear + y, categorySlugs[c]}] = vol[y][c]
		}
	}
	return st, nil
}

// Independent random streams, so that changing how one part draws leaves the others alone.
const (
	streamRoster    = 0x726f73746572
	streamTargets   = 0x74617267657473
	streamContracts = 0x636f6e7472616374
)

// generator holds a dataset's plan: who takes part, how many units each year and category gets and what
// value they should add up to.
type generator struct {
	opts Options
	w    *roster

	units   [nYears][nCats]int
	target  [nYears][nCats]float64 // Value, tiyn.
	shareBP [nYears][nCats]int64   // Domestic producers' share of value.
	meanQty [nYears][nCats]float64 // Units' mean quantity for an average buyer.
	domNorm [nCats]float64         // Population-weighted mean of the regional domestic factors.

	raw   [nYears][nCats][2]float64 // Calibration pass: value at raw prices, by domestic producer or not.
	scale [nYears][nCats][2]float64 // Value factor that makes raw values meet the targets.
}

var (
	cutoff         = time.Date(lastYear, time.November, 20, 0, 0, 0, 0, time.UTC)
	lastUpdateTime = time.Date(lastYear, time.November, 20, 18, 0, 0, 0, time.UTC)
)

func newGenerator(opts Options) *generator {
	g := &generator{opts: opts}
	g.w = newRoster(rand.New(rand.NewPCG(opts.Seed, streamRoster)), opts.Items)
	r := rand.New(rand.NewPCG(opts.Seed, streamTargets))

	// The last year ends at the cutoff: it gets the part of a year its seasons cover.
	var covered [nCats]float64
	for c := range nCats {
		var all, upto float64
		for m, mw := range monthWeights[c] {
			all += float64(mw)
			switch {
			case m < int(cutoff.Month())-1:
				upto += float64(mw)
			case m == int(cutoff.Month())-1:
				upto += float64(mw) * float64(cutoff.Day()) / 30
			}
		}
		covered[c] = upto / all
	}

	var weights [nYears][nCats]int64
	for y := range nYears {
		for c := range nCats {
			cover := 1.0
			if y == nYears-1 {
				cover = covered[c]
			}
			jitter := 0.03
			shareJitter := int64(60)
			if y == 0 {
				jitter, shareJitter = 0.005, 15 // The reported 2016 figures hold closely: 37 bn, at most 7%.
			}
			v := float64(volume2016[c]) * 100 * math.Pow(1+growth[c]/100, float64(y)) * cover
			g.target[y][c] = v * (1 + jitter*(2*r.Float64()-1))
			g.shareBP[y][c] = max(0, domesticShareBP[c][y]+r.Int64N(2*shareJitter+1)-shareJitter)
			weights[y][c] = int64(unitShare[c]) * int64(float64(100+5*y)*cover)
		}
	}
	g.allocateUnits(&weights)

	for c := range nCats {
		var sum, pop float64
		for i := range regions {
			sum += float64(regions[i].pop) * regionFactor(c, regions[i].domestic)
			pop += float64(regions[i].pop)
		}
		g.domNorm[c] = sum / pop
	}
	for y := range nYears {
		era := eraOf(firstYear + y)
		for c := range nCats {
			if g.units[y][c] == 0 {
				continue
			}
			var price float64
			for _, it := range catalog[c] {
				price += float64(it.price)
			}
			price = price / float64(len(catalog[c])) * priceIndex[y] * 100
			g.meanQty[y][c] = g.target[y][c] / float64(g.units[y][c]) / price / g.w.meanValue[era][c]
		}
	}
	for y := range nYears {
		for c := range nCats {
			g.scale[y][c] = [2]float64{1, 1}
		}
	}
	return g
}

// allocateUnits splits opts.Items over years and categories in proportion to weights, exactly, by
// largest remainders.
func (g *generator) allocateUnits(weights *[nYears][nCats]int64) {
	var total int64
	for y := range nYears {
		for c := range nCats {
			total += weights[y][c]
		}
	}
	items := int64(g.opts.Items)
	type rem struct {
		y, c int
		r    int64
	}
	var rems []rem
	left := items
	for y := range nYears {
		for c := range nCats {
			q := items * weights[y][c]
			g.units[y][c] = int(q / total)
			left -= q / total
			rems = append(rems, rem{y, c, q % total})
		}
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rems {
			if rems[i].r > rems[best].r {
				best = i
			}
		}
		g.units[rems[best].y][rems[best].c]++
		rems[best].r = -1
	}
}

// regionFactor damps the regional domestic factor (percent) outside school uniforms, where the regional
// differences of the news story do not apply as strongly.
func regionFactor(c, domestic int) float64 {
	if c == catUniforms {
		return float64(domestic)
	}
	return float64(domestic+100) / 2
}

func eraOf(year int) int {
	if year >= splitYear {
		return 1
	}
	return 0
}

// domesticChance is the probability, in basis points, that a contract of category c delivered to region
// ri (by its KATO code) goes to a domestic producer.
func (g *generator) domesticChance(y, c, ri int) int64 {
	p := float64(g.shareBP[y][c]) * regionFactor(c, regions[ri].domestic) / g.domNorm[c]
	return min(int64(p), 9000)
}

// calibrate sets value factors so each year and category meets its value and domestic share targets.
// Factors for domestic producers are bounded so that a small dataset, where a few contracts decide the
// share, keeps plausible prices and meets the total rather than the share.
func (g *generator) calibrate() {
	for y := range nYears {
		for c := range nCats {
			t, share := g.target[y][c], float64(g.shareBP[y][c])/10000
			rn, rd := g.raw[y][c][0], g.raw[y][c][1]
			s := &g.scale[y][c]
			switch {
			case rn > 0 && rd > 0:
				s[1] = min(max(t*share/rd, 0.25), 4)
				s[0] = max((t-s[1]*rd)/rn, 0.25)
			case rd > 0:
				s[1] = t / rd
			case rn > 0:
				s[0] = t / rn
			}
		}
	}
}

// pass walks the calendar once, drawing every contract from the contract stream. Both passes draw exactly
// the same numbers; only the calibration pass (sink nil) measures instead of emitting.
type pass struct {
	g    *generator
	r    *rand.Rand
	sink Sink
	st   *Stats                 // Counts of the emitting pass.
	vol  *[nYears][nCats]Volume // Values of the emitting pass.

	contractID, unitID, planID int64

	cum   [nCats][366]int64 // Cumulative day weights of the current year.
	perm  [maxCatalog]int
	lines [6]line
}

// line is a unit as drawn, before calibration fixes its price.
type line struct {
	item     *catalogItem
	desc     string
	rawGross int64 // Price including VAT before calibration, tiyn.
	qty      int64 // Quantity before calibration.
	ks       int64
	planID   int64
	unitID   int64
	deleted  bool
}

func (g *generator) newPass(sink Sink, st *Stats, vol *[nYears][nCats]Volume) *pass {
	return &pass{
		g: g, r: rand.New(rand.NewPCG(g.opts.Seed, streamContracts)), sink: sink, st: st, vol: vol,
		contractID: 12_000_000, unitID: 40_000_000, planID: 70_000_000,
	}
}

func (p *pass) run(ctx context.Context) error {
	for y := range nYears {
		if err := p.year(ctx, y); err != nil {
			return err
		}
	}
	return nil
}

// year spreads each category's units over the year's days by seasonal, weekday and random weights, and
// signs contracts on a day until the category has caught up with its schedule.
func (p *pass) year(ctx context.Context, y int) error {
	r := p.r
	year := firstYear + y
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	days := time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC).YearDay()
	if year == lastYear {
		days = cutoff.YearDay()
	}
	for d := range days {
		date := start.AddDate(0, 0, d)
		f := dayFactor(date)
		for c := range nCats {
			w := monthWeights[c][date.Month()-1] * f * (10 + r.Int64N(11))
			if d > 0 {
				w += p.cum[c][d-1]
			}
			p.cum[c][d] = w
		}
	}
	var done [nCats]int
	for d := range days {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("demo: generating %d: %w", year, err)
		}
		date := start.AddDate(0, 0, d)
		for c := range nCats {
			n := p.g.units[y][c]
			due := int(int64(n) * p.cum[c][d] / p.cum[c][days-1])
			for done[c] < due {
				size := min(contractSize(r), n-done[c])
				if err := p.contract(y, c, date, size); err != nil {
					return err
				}
				done[c] += size
			}
		}
	}
	return nil
}

// dayFactor makes weekends and public holidays quiet.
func dayFactor(t time.Time) int64 {
	for _, h := range holidays {
		if int(t.Month()) == h[0] && t.Day() == h[1] {
			return 1
		}
	}
	switch t.Weekday() {
	case time.Saturday:
		return 3
	case time.Sunday:
		return 1
	}
	return 20
}

// contractSize draws the number of units of a contract, 1 to 6, small ones more often.
func contractSize(r *rand.Rand) int {
	x := r.IntN(100)
	for i, bound := range [...]int{25, 50, 70, 85, 95} {
		if x < bound {
			return i + 1
		}
	}
	return 6
}

// lognormal draws a factor with mean close to 1 and the given spread of its logarithm. The tails are cut
// at 2.5 standard deviations so no single purchase swallows a year's market.
func lognormal(r *rand.Rand, sigma float64) float64 {
	return math.Exp(sigma*min(max(r.NormFloat64(), -2.5), 2.5) - sigma*sigma/2)
}

func (p *pass) contract(y, c int, date time.Time, size int) error {
	g, r := p.g, p.r
	year := firstYear + y
	b := &g.w.buyers[g.w.buyerPick[eraOf(year)][c].pick(r)]
	pl, rural := b.place, b.rural
	if pl < 0 {
		pl, rural = r.IntN(len(regions[b.region].places)), 10
	}
	kato, ri := katoCode(b.region, pl, rural, year)
	domestic := r.Int64N(10000) < g.domesticChance(y, c, ri)
	s := &g.w.suppliers[g.w.pickSupplier(r, c, domestic, b.region)]
	dom := 0
	if s.class == classProducer {
		dom = 1
	}

	items := catalog[c]
	perm := p.perm[:len(items)]
	for i := range perm {
		perm[i] = i
	}
	deleted := -1
	if size >= 2 && r.IntN(1000) < 11 {
		deleted = r.IntN(size) // Never the only unit: the contract keeps a value.
	}
	p.contractID += 1 + r.Int64N(3)
	qty := g.meanQty[y][c] * b.value * lognormal(r, 0.7)
	lines := p.lines[:size]
	for i := range lines {
		j := i + r.IntN(len(perm)-i)
		perm[i], perm[j] = perm[j], perm[i]
		it := &items[perm[i]]
		gross := float64(it.price) * priceIndex[y] * (0.85 + 0.3*r.Float64()) * s.price
		p.planID += 1 + r.Int64N(3)
		p.unitID += 1 + r.Int64N(2)
		lines[i] = line{
			item:     it,
			desc:     it.desc[r.IntN(len(it.desc))],
			qty:      max(1, int64(qty*lognormal(r, 0.4)+r.Float64())), // Rounds at random, keeping the mean.
			rawGross: max(1, int64(math.Round(gross/10))) * 1000,       // Prices end in whole tens of tenge.
			ks:       s.localContent(r),
			planID:   p.planID,
			unitID:   p.unitID,
			deleted:  i == deleted,
		}
	}
	method := r.IntN(100)
	desc := &contractDescs[c][r.IntN(len(contractDescs[c]))]
	withYear := r.IntN(2) == 0
	updated := date.AddDate(0, 0, 1+r.IntN(20)).Add(time.Duration(9*3600+r.IntN(9*3600)) * time.Second)

	status := statusOf(p.contractID, year)
	if p.sink == nil {
		for _, l := range lines {
			if !l.deleted && statusCounts(status) {
				g.raw[y][c][dom] += float64(l.rawGross) * float64(l.qty)
			}
		}
		return nil
	}

	// Calibration moves quantity and price by the square root of the factor each, so neither drifts far
	// from what was drawn; the price absorbs the quantity's rounding so the value is exactly scaled.
	scale := g.scale[y][c][dom]
	qtyScale := math.Sqrt(scale)
	k := Contract{
		ID: p.contractID, CustomerBIN: b.bin, SupplierBIIN: s.biin, SignDate: date, FinYear: year,
		StatusID: status, DescriptionRu: desc[0], DescriptionKz: desc[1], LastUpdate: updated,
	}
	if k.LastUpdate.After(lastUpdateTime) {
		k.LastUpdate = lastUpdateTime // Never after the data was taken; a cutoff-day contract stays valid.
	}
	if withYear {
		k.DescriptionRu += " на " + strconv.Itoa(year) + " год"
		k.DescriptionKz += " (" + strconv.Itoa(year) + " жыл)"
	}
	var ksWeighted int64
	st := p.st
	for _, l := range lines {
		qty := max(1, int64(math.Round(float64(l.qty)*qtyScale)))
		gross := float64(l.rawGross) * scale * float64(l.qty) / float64(qty)
		gross = max(1000, math.Round(gross/1000)*1000)
		u := Unit{
			ID: l.unitID, ContractID: k.ID, PlanPointID: l.planID,
			Price: divRound(int64(gross)*100, 112), Quantity: qty, LocalContent: l.ks, Deleted: l.deleted,
		}
		u.Total = u.Price * u.Quantity
		u.TotalWithVAT = divRound(u.Total*112, 100)
		u.PriceWithVAT = divRound(u.TotalWithVAT, u.Quantity)
		u.LocalContentSum = divRound(u.TotalWithVAT*u.LocalContent, 10000)
		err := p.sink.PlanPoint(PlanPoint{
			ID: l.planID, ENSTRU: l.item.enstru, NameRu: l.item.ru, NameKz: l.item.kz, DescRu: l.desc, UnitCode: l.item.unit,
		})
		if err == nil {
			err = p.sink.PlanKato(PlanKato{PlanPointID: l.planID, KATO: kato})
		}
		if err == nil {
			err = p.sink.Unit(u)
		}
		if err != nil {
			return err
		}
		st.PlanPoints++
		st.PlanKatos++
		st.Units++
		if u.Deleted {
			st.DeletedUnits++
			continue
		}
		k.Sum += u.Total
		k.SumWithVAT += u.TotalWithVAT
		ksWeighted += u.LocalContent * u.TotalWithVAT
		if !statusCounts(status) {
			continue
		}
		v := &p.vol[y][c]
		v.Total += u.TotalWithVAT
		if dom == 1 {
			v.Domestic += u.TotalWithVAT
			st.Produced[ProducerYear{s.biin, YearCategory{year, categorySlugs[c]}}] += u.Quantity
		}
	}
	k.LocalContent = divRound(ksWeighted, k.SumWithVAT)
	switch {
	case method < 7:
		k.TradeMethodID = 6 // From one source after a failed procurement.
	case k.SumWithVAT < 10_000_000*100:
		k.TradeMethodID = 3 // Request for price quotations.
	default:
		k.TradeMethodID = 2 // Open tender.
	}
	if err := p.sink.Contract(k); err != nil {
		return err
	}
	st.Contracts++
	return nil
}

// divRound divides non-negative a by positive b, rounding halves up.
func divRound(a, b int64) int64 { return (a + b/2) / b }

// katoCode returns the 9-digit KATO code of a place as of year and the index of its region then:
// before splitYear the new regions' places carry their parent region's code and a district number
// above the parent's own.
func katoCode(ri, pl, rural, year int) (string, int) {
	code, district := regions[ri].code, 11+pl
	if year < splitYear && regions[ri].parent != 0 {
		code, district = regions[ri].parent, 41+pl
		ri = regionIndex(code)
	}
	var b [9]byte
	b[0], b[1] = byte('0'+code/10), byte('0'+code%10)
	b[2], b[3] = byte('0'+district/10), byte('0'+district%10)
	b[4], b[5] = byte('0'+rural/10), byte('0'+rural%10)
	b[6], b[7], b[8] = '0', '0', '0'
	return string(b[:]), ri
}

func regionIndex(code int) int {
	for i := range regions {
		if regions[i].code == code {
			return i
		}
	}
	panic("demo: unknown region code " + strconv.Itoa(code))
}

// statusOf is the portal status of a demo contract signed in year: executed (390) once its year is over, in
// force (190) in the last year; about one in 32 was not concluded (330) and one in 97 refused (430), which
// no figure counts. Drawn from the id rather than the random stream, so the rest of a dataset does not
// move; calibration and Volumes count only the contracts that count.
func statusOf(id int64, year int) int {
	switch {
	case id%97 == 0:
		return 430
	case id%32 == 0:
		return 330
	case year < lastYear:
		return 390
	}
	return 190
}

// statusCounts says whether a demo status counts (docs/methodology.md).
func statusCounts(status int) bool { return status == 190 || status == 390 }
