package loader

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/tier"
)

// Portal is the direct load of a portal export. The portal publishes each endpoint in a folder of its
// own, read in the order subject/, contract/, plans/, plans-kato/, contract-units/: subjects are staged
// (and looked up there by each chunk of contracts), so that a contract the import creates is loaded as soon
// as it is read; plan points and their KATO codes are kept in memory, so that a unit of such a contract is
// loaded as an item. Whatever misses one of the direct load's conditions is staged and merged as before,
// with the plan points its units name (staged at the end); the staged merge stays the reference.
//
// Plan points are kept by the goroutine that hands them over, as it does, while the connection's goroutine
// is still loading the contracts handed over before (from another goroutine, when the reader reads plans/
// alongside contract/): the two overlap. Everything else runs on the connection's goroutine, in the order
// the rows were handed over; units come after the plan points, so that goroutine sees them all.
type Portal struct {
	d *Direct

	plans  keyed[planPoint]      // by plan point id
	loaded keyed[portalContract] // contracts loaded directly, by source id
	texts  texts
	// The parties of loaded contracts, numbered for portalContract.
	partyIDs   []int64
	partyIndex map[int64]uint32
	maxKept    int  // plan points kept in memory at most, and half as many contracts apart from them
	overflowed bool // some were staged instead
	// Units of loaded contracts that were staged (their plan point was not kept): finish checks that none
	// was also loaded, which only the staged read orders right.
	stagedOfLoaded int64

	// subjects remembers staged subjects looked up (at most maxRemembered): the same parties come in chunk
	// after chunk, and subject/ is read whole before the first contract, so a staged subject never changes.
	subjects map[string]record.Party

	pendingContracts []record.Contract
	pendingUnits     []record.Item

	stage  Tables          // what is not loaded or kept, copied as it comes
	jobCtx context.Context // the import's, which the connection's jobs run under
}

// portalContract is what the items of a contract loaded directly inherit from it. A year of the portal
// holds millions of contracts and plan points, so what is kept of each is small and free of pointers: at
// the caps the two maps had been more than the importing commands' 190 MiB soft limit on the heap, and the
// collector ran without pause (reading 3,000,000 items took 2 min 44 s; 69 s since).
type portalContract struct {
	id       uint32 // the row id less the load's first (rollupParts.firstID): the load's ids are consecutive
	buyer    uint32 // the buyer, whose region the items count towards, in Portal.partyIDs
	supplier uint32 // the supplier, in Portal.partyIDs
	signedOn int32  // the calendar day, counted from 1970-01-01
	base     int32  // the base of the contract's cells in the rollup (rollupParts)
	rule     uint8  // index in tier.Rules
	deleted  bool
}

// party numbers a party's row id for portalContract.
func (p *Portal) party(id int64) uint32 {
	if i, ok := p.partyIndex[id]; ok {
		return i
	}
	i := uint32(len(p.partyIDs))
	p.partyIDs = append(p.partyIDs, id)
	p.partyIndex[id] = i
	return i
}

