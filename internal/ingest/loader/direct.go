package loader

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/pgcopy"
	"github.com/ules-kz/ules/internal/tier"
)

// A contractRecord is one contract as a reader read it, with its parties and items (a record.Deal), and
// what loading it directly needs besides.
type contractRecord struct {
	record.Deal
	prep *recordPrep // prepared
}

func (r *contractRecord) sourceID() string { return r.Contracts[0].SourceID }
func (r *contractRecord) loc() string      { return r.Contracts[0].Loc }

// ReadAgain ends a direct load that met something only the staged merge resolves (a contract loaded
// directly that appears again, a broken file part of which was loaded): the import reads its input again
// with every record staged.
type ReadAgain struct{ Why string }

func (e *ReadAgain) Error() string { return "ingest: read again through staging: " + e.Why }

// maxRemembered bounds each memory of answers whatever the input's variety.
const maxRemembered = 50_000

// largestAmount is the bound the staged merge checks too (StageContractsRejectOversized).
const largestAmount = 9_000_000_000_000_000_000

type buyerState struct {
	id             int64
	nameKK, nameRu string
	buyerType      string
}

type supplierState struct {
	id                       int64
	bin                      string
	nameKK, nameRu, country  string
	resident, producer, flag bool
	stated                   bool // the record states producer (record.Party.ProducerStated)
	nationalCompany          bool
	loaded                   bool // items were loaded with these flags
}

// own copies a string out of a record before something long-lived keeps it: a portal record's values, and a
// CSV row's fields, share one string, which would otherwise stay whole.
func own(s string) string { return strings.Clone(s) }

// marks maps strings to numbers without keeping the strings that update them, which may share their
// record's memory: a map assignment stores the key it is given.
type marks map[string]*int64

func (m marks) set(k string, v int64) {
	if p, ok := m[k]; ok {
		*p = v
		return
	}
	m[own(k)] = &v
}

func (m marks) at(k string) int64 {
	if p, ok := m[k]; ok {
		return *p
	}
	return 0
}

// Direct loads the records of contracts an import creates straight into contracts and contract_items,
// skipping the staging tables and the merge: for an initial load that is nearly every record. A record goes
// through staging instead when the merge's rules could decide it differently: its contract is stored already
// or appears more than once, it is in another currency, its supplier is on the register or holds
// certificates (item_tier_rule decides those tiers), or its rows disagree.
type Direct struct {
	tx      pgx.Tx
	conn    *connWorker // runs everything that uses tx while the reader parses on
	q       *dbq.Queries
	staged  *Staged // the records it does not load
	source  string
	batchID int64

	referenced map[string]bool // BINs on the register or holding certificates
	// Suppliers stored as domestic producers: a record that does not state the flag keeps it, and is
	// staged for the merge to decide its tiers by it.
	producers map[string]bool
	regions   map[string]string // each code to itself

	// known holds a hash of each source id this import staged or loaded, while no earlier batch stored a
	// contract of the source (an initial load): a chunk's contract whose hash is not there is new without
	// a look-up. nil when the source has stored contracts, or once the set grew past maxKnown.
	known     map[uint64]struct{}
	knownSeed maphash.Seed

	pending      []*contractRecord
	pendingItems int
	// Where the last record loaded was read, to tell whether a part discarded was, and the same for the
	// portal's plan points kept: a portal export's folders are handed over by two goroutines at once.
	lastLoaded, remembered atomic.Pointer[string]

	buyers    map[string]*buyerState
	suppliers map[string]*supplierState
	changed   map[int64]bool // suppliers whose flags changed after items were loaded with the old ones
	// Suppliers stored before the import whose BIN, residency or producer flag it changed: their items of
	// earlier imports are decided again too (Merge).
	retier map[int64]bool

	// Where each party was last read, counting records, when it was staged and when it was loaded: the
	// merge gives a party the staged values, which must not win over a later direct record's.
	decided            int64
	stagedAt, loadedAt marks

	contracts, items int64 // loaded so far
	nextID, idsLeft  int64 // the contract ids reserved and not yet used

	// The buyers' regions (BuyerSetRegionsOfBatch), counted here for buyers new to the database whose every
	// item this loader wrote: regionCounts by buyer id and region, newBuyers by id, and by identifier the
	// buyers some staged record or unit names, whose items the merge writes too.
	regionCounts map[buyerRegion]int64
	newBuyers    map[int64]bool
	stagedBuyers map[string]bool
	mergedInto   map[int64]bool // buyers of loaded contracts that a staged unit joins

	textIDs map[itemText]int64 // item_texts ids of texts written, see resolveTexts

	contractRows, itemRows *pgcopy.Rows // reused from chunk to chunk
	types                  *pgtype.Map
	contractCellRows       *pgcopy.Rows
	parts                  *rollupParts
	quiet                  bool // insertTriggers are off (quietInserts)
	chunk                  int  // records and items per load; 0 is copyChunk

	portal *Portal // the portal's endpoints, which arrive one after the other
}

