package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// buyer is a procuring organisation.
type buyer struct {
	bin    string
	kind   int
	region int     // Index into regions.
	place  int     // Index into the region's places; -1 if it delivers anywhere in its region.
	rural  int     // KATO rural-district digits of its place: 10 for the town itself.
	since  int     // First year it exists (region-level bodies of the new regions).
	value  float64 // Relative size of its purchases.
	weight int64   // Relative number of its purchases, before the kind's category weights.
}

const (
	classProducer = iota // Domestic producer.
	classReseller        // Resident company selling imported goods.
	classForeign         // Non-resident.
)

// supplier is a company selling to buyers.
type supplier struct {
	biin     string
	class    int
	cats     uint8 // Categories it sells, as catBit flags.
	region   int   // Home region index; -1 for non-residents.
	ksBase   int64 // Typical local content of its goods, basis points.
	ksSpread int64 // Largest deviation of one unit from ksBase.
	price    float64
	weight   int64
}

// localContent draws the local content of one unit the supplier delivers.
func (s *supplier) localContent(r *rand.Rand) int64 {
	if s.ksBase == 0 {
		return 0
	}
	return min(max(s.ksBase+r.Int64N(2*s.ksSpread+1)-s.ksSpread, 0), 10000)
}

// picker draws indices with probability proportional to their weights.
type picker struct {
	cum []int64
	idx []int32
}

func (p *picker) add(i int, w int64) {
	if w <= 0 {
		return
	}
	if n := len(p.cum); n > 0 {
		w += p.cum[n-1]
	}
	p.cum = append(p.cum, w)
	p.idx = append(p.idx, int32(i))
}

func (p *picker) empty() bool { return len(p.cum) == 0 }

func (p *picker) pick(r *rand.Rand) int {
	x := r.Int64N(p.cum[len(p.cum)-1])
	return int(p.idx[sort.Search(len(p.cum), func(i int) bool { return p.cum[i] > x })])
}

// roster is the fixed cast of a dataset: every buyer and supplier with the pickers that choose them.
// It grows sub-linearly with the number of items, so it stays small next to the records.
type roster struct {
	subjects  []Subject // Buyers first, then suppliers in the same order as below.
	buyers    []buyer
	suppliers []supplier
	factory   int // Index of the large Almaty factory in suppliers.

	buyerPick [2][nCats]picker // By era: before splitYear, from splitYear.
	meanValue [2][nCats]float64

	producers      [nCats]picker
	localProducers [nCats][nRegions]picker
	resellers      [nCats]picker
	localResellers [nCats][nRegions]picker
	foreigners     [nCats]picker
}

// scaledCount grows base (the count at DefaultItems) with the 0.6th power of items: a larger market has
// more participants, but mostly more purchases per participant.
func scaledCount(base, items, least int) int {
	return max(least, int(math.Round(float64(base)*math.Pow(float64(items)/DefaultItems, 0.6))))
}

func newRoster(r *rand.Rand, items int) *roster {
	w := &roster{}
	nb := scaledCount(600, items, 40)
	ns := scaledCount(400, items, 40)
	// Serials spread evenly over the BIN's five-digit field keep BINs unique without a lookup set.
	stride := max(1, 100_000/(nb+ns+2))
	serial := func() int {
		return len(w.subjects)*stride + r.IntN(stride)
	}
	w.addBuyers(r, nb, serial)
	w.addSuppliers(r, ns, serial)
	w.buildPickers()
	return w
}

type placeRef struct{ region, place int }