func dayNumber(t time.Time) int32 {
	return int32(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(n int32) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// planPoint is the last row of a plan point, its texts numbered by texts, with its smallest KATO code.
type planPoint struct {
	enstru, name, nameKk, description, unit, kato uint32
	category                                      int32 // noCategory when unclassified
	needed                                        bool  // a staged unit names it: finish stages it
}

const noCategory = -1

// defaultPortalKept bounds the direct load's memory whatever the export's size: a plan point takes 60-70
// bytes of heap (plus its distinct texts), a contract about 50, about 130 MB at the caps.
const defaultPortalKept = 1_000_000

// LoadPortal makes d the direct load of a portal export, which takes the export's rows a batch at a time
// (the Parties, Contracts, Items, PlanPoints and PlanKATOs of the Portal it returns): it stages them,
// remembers them or loads them, on the connection's goroutine but for the plan points, which the goroutine
// handing them over keeps. A batch handed over is the Portal's to keep. maxKept caps the plan points kept
// in memory, and apart from them half as many contracts (0: a million). The jobs run under jobCtx, the
// import's: the reader's own context ends with the reading, before the last jobs have run.
func (d *Direct) LoadPortal(jobCtx context.Context, maxKept int) (*Portal, error) {
	// Each chunk of contracts looks its parties up (StageSubjectsByIdentifier).
	if _, err := d.tx.Exec(jobCtx, "CREATE INDEX ON stg_subjects (identifier)"); err != nil {
		return nil, fmt.Errorf("ingest: index staged subjects: %w", err)
	}
	d.portal = &Portal{
		d: d, jobCtx: jobCtx, maxKept: cmp.Or(maxKept, defaultPortalKept), stage: d.staged.tables,
		plans: newKeyed[planPoint](), loaded: newKeyed[portalContract](),
		texts: newTexts(), subjects: map[string]record.Party{}, partyIndex: map[int64]uint32{},
	}
	return d.portal, nil
}

// Parties stages subjects, where each chunk of contracts looks its parties up.
func (p *Portal) Parties(ctx context.Context, rows []record.Party) error {
	return p.d.conn.submit(ctx, func() error { return p.stage.Parties(p.jobCtx, rows) })
}

// Contracts gathers contracts into chunks, each loaded or staged.
func (p *Portal) Contracts(ctx context.Context, rows []record.Contract) error {
	return p.d.conn.submit(ctx, func() error {
		p.pendingContracts = append(p.pendingContracts, rows...)
		if len(p.pendingContracts) < cmp.Or(p.d.chunk, copyChunk) {
			return nil
		}
		return p.flushContracts(p.jobCtx)
	})
}

// Items gathers units into chunks, each loaded as items of loaded contracts or staged.
func (p *Portal) Items(ctx context.Context, rows []record.Item) error {
	return p.d.conn.submit(ctx, func() error {
		if err := p.flushContracts(p.jobCtx); err != nil { // units look their contracts up
			return err
		}
		p.pendingUnits = append(p.pendingUnits, rows...)
		if len(p.pendingUnits) < cmp.Or(p.d.chunk, copyChunk) {
			return nil
		}
		return p.flushUnits(p.jobCtx)
	})
}

// PlanPoints keeps plan points in memory, on the reading goroutine, up to the cap; those past it are staged.
func (p *Portal) PlanPoints(ctx context.Context, rows []record.PlanPoint) error {
	t := &p.texts
	var beyond []record.PlanPoint
	for _, r := range rows {
		// A point already kept takes its later row, as the merge would; a new one past the cap is staged.
		if _, kept := p.plans.get(r.PlanID); !kept && p.plans.len() >= p.maxKept {
			beyond = append(beyond, r)
			continue
		}
		category := int32(noCategory)
		if r.CategoryID != nil {
			category = *r.CategoryID
		}
		p.plans.set(r.PlanID, planPoint{enstru: t.number(r.EnstruCode), name: t.number(r.Name), nameKk: t.number(r.NameKk),
			description: t.number(r.Description), unit: t.number(r.Unit), category: category})
	}
	p.d.remembered.Store(new(rows[len(rows)-1].Loc))
	if len(beyond) == 0 {
		return nil
	}
	p.overflowed = true
	return p.d.conn.submit(ctx, func() error { return p.stage.PlanPoints(p.jobCtx, beyond) })
}

// PlanKATOs keeps each kept plan point's smallest KATO code; the codes of points staged are staged.
func (p *Portal) PlanKATOs(ctx context.Context, rows []record.PlanKATO) error {
	var beyond []record.PlanKATO
	for _, r := range rows {
		plan, ok := p.plans.get(r.PlanID)
		switch {
		case ok:
			if plan.kato == 0 || r.KATO < p.texts.text(plan.kato) {
				plan.kato = p.texts.number(r.KATO)
				p.plans.set(r.PlanID, plan)
			}
		case p.overflowed: // the point may be one staged past the cap
			beyond = append(beyond, r)
		}
		// Otherwise the point is unknown: a unit naming it is staged and rejected for want of it.
	}
	p.d.remembered.Store(new(rows[len(rows)-1].Loc))
	if len(beyond) == 0 {
		return nil
	}
	return p.d.conn.submit(ctx, func() error { return p.stage.PlanKATOs(p.jobCtx, beyond) })
}

// discard forgets the gathered rows read under a prefix and deletes the staged ones, once every row
// handed over before has been taken.
func (p *Portal) discard(ctx context.Context, prefix string) error {
	err := p.d.conn.submit(ctx, func() error {
		p.pendingContracts = slices.DeleteFunc(p.pendingContracts, func(c record.Contract) bool { return strings.HasPrefix(c.Loc, prefix) })
		p.pendingUnits = slices.DeleteFunc(p.pendingUnits, func(u record.Item) bool { return strings.HasPrefix(u.Loc, prefix) })
		return p.stage.Discard(p.jobCtx, prefix)
	})
	if err != nil {
		return err
	}
	return p.d.conn.wait(ctx)
}

// flushContracts and flushUnits take the rows gathered so far: a page of the portal's API holds a few
// hundred records, and a statement per page cost more than its rows.
func (p *Portal) flushContracts(ctx context.Context) error {
	if len(p.pendingContracts) == 0 {
		return nil
	}
	err := p.contracts(ctx, p.pendingContracts)
	p.pendingContracts = p.pendingContracts[:0]
	return err
}

func (p *Portal) flushUnits(ctx context.Context) error {
	if len(p.pendingUnits) == 0 {
		return nil
	}
	err := p.units(ctx, p.pendingUnits)
	p.pendingUnits = p.pendingUnits[:0]
	return err
}

// contracts loads the contracts of a chunk that the import creates and stages the others.
func (p *Portal) contracts(ctx context.Context, rows []record.Contract) error {
	d := p.d
	ids := make([]string, len(rows))
	for i, c := range rows {
		ids[i] = c.SourceID
	}
	count, err := d.copiesInChunk(ctx, ids)
	if err != nil {
		return err
	}
	parties, err := p.parties(ctx, rows, count)
	if err != nil {
		return err
	}
	var load []*contractRecord
	var staged []record.Contract
	room := p.maxKept/2 - p.loaded.len() // contracts past the cap are staged
	for _, c := range rows {
		if count[c.SourceID] == 1 && len(load) < room {
			if rec := p.record(c, parties); rec != nil {
				load = append(load, rec)
				continue
			}
		}
		staged = append(staged, c)
		d.stagedBuyer(c.CustomerBin)
	}
	// Staged before the next chunk's look-up, which must see them.
	if len(staged) > 0 {
		if err := p.stage.Contracts(ctx, staged); err != nil {
			return err
		}
	}
	loadedIDs, bases, err := d.load(ctx, load)
	if err != nil {
		return err
	}
	for i, rec := range load {
		c := rec.Contracts[0]
		rule, _ := supplierRule(d.suppliers[c.SupplierKey])
		off := loadedIDs[i] - d.parts.firstID
		if off < 0 || off > math.MaxUint32 {
			return fmt.Errorf("ingest: contract id %d is not of this load (first %d)", loadedIDs[i], d.parts.firstID)
		}
		p.loaded.set(c.SourceID, portalContract{id: uint32(off), buyer: p.party(d.buyers[c.CustomerBin].id), supplier: p.party(d.suppliers[c.SupplierKey].id),
			signedOn: dayNumber(c.SignedOn), rule: uint8(slices.Index(tier.Rules, tier.Rule(rule))), deleted: c.Deleted,
			base: bases[i]})
	}
	return nil
}

// parties looks up in subject/, as staged, the parties of the contracts that may be loaded: the export's
// subjects are kept in the database rather than in memory, one query a chunk.
func (p *Portal) parties(ctx context.Context, rows []record.Contract, count map[string]int) (map[string]record.Party, error) {
	out := map[string]record.Party{}
	asked := map[string]bool{}
	var missing []string
	for _, c := range rows {
		if count[c.SourceID] != 1 {
			continue
		}
		for _, id := range [...]string{c.CustomerBin, c.SupplierKey} {
			if _, ok := out[id]; ok || asked[id] {
				continue
			}
			if s, ok := p.subjects[id]; ok {
				out[id] = s
			} else {
				asked[id] = true
				missing = append(missing, id)
			}
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	found, err := p.d.q.StageSubjectsByIdentifier(ctx, p.d.tx, missing)
	if err != nil {
		return nil, fmt.Errorf("ingest: look up subjects: %w", err)
	}
	if len(p.subjects)+len(found) > maxRemembered {
		p.subjects = make(map[string]record.Party)
	}
	for _, r := range found {
		s := record.Party{Identifier: r.Identifier, BIN: r.BIN, NameKk: r.NameKk,
			NameRu: r.NameRu, Country: r.Country, Resident: r.Resident, Producer: r.Producer, ProducerStated: r.ProducerStated, SupplierFlag: r.SupplierFlag,
			NationalCompany: r.NationalCompany, BuyerType: r.BuyerType}
		out[r.Identifier], p.subjects[r.Identifier] = s, s
	}
	return out, nil
}

// record is the contract as a record of the direct load, or nil when the staged merge must decide it: in
// another currency, with an amount the merge refuses, a party not in subject/, or a supplier whose tier
// item_tier_rule decides.
func (p *Portal) record(c record.Contract, parties map[string]record.Party) *contractRecord {
	if c.Currency != "KZT" || max(deref(c.Total), deref(c.TotalAlt), deref(c.Paid)) >= largestAmount {
		return nil
	}
	buyer, ok := parties[c.CustomerBin]
	if !ok {
		return nil
	}
	supplier, ok := parties[c.SupplierKey]
	if !ok || (supplier.BIN != nil && p.d.referenced[*supplier.BIN]) {
		return nil
	}
	return &contractRecord{Deal: record.Deal{Contracts: []record.Contract{c}, Parties: []record.Party{buyer, supplier}}}
}

// units loads the units of contracts loaded directly whose plan point is known, and stages the others.
func (p *Portal) units(ctx context.Context, rows []record.Item) error {
	d := p.d
	// What each unit loaded inherits, looked up once.
	type unitLoad struct {
		row      int
		contract portalContract
		point    planPoint
	}
	load := make([]unitLoad, 0, len(rows))
	var staged []record.Item
	for i := range rows {
		u := &rows[i]
		c, ok := p.loaded.get(u.ContractSourceID)
		if !ok {
			if point, kept := p.plans.get(u.PlanID); kept && !point.needed {
				point.needed = true
				p.plans.set(u.PlanID, point)
			}
			staged = append(staged, *u)
			continue
		}
		if max(u.Value, deref(u.ValueAlt), deref(u.UnitPrice)) >= largestAmount {
			return &ReadAgain{Why: fmt.Sprintf("unit %s has an amount the merge refuses, and its contract %s was loaded", u.SourceID, u.ContractSourceID)}
		}
		point, ok := p.plans.get(u.PlanID)
		if !ok {
			p.stagedOfLoaded++
			d.mergedInto[p.partyIDs[c.buyer]] = true // the merge adds this unit to the loaded contract
			staged = append(staged, *u)
			continue
		}
		load = append(load, unitLoad{row: i, contract: c, point: point})
	}
	if len(staged) > 0 {
		if err := p.stage.Items(ctx, staged); err != nil {
			return err
		}
	}
	if len(load) == 0 {
		return nil
	}
	texts, t := make([]itemText, len(load)), &p.texts
	for i, l := range load {
		texts[i] = itemText{t.text(l.point.name), t.text(l.point.nameKk), t.text(l.point.description)}
	}
	textIDs, err := d.resolveTexts(ctx, texts, true)
	if err != nil {
		return err
	}
	err = d.itemRows.Stream(ctx, d.tx, copyItems, len(load), func(i int) {
		l := load[i]
		u := &rows[l.row]
		plan := p.planRow(u.PlanID, l.point)
		rule := string(tier.Rules[l.contract.rule])
		kato := p.texts.text(l.point.kato)
		c := l.contract
		id, buyer := d.parts.firstID+int64(c.id), p.partyIDs[c.buyer]
		d.itemRow(id, buyer, p.partyIDs[c.supplier], dayTime(c.signedOn), rule, tierOfRule(rule), u, &plan, textIDs[i], kato, c.base, d.parts.firstOf(id))
		d.countRegion(buyer, c.deleted || u.Deleted, kato)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" { // unique_violation: a unit came twice
		return &ReadAgain{Why: "a contract unit appears more than once"}
	}
	if err != nil {
		return fmt.Errorf("ingest: load contract items: %w", err)
	}
	d.items += int64(len(load))
	d.lastLoaded.Store(new(rows[load[len(load)-1].row].Loc))
	return d.parts.flushContracts(ctx, d, false)
}

// finish takes the rows still gathered, then stages the plan points the staged units name, each with its
// smallest KATO code: the merge takes the last row of a plan point and the smallest code, which is all it
// would find.
func (p *Portal) finish(ctx context.Context) error {
	if err := p.flushContracts(ctx); err != nil {
		return err
	}
	if err := p.flushUnits(ctx); err != nil {
		return err
	}
	if p.stagedOfLoaded > 0 {
		both, err := p.d.q.ContractItemLoadedAndStaged(ctx, p.d.tx, dbq.ContractItemLoadedAndStagedParams{Source: p.d.source, BatchID: &p.d.batchID})
		if err != nil {
			return fmt.Errorf("ingest: look for units both staged and loaded: %w", err)
		}
		if both {
			return &ReadAgain{Why: "a unit of a loaded contract came both without its plan point and with it"}
		}
	}
	var plans []record.PlanPoint
	var katos []record.PlanKATO
	p.plans.each(func(id string, point planPoint) {
		if !point.needed {
			return
		}
		plans = append(plans, p.planRow(id, point))
		if point.kato != 0 {
			katos = append(katos, record.PlanKATO{Loc: "plans-kato/", PlanID: id, KATO: p.texts.text(point.kato)})
		}
	})
	for len(plans) > 0 {
		n := min(len(plans), cmp.Or(p.d.chunk, copyChunk))
		if err := p.stage.PlanPoints(ctx, plans[:n]); err != nil {
			return err
		}
		plans = plans[n:]
	}
	for len(katos) > 0 {
		n := min(len(katos), cmp.Or(p.d.chunk, copyChunk))
		if err := p.stage.PlanKATOs(ctx, katos[:n]); err != nil {
			return err
		}
		katos = katos[n:]
	}
	return nil
}

// planRow is a remembered plan point as the staging row it was read as, but for its location.
func (p *Portal) planRow(id string, point planPoint) record.PlanPoint {
	t := &p.texts
	row := record.PlanPoint{Loc: "plans/", PlanID: id, EnstruCode: t.text(point.enstru), Name: t.text(point.name),
		NameKk: t.text(point.nameKk), Description: t.text(point.description), Unit: t.text(point.unit)}
	if point.category != noCategory {
		row.CategoryID = &point.category
	}
	return row
}

// texts numbers distinct strings; number 0 is the empty string.
type texts struct {
	numbers map[string]uint32
	list    []string
}

func newTexts() texts { return texts{numbers: map[string]uint32{"": 0}, list: []string{""}} }

func (t *texts) number(s string) uint32 {
	if n, ok := t.numbers[s]; ok {
		return n
	}
	n := uint32(len(t.list))
	s = own(s)
	t.numbers[s] = n
	t.list = append(t.list, s)
	return n
}

func (t *texts) text(n uint32) string { return t.list[n] }

// keyed maps source ids to values. The portal's ids are numbers, which are kept as such: a map of string
// keys cost a pointer and an allocation per entry. The maps hold each value's index in vals: a map's slots
// are partly empty, and a million plan points held in them whole took about 100 MB of heap, more than the
// direct load's share of the soft limit (the collector then ran without pause).
type keyed[V any] struct {
	numbers map[int64]uint32
	others  map[string]uint32
	vals    []V
}

func newKeyed[V any]() keyed[V] {
	return keyed[V]{numbers: map[int64]uint32{}, others: map[string]uint32{}}
}

// numericKey reads an id written as a number without leading zeros, which is the only spelling of it.
func numericKey(id string) (int64, bool) {
	if id == "" || len(id) > 18 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// index is where id's value is in vals.
func (k *keyed[V]) index(id string) (uint32, bool) {
	if n, ok := numericKey(id); ok {
		i, found := k.numbers[n]
		return i, found
	}
	i, found := k.others[id]
	return i, found
}

func (k *keyed[V]) get(id string) (V, bool) {
	i, found := k.index(id)
	if !found {
		var zero V
		return zero, false
	}
	return k.vals[i], true
}

func (k *keyed[V]) len() int { return len(k.vals) }

// each calls fn for every entry, numeric ids written back as the only spelling numericKey accepts.
func (k *keyed[V]) each(fn func(id string, v V)) {
	for n, i := range k.numbers {
		fn(strconv.FormatInt(n, 10), k.vals[i])
	}
	for id, i := range k.others {
		fn(id, k.vals[i])
	}
}

func (k *keyed[V]) set(id string, v V) {
	if i, found := k.index(id); found {
		k.vals[i] = v
		return
	}
	i := uint32(len(k.vals))
	k.vals = append(k.vals, v)
	if n, ok := numericKey(id); ok {
		k.numbers[n] = i
	} else {
		k.others[own(id)] = i
	}
}