// NewDirect prepares a direct load of the contracts of source that batch creates, in tx, whose staging
// tables CreateStaging made. What it does not load it stages through staged, whose chunk it takes. Its
// reader may run queued chunks ahead of the loading; Stop ends the goroutine that loads.
func NewDirect(ctx context.Context, tx pgx.Tx, staged *Staged, source string, batchID int64, queued int) (*Direct, error) {
	q := dbq.New()
	bins, err := q.SupplierBINListRegisteredOrCertified(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load register and certificate holders: %w", err)
	}
	codes, err := q.RegionCodeList(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load regions: %w", err)
	}
	producers, err := q.SupplierIdentifierListPortalProducer(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("ingest: load the suppliers stored as producers: %w", err)
	}
	stored, err := q.ContractExistsOfSource(ctx, tx, source)
	if err != nil {
		return nil, fmt.Errorf("ingest: look for stored contracts: %w", err)
	}
	d := &Direct{
		tx: tx, q: q, staged: staged, chunk: staged.chunk, source: source, batchID: batchID, knownSeed: maphash.MakeSeed(),
		referenced: make(map[string]bool, len(bins)), regions: make(map[string]string, len(codes)),
		buyers: map[string]*buyerState{}, suppliers: map[string]*supplierState{}, changed: map[int64]bool{},
		retier:   map[int64]bool{},
		stagedAt: marks{}, loadedAt: marks{},
		regionCounts: map[buyerRegion]int64{}, newBuyers: map[int64]bool{}, stagedBuyers: map[string]bool{},
		mergedInto: map[int64]bool{}, textIDs: map[itemText]int64{},
	}
	if !stored {
		d.known = map[uint64]struct{}{}
	}
	for _, b := range bins {
		d.referenced[b] = true
	}
	d.producers = make(map[string]bool, len(producers))
	for _, id := range producers {
		d.producers[id] = true
	}
	for _, c := range codes {
		d.regions[c] = c
	}
	types := pgtype.NewMap()
	d.contractRows, d.itemRows = pgcopy.New(types, 20), pgcopy.New(types, 18)
	d.types, d.contractCellRows = types, pgcopy.New(types, 14)
	if d.parts, err = newRollupParts(ctx, q, tx, source); err != nil {
		return nil, err
	}
	if err := d.rollupPartsMode(ctx, true); err != nil {
		return nil, err
	}
	d.conn = newConnWorker(queued)
	return d, nil
}

// Prepare works out a deal's direct-load plan ahead, on any goroutine (record.Preparer): on the reader's,
// so that the connection's goroutine, which paces a direct load, only writes.
func Prepare(d *record.Deal) {
	if d.Withdrawn {
		return
	}
	rec := &contractRecord{Deal: *d}
	rec.prepared()
	d.Prepared = rec
}

// Deal takes one contract, which is loaded or staged with the others of its chunk on the connection's
// goroutine.
func (d *Direct) Deal(ctx context.Context, deal record.Deal) error {
	rec, ok := deal.Prepared.(*contractRecord)
	if !ok {
		rec = &contractRecord{Deal: deal}
	}
	rec.prepared()
	d.pending = append(d.pending, rec)
	d.pendingItems += len(rec.Items) + 1
	if d.pendingItems >= cmp.Or(d.chunk, copyChunk) {
		return d.handOff(ctx)
	}
	return nil
}

// handOff gives the pending records to the connection's goroutine.
func (d *Direct) handOff(ctx context.Context) error {
	chunk := d.pending
	d.pending, d.pendingItems = nil, 0
	if len(chunk) == 0 {
		return nil
	}
	return d.conn.submit(ctx, func() error { return d.decide(ctx, chunk) })
}

// Flush hands off the pending records and waits until everything is written or staged; the transaction is
// then the caller's again.
func (d *Direct) Flush(ctx context.Context) error {
	if err := d.handOff(ctx); err != nil {
		return err
	}
	if d.portal != nil {
		if err := d.conn.submit(ctx, func() error { return d.portal.finish(ctx) }); err != nil {
			return err
		}
	}
	if err := d.conn.wait(ctx); err != nil {
		return err
	}
	return d.staged.Flush(ctx)
}

// Stop ends the connection's goroutine once the jobs handed over have run (or failed fast, when ctx is
// done); the transaction is the caller's alone afterwards.
func (d *Direct) Stop() { d.conn.stop() }

// LoadedContracts is how many contracts were loaded directly.
func (d *Direct) LoadedContracts() int64 { return d.contracts }