// weightedOrder returns indices 0..n-1 in a random order where heavier ones tend to come first
// (sampling without replacement by exponential keys).
func weightedOrder(r *rand.Rand, n int, weight func(int) float64) []int {
	keys := make([]float64, n)
	order := make([]int, n)
	for i := range n {
		keys[i] = -math.Log(1-r.Float64()) / weight(i)
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	return order
}

func placeWeight(p placeRef) float64 {
	rg := &regions[p.region]
	w := float64(rg.pop) / float64(len(rg.places))
	if rg.places[p.place].city {
		w *= 2
	}
	return w
}

func pickRegion(r *rand.Rand, weight func(*region) int) int {
	total := 0
	for i := range regions {
		total += weight(&regions[i])
	}
	x := r.IntN(total)
	for i := range regions {
		if x -= weight(&regions[i]); x < 0 {
			return i
		}
	}
	return len(regions) - 1
}

func regionPop(rg *region) int { return rg.pop }

func (w *roster) addBuyers(r *rand.Rand, n int, serial func() int) {
	var places []placeRef
	for ri := range regions {
		for pi := range regions[ri].places {
			places = append(places, placeRef{ri, pi})
		}
	}
	var quota [nKinds]int
	quota[kindNational] = 1
	quota[kindRegionEdu] = min(nRegions, n/5)
	quota[kindEmergency] = min(nRegions, n/30)
	quota[kindPolice] = min(nRegions, n/30)
	quota[kindDefence] = max(1, n*4/100)
	quota[kindEduDept] = min(len(places), n*13/100)
	quota[kindAkimat] = min(len(places), n*9/100)
	quota[kindHousing] = min(len(places), n*4/100)
	quota[kindSport] = min(len(places), n*4/100)
	quota[kindSocial] = min(len(places), n*4/100)
	rest := n
	for _, q := range quota {
		rest -= q
	}
	quota[kindSchool] = max(rest, 0)

	add := func(b buyer, ru, kz string) {
		b.bin = newBIN(r, serial(), 1995, 2012)
		b.value = kindValue[b.kind] * (0.5 + r.Float64())
		b.weight = 50 + r.Int64N(101)
		w.buyers = append(w.buyers, b)
		w.subjects = append(w.subjects, Subject{
			BIN: b.bin, NameRu: ru, NameKz: kz, CountryCode: 398, Resident: true, Customer: true,
			NationalCompany: b.kind == kindNational,
		})
	}

	add(buyer{kind: kindNational, region: astanaRegion, place: -1, rural: 10},
		"АО «Национальная компания «Темір жол логистика»»", "«„Темір жол логистика“ ұлттық компаниясы» АҚ")

	// Region-level bodies: larger regions first when there are fewer bodies than regions.
	byPop := weightedOrder(r, nRegions, func(i int) float64 { return float64(regions[i].pop) })
	regionLevel := []struct {
		kind   int
		ru, kz string
	}{
		{kindRegionEdu, "ГУ «Управление образования %s»", "«%s білім басқармасы» ММ"},
		{kindEmergency, "ГУ «Департамент по чрезвычайным ситуациям %s»", "«%s төтенше жағдайлар департаменті» ММ"},
		{kindPolice, "ГУ «Департамент полиции %s»", "«%s полиция департаменті» ММ"},
	}
	for _, k := range regionLevel {
		for _, ri := range byPop[:quota[k.kind]] {
			rg := &regions[ri]
			since := firstYear
			if rg.parent != 0 {
				since = splitYear // The body of a new region has its name only since the split.
			}
			add(buyer{kind: k.kind, region: ri, place: -1, rural: 10, since: since},
				fill(k.ru, rg.ru), fill(k.kz, rg.kz))
		}
	}

	// Place-level bodies: one per place at most, bigger places more likely.
	placeLevel := []struct {
		kind   int
		ru, kz string
	}{
		{kindEduDept, "ГУ «Отдел образования %s»", "«%s білім бөлімі» ММ"},
		{kindAkimat, "ГУ «Аппарат акима %s»", "«%s әкімінің аппараты» ММ"},
		{kindHousing, "ГУ «Отдел жилищно-коммунального хозяйства %s»", "«%s тұрғын үй-коммуналдық шаруашылығы бөлімі» ММ"},
		{kindSport, "ГУ «Отдел физической культуры и спорта %s»", "«%s дене шынықтыру және спорт бөлімі» ММ"},
		{kindSocial, "КГУ «Центр оказания специальных социальных услуг %s»", "«%s арнаулы әлеуметтік қызметтер көрсету орталығы» КММ"},
	}
	for _, k := range placeLevel {
		order := weightedOrder(r, len(places), func(i int) float64 { return placeWeight(places[i]) })
		for _, i := range order[:quota[k.kind]] {
			p := places[i]
			pl := &regions[p.region].places[p.place]
			add(buyer{kind: k.kind, region: p.region, place: p.place, rural: 10}, fill(k.ru, pl.ru), fill(k.kz, pl.kz))
		}
	}

	// Military units are numbered, not named after places.
	nd := quota[kindDefence]
	dstride := max(1, 89_999/nd)
	for i := range nd {
		num := strconv.Itoa(10_000 + i*dstride + r.IntN(dstride))
		add(buyer{kind: kindDefence, region: pickRegion(r, regionPop), place: 0, rural: 10},
			"РГУ «Войсковая часть "+num+"»", "«"+num+" әскери бөлімі» РММ")
	}

	// Schools: the first ones cover every region, the rest follow population. Numbers rise per place.
	nextNumber := map[placeRef]int{}
	for i := range quota[kindSchool] {
		ri := i
		if i >= nRegions {
			ri = pickRegion(r, regionPop)
		}
		rg := &regions[ri]
		pi := weightedOrder(r, len(rg.places), func(j int) float64 { return placeWeight(placeRef{ri, j}) })[0]
		pl := &rg.places[pi]
		rural := 10
		if !pl.city && r.IntN(100) < 35 {
			rural = 20 + 10*r.IntN(4)
		}
		ref := placeRef{ri, pi}
		nextNumber[ref] += 1 + r.IntN(5)
		num := strconv.Itoa(nextNumber[ref])
		form := schoolForms[r.IntN(len(schoolForms))]
		add(buyer{kind: kindSchool, region: ri, place: pi, rural: rural},
			"КГУ «"+form[0]+" №"+num+"» отдела образования "+pl.ru,
			"«"+pl.kz+" білім бөлімінің №"+num+" "+form[1]+"» КММ")
	}
}

// fill substitutes s for the %s in form.
func fill(form, s string) string { return strings.Replace(form, "%s", s, 1) }

// namer hands out unique company names: word and form combinations first, then numbered words.
type namer struct {
	forms  []nameForm
	offset int
	n      int
}

func (nm *namer) next() (ru, kz string) {
	k := nm.n
	nm.n++
	nw := len(words)
	// 7 is coprime with the word count, so consecutive names walk the whole list in a shuffled order.
	word := words[(k*7+nm.offset)%nw]
	form := nm.forms[(k/nw)%len(nm.forms)]
	if round := k / (nw * len(nm.forms)); round > 0 {
		word += "-" + strconv.Itoa(round+1)
	}
	return fill(form.ru, word), fill(form.kz, word)
}

func (w *roster) addSuppliers(r *rand.Rand, n int, serial func() int) {
	nProducers := max(5, int(math.Round(float64(n)*0.34)))
	nSewing := max(2, nProducers*58/100)
	nFootwear := max(1, nProducers*17/100)
	nFurniture := max(1, nProducers*17/100)
	nComputers := max(1, nProducers-nSewing-nFootwear-nFurniture)
	nResellers := max(nCats, n*46/100)
	nForeign := max(3, n-1-nProducers-nResellers)

	addResident := func(s supplier, ru, kz string, domesticSupplier bool) {
		s.biin = newBIN(r, serial(), 2000, 2015)
		w.suppliers = append(w.suppliers, s)
		w.subjects = append(w.subjects, Subject{
			BIN: s.biin, NameRu: ru, NameKz: kz, CountryCode: 398, Resident: true,
			DomesticProducer: s.class == classProducer, DomesticSupplier: domesticSupplier, Supplier: true,
		})
	}
	producerRegion := func() int { return pickRegion(r, func(rg *region) int { return rg.producers }) }
	weight := func() int64 { return 1 + r.Int64N(4)*r.Int64N(4) } // Skewed: a few suppliers win most.

	// The large factory of the news story: sewing and footwear in Almaty, high local content.
	w.factory = len(w.suppliers)
	addResident(supplier{class: classProducer, cats: catBit(catUniforms) | catBit(catWorkwear) | catBit(catFootwear),
		region: almatyRegion, ksBase: 8400, ksSpread: 150, price: 1.05, weight: 1},
		"ТОО «Алатау Легпром»", "«Алатау Легпром» ЖШС", true)

	producers := []struct {
		n                int
		cats             uint8
		forms            []nameForm
		ksFrom, ksTo     int64
		extraWorkwearPct int
	}{
		{nSewing, catBit(catUniforms), sewingForms, 3000, 7500, 60},
		{nFootwear, catBit(catFootwear), footwearForms, 3000, 6000, 0},
		{nFurniture, catBit(catFurniture), furnitureForms, 4000, 7500, 0},
		{nComputers, catBit(catComputers), computerForms, 1500, 3500, 0},
	}
	for _, p := range producers {
		nm := namer{forms: p.forms, offset: r.IntN(len(words))}
		for range p.n {
			cats := p.cats
			if r.IntN(100) < p.extraWorkwearPct {
				cats |= catBit(catWorkwear)
			}
			ru, kz := nm.next()
			addResident(supplier{class: classProducer, cats: cats, region: producerRegion(),
				ksBase: p.ksFrom + r.Int64N(p.ksTo-p.ksFrom+1), ksSpread: 300,
				price: 1 + float64(r.IntN(16))/100, weight: weight()}, ru, kz, true)
		}
	}

	// Resellers: every category has at least one; local content is what little domestic goods they carry.
	resellerCats := [nCats]int{30, 25, 20, 10, 25}
	nm := namer{forms: resellerForms, offset: r.IntN(len(words))}
	for i := range nResellers {
		var cats uint8
		if i < nCats {
			cats = catBit(i)
		}
		for range 1 + r.IntN(3) {
			x := r.IntN(100)
			for c, cw := range resellerCats {
				if x -= cw; x < 0 {
					cats |= catBit(c)
					break
				}
			}
		}
		var ks int64
		if r.IntN(2) == 0 {
			ks = 50 + r.Int64N(951)
		}
		ru, kz := nm.next()
		addResident(supplier{class: classReseller, cats: cats, region: pickRegion(r, regionPop),
			ksBase: ks, ksSpread: min(ks, 150), price: 0.95 + float64(r.IntN(16))/100, weight: weight()},
			ru, kz, r.IntN(4) == 0)
	}

	// Non-residents: weighted by country, each selling one or two of its country's categories under a
	// name that fits what it sells.
	used := map[string]bool{}
	for range nForeign {
		x := r.IntN(100)
		ci := 0
		for ; ci < len(foreignCountries)-1; ci++ {
			if x -= foreignCountries[ci].weight; x < 0 {
				break
			}
		}
		fc := &foreignCountries[ci]
		var cats uint8
		for range 1 + r.IntN(2) {
			for {
				c := r.IntN(nCats)
				if fc.cats&catBit(c) != 0 {
					cats |= catBit(c)
					break
				}
			}
		}
		var forms []string
		for _, f := range fc.forms {
			if f.cats == anyCat || f.cats&cats != 0 {
				forms = append(forms, f.form)
			}
		}
		// Prefer an unused name; number it only once the country's combinations run out.
		form, start := forms[r.IntN(len(forms))], r.IntN(len(fc.names))
		core := fc.names[start]
		for i := range fc.names {
			if c := fc.names[(start+i)%len(fc.names)]; !used[fill(form, c)] {
				core = c
				break
			}
		}
		name := fill(form, core)
		for n := 2; used[name]; n++ {
			name = fill(form, core+"-"+strconv.Itoa(n))
		}
		used[name] = true
		s := supplier{class: classForeign, cats: cats, region: -1, price: fc.price * (0.95 + float64(r.IntN(11))/100), weight: weight()}
		s.biin = newForeignTaxNumber(r, fc, serial())
		w.suppliers = append(w.suppliers, s)
		w.subjects = append(w.subjects, Subject{INN: s.biin, NameRu: name, NameKz: name, CountryCode: fc.code, Supplier: true})
	}
}

func (w *roster) buildPickers() {
	for bi := range w.buyers {
		b := &w.buyers[bi]
		for era := range 2 {
			if era == 0 && b.since >= splitYear {
				continue
			}
			for c := range nCats {
				w.buyerPick[era][c].add(bi, kindWeight[b.kind][c]*b.weight)
			}
		}
	}
	for era := range 2 {
		for c := range nCats {
			var sum, wsum float64
			for i, bi := range w.buyerPick[era][c].idx {
				wt := w.buyerPick[era][c].cum[i]
				if i > 0 {
					wt -= w.buyerPick[era][c].cum[i-1]
				}
				sum += float64(wt) * w.buyers[bi].value
				wsum += float64(wt)
			}
			w.meanValue[era][c] = sum / wsum
		}
	}
	for si := range w.suppliers {
		s := &w.suppliers[si]
		if si == w.factory {
			continue // Chosen on its own terms, see pickSupplier.
		}
		for c := range nCats {
			if s.cats&catBit(c) == 0 {
				continue
			}
			switch s.class {
			case classProducer:
				w.producers[c].add(si, s.weight)
				w.localProducers[c][s.region].add(si, s.weight)
			case classReseller:
				w.resellers[c].add(si, s.weight)
				w.localResellers[c][s.region].add(si, s.weight)
			case classForeign:
				w.foreigners[c].add(si, s.weight)
			}
		}
	}
}

// pickSupplier chooses the supplier of a contract in category c for a buyer of region ri; domestic asks
// for a domestic producer, which falls back to a reseller if none makes the category.
func (w *roster) pickSupplier(r *rand.Rand, c int, domestic bool, ri int) int {
	if domestic {
		factory := w.suppliers[w.factory].cats&catBit(c) != 0
		share := 30 // The factory's share of domestic contracts, higher at home.
		if ri == almatyRegion {
			share = 60
		}
		switch {
		case factory && r.IntN(100) < share:
			return w.factory
		case !w.localProducers[c][ri].empty() && r.IntN(100) < 55:
			return w.localProducers[c][ri].pick(r)
		case !w.producers[c].empty():
			return w.producers[c].pick(r)
		case factory:
			return w.factory
		}
	}
	switch {
	case !w.foreigners[c].empty() && r.IntN(100) < 22:
		return w.foreigners[c].pick(r)
	case !w.localResellers[c][ri].empty() && r.IntN(100) < 45:
		return w.localResellers[c][ri].pick(r)
	default:
		return w.resellers[c].pick(r) // Every category has a reseller.
	}
}