// Discard drops what was read under a location prefix, whose file or line broke off. When some of it was
// loaded already, only reading again through staging can take it back: that is a ReadAgain.
func (d *Direct) Discard(ctx context.Context, prefix string) error {
	if err := d.drop(ctx, prefix); err != nil {
		return err
	}
	if d.portal != nil { // the portal's rows bypass staged's buffers
		return d.portal.discard(ctx, prefix)
	}
	return d.staged.Discard(ctx, prefix)
}

// drop forgets the pending records under a location prefix.
func (d *Direct) drop(ctx context.Context, prefix string) error {
	if err := d.conn.wait(ctx); err != nil {
		return err
	}
	if hasPrefix(&d.lastLoaded, prefix) || hasPrefix(&d.remembered, prefix) {
		return &ReadAgain{Why: "a broken part of " + strings.TrimSuffix(prefix, ":") + " was loaded already"}
	}
	if len(d.pending) == 0 { // always so for the portal, whose two reading goroutines may both get here
		return nil
	}
	kept := d.pending[:0]
	d.pendingItems = 0
	for _, rec := range d.pending {
		if !strings.HasPrefix(rec.loc(), prefix) {
			kept = append(kept, rec)
			d.pendingItems += len(rec.Items) + 1
		}
	}
	clear(d.pending[len(kept):])
	d.pending = kept
	return nil
}

// maxKnown bounds Direct.known: about 16 bytes an id, 16 MiB in all. Past it chunks are looked up
// whole, as in an incremental import.
const maxKnown = 1_000_000

// copiesInChunk counts the copies of each contract in a chunk, given one source id per record, and gives
// -1 to those stored or staged already: only a count of 1 may be loaded directly. A contract this import
// loaded directly coming again is a ReadAgain. The caller stages or loads every record of the chunk.
func (d *Direct) copiesInChunk(ctx context.Context, sourceIDs []string) (map[string]int, error) {
	count := make(map[string]int, len(sourceIDs))
	ids := make([]string, 0, len(sourceIDs))
	for _, id := range sourceIDs {
		if count[id] == 0 {
			ids = append(ids, id)
		}
		count[id]++
	}
	ask := ids
	if d.known != nil {
		// Only an id this import met before can be stored or staged; a hash collision costs a look-up.
		ask = nil
		for _, id := range ids {
			h := maphash.String(d.knownSeed, id)
			if _, met := d.known[h]; met {
				ask = append(ask, id)
			} else {
				d.known[h] = struct{}{}
			}
		}
		if len(d.known) > maxKnown {
			d.known = nil
		}
	}
	if len(ask) == 0 {
		return count, nil
	}
	seen, err := d.q.ContractListSeen(ctx, d.tx, dbq.ContractListSeenParams{BatchID: d.batchID, Source: d.source, SourceIds: ask})
	if err != nil {
		return nil, fmt.Errorf("ingest: look up contracts: %w", err)
	}
	for _, r := range seen {
		if r.ThisBatch {
			return nil, &ReadAgain{Why: fmt.Sprintf("contract %s appears again after it was loaded", r.SourceID)}
		}
		count[r.SourceID] = -1
	}
	return count, nil
}

// decide stages or loads each record of a chunk; it runs on the connection's goroutine.
func (d *Direct) decide(ctx context.Context, chunk []*contractRecord) error {
	ids := make([]string, len(chunk))
	for i, rec := range chunk {
		ids[i] = rec.sourceID()
	}
	count, err := d.copiesInChunk(ctx, ids)
	if err != nil {
		return err
	}
	load := make([]*contractRecord, 0, len(chunk))
	for _, rec := range chunk {
		d.decided++
		if count[rec.sourceID()] == 1 && d.eligible(rec) {
			load = append(load, rec)
			c := rec.Contracts[0]
			d.loadedAt.set(c.CustomerBin, d.decided)
			d.loadedAt.set(c.SupplierKey, d.decided)
			continue
		}
		for _, p := range rec.Parties {
			d.stagedAt.set(p.Identifier, d.decided)
		}
		d.stagedBuyer(rec.Contracts[0].CustomerBin)
		if err := d.staged.Deal(ctx, &rec.Deal); err != nil {
			return err
		}
	}
	// Staged contracts must be visible to the next chunk's look-up.
	if err := d.staged.contracts.Flush(ctx); err != nil {
		return err
	}
	_, _, err = d.load(ctx, load)
	return err
}

// eligible says whether the staged merge would store the record exactly as it reads: one version of the
// contract, in tenge, with both parties, a plan point for every unit, no repeated unit and no amount the
// merge would refuse, from a supplier whose tier the source's flags decide.
func (d *Direct) eligible(rec *contractRecord) bool {
	p := rec.prepared()
	s := p.supplier
	return p.loadable && (s.BIN == nil || !d.referenced[*s.BIN]) && (s.Producer || s.ProducerStated || !d.producers[s.Identifier])
}

// A recordPrep is what loading a record directly needs besides its rows, worked out before the record
// reaches the connection's goroutine (by the OCDS parsing workers, or the reader handing it over), which
// paces a direct load and so should only write.
type recordPrep struct {
	loadable        bool // eligible, but for the supplier's register entry, which the loader knows
	buyer, supplier *record.Party
	plans           []*record.PlanPoint // each unit's plan point
	katos           []string            // each unit's smallest KATO code, as the merge takes it
}

// prepared returns the record's recordPrep, working it out the first time.
func (r *contractRecord) prepared() *recordPrep {
	if r.prep != nil {
		return r.prep
	}
	p := &recordPrep{}
	r.prep = p
	c := r.Contracts[0]
	p.buyer, p.supplier = r.party(c.CustomerBin), r.party(c.SupplierKey)
	if c.Currency != "KZT" || p.buyer == nil || p.supplier == nil {
		return p
	}
	for _, o := range r.Contracts[1:] {
		if !sameContract(c, o) {
			return p
		}
	}
	p.plans, p.katos = make([]*record.PlanPoint, len(r.Items)), make([]string, len(r.Items))
	byID, smallestKATO := r.plansByID(), r.smallestKATOs()
	largest := max(deref(c.Total), deref(c.TotalAlt), deref(c.Paid))
	units := make(map[string]bool, len(r.Items))
	var sum int64
	for i, u := range r.Items {
		if p.plans[i] = byID(u.PlanID); u.ContractSourceID != c.SourceID || p.plans[i] == nil || units[u.SourceID] {
			return p
		}
		units[u.SourceID] = true
		largest = max(largest, u.Value, deref(u.ValueAlt), deref(u.UnitPrice))
		if !u.Deleted {
			if (u.Value > 0 && sum > largestAmount-u.Value) || (u.Value < 0 && sum < -largestAmount-u.Value) {
				return p
			}
			sum += u.Value
		}
		p.katos[i] = smallestKATO(u.PlanID)
	}
	p.loadable = largest < largestAmount
	return p
}

// smallestKATOs finds each plan point's smallest KATO code, as the merge takes it.
func (r *contractRecord) smallestKATOs() func(planID string) string {
	if len(r.PlanKATOs) <= 8 {
		return func(planID string) string {
			var smallest string
			found := false
			for _, k := range r.PlanKATOs {
				if k.PlanID == planID && (!found || k.KATO < smallest) {
					smallest, found = k.KATO, true
				}
			}
			return smallest
		}
	}
	index := make(map[string]string, len(r.PlanKATOs))
	for _, k := range r.PlanKATOs {
		if have, ok := index[k.PlanID]; !ok || k.KATO < have {
			index[k.PlanID] = k.KATO
		}
	}
	return func(planID string) string { return index[planID] }
}

func hasPrefix(loc *atomic.Pointer[string], prefix string) bool {
	s := loc.Load()
	return s != nil && strings.HasPrefix(*s, prefix)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func equalPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameContract(a, b record.Contract) bool {
	return a.SourceID == b.SourceID && a.CustomerBin == b.CustomerBin && a.SupplierKey == b.SupplierKey &&
		a.SignedOn.Equal(b.SignedOn) && equalPtr(a.FiscalYear, b.FiscalYear) && a.Method == b.Method &&
		a.Status == b.Status && a.Currency == b.Currency && equalPtr(a.ExchangeRate, b.ExchangeRate) &&
		equalPtr(a.Total, b.Total) && equalPtr(a.TotalAlt, b.TotalAlt) && equalPtr(a.LocalContentBp, b.LocalContentBp) &&
		a.Description == b.Description && a.Deleted == b.Deleted && equalPtr(a.Paid, b.Paid) &&
		equalPtr(a.RootSourceID, b.RootSourceID) &&
		((a.UpdatedAt == nil && b.UpdatedAt == nil) || (a.UpdatedAt != nil && b.UpdatedAt != nil && a.UpdatedAt.Equal(*b.UpdatedAt)))
}

// party is the record's last word on one party, as the merge takes the last staged copy.
func (r *contractRecord) party(identifier string) *record.Party {
	for i := len(r.Parties) - 1; i >= 0; i-- {
		if r.Parties[i].Identifier == identifier {
			return &r.Parties[i]
		}
	}
	return nil
}

// load writes the records' parties, contracts and items, and returns the contracts' ids.
// load writes the contracts of recs with their items, and returns their ids and the bases of their
// rollup cells (noCell for those the rollup's refresh decides).
func (d *Direct) load(ctx context.Context, recs []*contractRecord) ([]int64, []int32, error) {
	if len(recs) == 0 {
		return nil, nil, nil
	}
	if err := d.upsertParties(ctx, recs); err != nil {
		return nil, nil, err
	}
	ids, err := d.contractIDs(ctx, len(recs))
	if err != nil {
		return nil, nil, err
	}
	suppliers := make([]*supplierState, len(recs))
	totals := make([]int64, len(recs))
	bases := make([]int32, len(recs))
	for i, rec := range recs {
		c := rec.Contracts[0]
		suppliers[i] = d.suppliers[c.SupplierKey]
		suppliers[i].loaded = true
		if c.Total != nil {
			totals[i] = *c.Total
		} else {
			for _, u := range rec.Items {
				if !u.Deleted {
					totals[i] += u.Value
				}
			}
		}
		bases[i] = d.parts.contract(c.SourceID, c.SignedOn, c.Status, c.Method, d.buyers[c.CustomerBin].buyerType,
			c.Deleted, c.RootSourceID, c.Paid, totals[i])
	}
	err = d.contractRows.Stream(ctx, d.tx, copyContracts, len(recs), func(i int) {
		rec := recs[i]
		c := rec.Contracts[0]
		total := &totals[i]
		rows := d.contractRows
		rows.Row() // the columns of copyContracts
		rows.Int8(ids[i])
		rows.Text(d.source)
		rows.Text(c.SourceID)
		rows.Int8(d.buyers[c.CustomerBin].id)
		rows.Int8(suppliers[i].id)
		rows.Date(c.SignedOn)
		rows.Int4Ptr(c.FiscalYear)
		rows.Text(c.Method)
		rows.Text(c.Status)
		rows.Text(c.Currency)
		rows.Numeric("1") // the rate of tenge, as the merge stores it
		rows.Int8(*total)
		rows.Int8Ptr(c.TotalAlt)
		rows.Int4Ptr(c.LocalContentBp)
		rows.Text(c.Description)
		rows.Bool(c.Deleted)
		rows.TimestamptzPtr(c.UpdatedAt)
		rows.Int8(d.batchID)
		rows.Int8Ptr(c.Paid)
		rows.TextPtr(c.RootSourceID)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: load contracts: %w", err)
	}
	d.contracts += int64(len(recs))
	d.lastLoaded.Store(new(recs[len(recs)-1].loc()))
	var texts []itemText // the items' texts in the order they are written
	for _, rec := range recs {
		for _, p := range rec.prepared().plans {
			texts = append(texts, itemText{p.Name, p.NameKk, p.Description})
		}
	}
	if len(texts) == 0 { // the portal's contracts come without their units
		return ids, bases, nil
	}
	textIDs, err := d.resolveTexts(ctx, texts, false)
	if err != nil {
		return nil, nil, err
	}
	var nItems int64
	err = d.itemRows.Stream(ctx, d.tx, copyItems, len(recs), func(i int) {
		rec := recs[i]
		c := rec.Contracts[0]
		rule, tier := supplierRule(suppliers[i])
		p := rec.prepared()
		buyer := d.buyers[c.CustomerBin].id
		first := int32(noCell)
		for j := range rec.Items {
			u := &rec.Items[j]
			d.itemRow(ids[i], buyer, suppliers[i].id, c.SignedOn, rule, tier, u, p.plans[j], textIDs[nItems], p.katos[j], bases[i], &first)
			d.countRegion(buyer, c.Deleted || u.Deleted, p.katos[j])
			nItems++
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: load contract items: %w", err)
	}
	d.items += nItems
	return ids, bases, d.parts.flushContracts(ctx, d, false)
}

// contractIDBlock is how many contract ids the loader reserves at a time: a call per chunk cost a round
// trip each, and ids left over when the import ends are a gap in the sequence, nothing more.
const contractIDBlock = 1 << 14

// contractIDs returns n new contract ids.
func (d *Direct) contractIDs(ctx context.Context, n int) ([]int64, error) {
	if d.idsLeft < int64(n) {
		block := max(int64(n), contractIDBlock)
		last, err := d.q.ContractReserveIDs(ctx, d.tx, block)
		if err != nil {
			return nil, fmt.Errorf("ingest: reserve contract ids: %w", err)
		}
		d.nextID, d.idsLeft = last-block+1, block
		if d.parts.firstID == 0 {
			d.parts.firstID = d.nextID // the sequence only moves on
		}
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = d.nextID + int64(i)
	}
	d.nextID += int64(n)
	d.idsLeft -= int64(n)
	return ids, nil
}

// itemRow writes one item of a contract loaded directly, as the merge would store the unit u of plan point p,
// whose texts are textID.
// base and first are the contract's rollup cells (rollupParts.item); base noCell sums nothing.
func (d *Direct) itemRow(contractID, buyer, supplier int64, signedOn time.Time, rule string, tier int16,
	u *record.Item, p *record.PlanPoint, textID int64, kato string, base int32, first *int32,
) {
	rows := d.itemRows
	rows.Row() // the columns of copyItems
	rows.Int8(contractID)
	rows.Text(u.SourceID)
	rows.Date(signedOn)
	rows.Text(p.EnstruCode)
	rows.Int8(textID)
	rows.Numeric(u.Quantity)
	rows.Text(p.Unit)
	rows.Int8Ptr(u.UnitPrice)
	rows.Int8(u.Value)
	rows.Int8Ptr(u.ValueAlt)
	rows.Int4Ptr(u.LocalContentBp)
	local := money.ApplyBasisPoints(u.Value, int64(deref(u.LocalContentBp))) // as the merge rounds
	rows.Int8(local)
	rows.Text(kato)
	region, hasRegion := d.region(kato)
	if hasRegion {
		rows.Text(region)
	} else {
		rows.Null()
	}
	rows.Int4Ptr(p.CategoryID)
	rows.Int2(tier)
	rows.Text(rule)
	rows.Bool(u.Deleted)
	if base != noCell && !u.Deleted {
		d.parts.item(contractID, buyer, supplier, first, base, signedOn, p.CategoryID, region, hasRegion, tier, u.Value, local)
	}
}

// itemText is an item's product texts, stored once each in item_texts.
type itemText struct{ name, nameKk, description string }

// itemTextDigest is item_text_digest: SHA-256 over each text's bytes, each preceded by its length as four
// bytes, big-endian.
func itemTextDigest(t itemText) []byte {
	h := sha256.New()
	for _, s := range [...]string{t.name, t.nameKk, t.description} {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}

// resolveTexts returns the item_texts ids of texts, in their order, storing those new to the database. Ids
// are remembered (at most maxRemembered), since a product's items come again and again. owned says the
// texts are the caller's own strings (the portal's numbered texts), not a record's.
func (d *Direct) resolveTexts(ctx context.Context, texts []itemText, owned bool) ([]int64, error) {
	out := make([]int64, len(texts))
	var p dbq.ItemTextInsertParams
	asked := map[itemText][]int{} // the positions of each text to store
	for i, t := range texts {
		if id, known := d.textIDs[t]; known {
			out[i] = id
			continue
		}
		if _, queued := asked[t]; !queued {
			p.Digests = append(p.Digests, itemTextDigest(t))
			p.Names, p.NamesKk, p.Descriptions = append(p.Names, t.name), append(p.NamesKk, t.nameKk), append(p.Descriptions, t.description)
		}
		asked[t] = append(asked[t], i)
	}
	if len(p.Digests) == 0 {
		return out, nil
	}
	if err := d.q.ItemTextInsert(ctx, d.tx, p); err != nil {
		return nil, fmt.Errorf("ingest: store item texts: %w", err)
	}
	stored, err := d.q.ItemTextIDList(ctx, d.tx, p.Digests)
	if err != nil {
		return nil, fmt.Errorf("ingest: look up item texts: %w", err)
	}
	ids := make(map[string]int64, len(stored))
	for _, r := range stored {
		ids[string(r.Digest)] = r.ID
	}
	if len(d.textIDs)+len(p.Digests) > maxRemembered {
		d.textIDs = make(map[itemText]int64)
	}
	for i, digest := range p.Digests {
		id, ok := ids[string(digest)]
		if !ok {
			return nil, fmt.Errorf("ingest: item text %q was not stored", p.Names[i])
		}
		t := itemText{p.Names[i], p.NamesKk[i], p.Descriptions[i]}
		for _, at := range asked[t] {
			out[at] = id
		}
		if !owned {
			t = itemText{own(t.name), own(t.nameKk), own(t.description)}
		}
		d.textIDs[t] = id
	}
	return out, nil
}

// supplierRule is the tier rule the source's flags decide for a supplier not on the register and without
// certificates.
func supplierRule(s *supplierState) (string, int16) {
	r := tier.ByFlags(s.producer, s.resident)
	return string(r), int16(r.Tier())
}

// The COPY statements of the direct load; load writes the columns in these orders.
const (
	copyContracts = `COPY contracts (id, source, source_id, buyer_id, supplier_id, signed_on, fiscal_year, method, status,
    currency, exchange_rate, total, total_alt, local_content_published_bp, description, deleted, source_updated_at,
    batch_id, paid, root_source_id) FROM STDIN WITH (FORMAT binary)`
	copyItems = `COPY contract_items (contract_id, source_id, signed_on, enstru_code, text_id, quantity, unit,
    unit_price, value, value_alt, local_content_bp, local_content_value, kato, region, category_id, tier,
    tier_rule, deleted) FROM STDIN WITH (FORMAT binary)`
)

// plansByID finds the record's plan points by id, the last row of each as the merge takes it.
func (r *contractRecord) plansByID() func(id string) *record.PlanPoint {
	if len(r.PlanPoints) <= 8 { // a template row's record, or a few: a scan beats building a map
		return func(id string) *record.PlanPoint {
			for j := len(r.PlanPoints) - 1; j >= 0; j-- {
				if r.PlanPoints[j].PlanID == id {
					return &r.PlanPoints[j]
				}
			}
			return nil
		}
	}
	index := make(map[string]*record.PlanPoint, len(r.PlanPoints))
	for j := range r.PlanPoints {
		index[r.PlanPoints[j].PlanID] = &r.PlanPoints[j]
	}
	return func(id string) *record.PlanPoint { return index[id] }
}

// tierOfRule is the tier a rule gives.
func tierOfRule(rule string) int16 { return int16(tier.Rule(rule).Tier()) }

// upsertParties writes the buyers and suppliers of the records that are new to this import or changed since
// it last wrote them, and learns their ids.
func (d *Direct) upsertParties(ctx context.Context, recs []*contractRecord) error {
	var buyers, suppliers []string
	queued := map[string]bool{} // a party is written once per chunk, with the chunk's last word, as in the merge
	queue := func(list *[]string, role, id string) {
		if !queued[role+id] {
			queued[role+id] = true
			*list = append(*list, id)
		}
	}
	for _, rec := range recs {
		prep := rec.prepared()
		b := prep.buyer
		nextBuyer := buyerState{nameKK: b.NameKk, nameRu: b.NameRu, buyerType: b.BuyerType}
		if known := d.buyers[b.Identifier]; known == nil || !known.same(nextBuyer) {
			// What the loader keeps must not share its record's memory, nor must the key: an assignment
			// stores the key it is given.
			nextBuyer.nameKK, nextBuyer.nameRu = own(nextBuyer.nameKK), own(nextBuyer.nameRu)
			d.buyers[own(b.Identifier)] = &nextBuyer
			queue(&buyers, "b", b.Identifier)
		}
		s := prep.supplier
		next := supplierState{bin: deref(s.BIN), nameKK: s.NameKk, nameRu: s.NameRu, country: s.Country,
			resident: s.Resident, producer: s.Producer, stated: s.Producer || s.ProducerStated, flag: s.SupplierFlag,
			nationalCompany: s.NationalCompany}
		known := d.suppliers[s.Identifier]
		if known != nil && known.same(next) {
			continue
		}
		if known != nil {
			next.id = known.id
			// The BIN decides the register and certificates that apply.
			if known.loaded && (known.resident != next.resident || known.producer != next.producer || known.bin != next.bin) {
				d.changed[known.id] = true
			}
		}
		next.bin, next.nameKK, next.nameRu, next.country = own(next.bin), own(next.nameKK), own(next.nameRu), own(next.country)
		d.suppliers[own(s.Identifier)] = &next
		queue(&suppliers, "s", s.Identifier)
	}
	return d.writeParties(ctx, buyers, suppliers)
}

func (b buyerState) same(o buyerState) bool {
	return b.nameKK == o.nameKK && b.nameRu == o.nameRu && b.buyerType == o.buyerType
}

func (s supplierState) same(o supplierState) bool {
	return s.bin == o.bin && s.nameKK == o.nameKK && s.nameRu == o.nameRu && s.country == o.country &&
		s.resident == o.resident && s.producer == o.producer && s.stated == o.stated && s.flag == o.flag &&
		s.nationalCompany == o.nationalCompany
}

// writeParties upserts the named buyers and suppliers as the loader holds them and learns their ids.
func (d *Direct) writeParties(ctx context.Context, buyerIDs, supplierIDs []string) error {
	if len(buyerIDs) > 0 {
		var p dbq.BuyerUpsertParams
		for _, id := range buyerIDs {
			b := d.buyers[id]
			p.Bins = append(p.Bins, id)
			p.NamesKk = append(p.NamesKk, b.nameKK)
			p.NamesRu = append(p.NamesRu, b.nameRu)
			p.BuyerTypes = append(p.BuyerTypes, b.buyerType)
		}
		rows, err := d.q.BuyerUpsert(ctx, d.tx, p)
		if err != nil {
			return fmt.Errorf("ingest: write buyers: %w", err)
		}
		for _, r := range rows {
			d.buyers[r.BIN].id = r.ID
			if r.Inserted {
				d.newBuyers[r.ID] = true
			}
		}
	}
	if len(supplierIDs) > 0 {
		var p dbq.SupplierUpsertParams
		for _, id := range supplierIDs {
			s := d.suppliers[id]
			p.Identifiers = append(p.Identifiers, id)
			p.Bins = append(p.Bins, s.bin)
			p.NamesKk = append(p.NamesKk, s.nameKK)
			p.NamesRu = append(p.NamesRu, s.nameRu)
			p.Countries = append(p.Countries, s.country)
			p.Residents = append(p.Residents, s.resident)
			p.Producers = append(p.Producers, s.producer)
			p.ProducersStated = append(p.ProducersStated, s.stated)
			p.SupplierFlags = append(p.SupplierFlags, s.flag)
			p.NationalCompanies = append(p.NationalCompanies, s.nationalCompany)
		}
		rows, err := d.q.SupplierUpsert(ctx, d.tx, p)
		if err != nil {
			return fmt.Errorf("ingest: write suppliers: %w", err)
		}
		for _, r := range rows {
			d.suppliers[r.Identifier].id = r.ID
			if r.Retier {
				d.retier[r.ID] = true
			}
		}
	}
	return nil
}

// reassertParties writes again the parties a direct record named after the last staged record that named
// them, once the merge has written the staged values: in the import's order the direct record's come last.
func (d *Direct) reassertParties(ctx context.Context) error {
	var buyers, suppliers []string
	for id := range d.buyers {
		if staged, ok := d.stagedAt[id]; ok && d.loadedAt.at(id) > *staged {
			buyers = append(buyers, id)
		}
	}
	for id := range d.suppliers {
		if staged, ok := d.stagedAt[id]; ok && d.loadedAt.at(id) > *staged {
			suppliers = append(suppliers, id)
		}
	}
	return d.writeParties(ctx, buyers, suppliers)
}

// refreshTiers decides again the tiers of items loaded for suppliers whose flags changed later in the
// import, directly or through the staged merge (merged lists the suppliers it wrote), but those in
// retier: every stored item of theirs is decided again after (retierStored).
func (d *Direct) refreshTiers(ctx context.Context, merged []dbq.SupplierMergeStagedRow, retier map[int64]bool) error {
	loaded := map[int64]bool{}
	for _, s := range d.suppliers {
		if s.loaded {
			loaded[s.id] = true
		}
	}
	for _, r := range merged {
		if loaded[r.ID] {
			d.changed[r.ID] = true
		}
	}
	var ids []int64
	for id := range d.changed {
		if !retier[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := d.q.ContractItemTiersRefresh(ctx, d.tx, dbq.ContractItemTiersRefreshParams{BatchID: &d.batchID, SupplierIds: ids}); err != nil {
		return fmt.Errorf("ingest: decide tiers again: %w", err)
	}
	return nil
}

type buyerRegion struct {
	buyer  int64
	region string
}

// stagedBuyer notes a buyer some staged record names, whose items the merge writes too.
func (d *Direct) stagedBuyer(bin string) {
	if !d.stagedBuyers[bin] {
		d.stagedBuyers[own(bin)] = true // an assignment stores the key given, which may share a record's memory
	}
}

// countRegion counts an item loaded for a buyer, as BuyerSetRegionsOfBatch counts it: not deleted, with a
// delivery KATO code in a known region.
func (d *Direct) countRegion(buyer int64, deleted bool, kato string) {
	if region, ok := d.region(kato); ok && !deleted {
		d.regionCounts[buyerRegion{buyer, region}]++
	}
}

// region is the region a KATO code's first two digits name, if any, as the database spells it: not a
// slice of kato, which may share its record's memory.
func (d *Direct) region(kato string) (string, bool) {
	if len(kato) < 2 {
		return "", false
	}
	r, ok := d.regions[kato[:2]]
	return r, ok
}

// setBuyerRegions writes the regions of the buyers whose every item this loader wrote, and returns their
// ids, which BuyerSetRegionsOfBatch leaves out.
func (d *Direct) setBuyerRegions(ctx context.Context) ([]int64, error) {
	counted := map[int64]bool{}
	for _, b := range d.buyers {
		counted[b.id] = d.newBuyers[b.id]
	}
	for id := range d.stagedBuyers {
		if b := d.buyers[id]; b != nil {
			counted[b.id] = false
		}
	}
	for id := range d.mergedInto {
		counted[id] = false
	}
	type choice struct {
		region string
		items  int64
	}
	best := map[int64]choice{}
	for k, n := range d.regionCounts {
		if !counted[k.buyer] {
			continue
		}
		// The most items, then the first region in code order, as the query orders them.
		if cur, ok := best[k.buyer]; !ok || n > cur.items || (n == cur.items && k.region < cur.region) {
			best[k.buyer] = choice{k.region, n}
		}
	}
	var p dbq.BuyerSetRegionsParams
	for buyer, c := range best {
		p.Ids = append(p.Ids, buyer)
		p.Regions = append(p.Regions, c.region)
	}
	if len(p.Ids) > 0 {
		if _, err := d.q.BuyerSetRegions(ctx, d.tx, p); err != nil {
			return nil, fmt.Errorf("ingest: set buyer regions: %w", err)
		}
	}
	ids := []int64{} // never NULL: the query's <> ALL would match nothing
	for id, ok := range counted {
		if ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
