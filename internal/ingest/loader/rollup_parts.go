package loader

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/pgcopy"
	"github.com/ules-kz/ules/internal/share"
)

// A direct load sums the items it writes into the rollup's cells as it encodes them, and hands the cells to
// the refresh (share_rollup_parts, migration 00016), which adds them to the months it does not recompute:
// reading an initial load's items again cost the import as much as half its time (docs/performance.md
// § Rollups). Only plain contracts are summed here: a known status that counts at the contract's value, no
// amendment on either side. Any other contract's month is marked, and the refresh recomputes it from
// counted_items, which stays the one definition of what counts; TestRollupEqualsTheItems holds the two to
// the same figures.

// cellBase is what a contract gives all its items' cells.
type cellBase struct {
	month     time.Time
	buyerType string
	method    string
}

// cellKey holds no string, which kept hashing it in the maps a third of rollupParts.item's time: region is
// an index into rollupParts.regions.
type cellKey struct {
	base     int32
	category int32
	region   int16
	tier     int16
	// hasCategory and hasRegion tell NULL from 0 and "".
	hasCategory, hasRegion bool
}

type cellSums struct{ total, local, items, contracts int64 }

type contractCell struct {
	contract int64
	cell     int32
}

type contractCellSums struct {
	contractCell
	buyer, supplier     int64
	total, local, items int64
}

// noCell is a contract whose items have no cell yet, or whose items the direct load does not sum.
const noCell = -1

type rollupParts struct {
	statuses map[string]string // code → counts
	amended  map[string]bool   // see ContractAmendedRootList

	baseIndex map[cellBase]int32
	bases     []cellBase
	bounds    [][2]time.Time // each base's first and last signing date
	cellIndex map[cellKey]int32
	keys      []cellKey
	cells     []cellSums
	last      cellKey // the key of lastCell: a contract's items mostly share one
	lastCell  int32
	firsts    []int32 // the first cell of contract firstID+i, for contracts whose items come apart
	firstID   int64
	regions   []string
	regionIdx map[string]int16
	// firstRows is, by contract id less firstID, the row of contractCells that may hold the contract's
	// first cell: byContract then holds only the other cells of contracts with several. Rows are forgotten
	// at each flush, so a row is the contract's only if it names it.
	firstRows []int32
	spans     map[int64][]int32 // the cells of contracts with items in more than one
	// Contracts by cell (share_rollup_contracts), gathered over chunks, written and forgotten by flushContracts.
	byContract    map[contractCell]int32
	contractCells []contractCellSums
	// written and writtenShared mark, by contract id less firstID, the contracts of which a chunk wrote
	// rows, and those it wrote as shared (several rows); late lists those a later chunk found to have
	// several rows after one was written unshared, which write marks in the database.
	written, writtenShared bitset
	late                   map[int64]time.Time // contract → month
	marked                 map[time.Time]bool  // months of contracts left to the refresh
	// copyCells writes the cells into the rollup itself when it was empty (an initial load: no month holds
	// anything to add them to), into share_rollup_parts for the refresh to add otherwise.
	copyCells string
}

func newRollupParts(ctx context.Context, q *dbq.Queries, db dbq.DBTX, source string) (*rollupParts, error) {
	statuses, err := q.ContractStatusList(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("ingest: load contract statuses: %w", err)
	}
	roots, err := q.ContractAmendedRootList(ctx, db, source)
	if err != nil {
		return nil, fmt.Errorf("ingest: load amended contracts: %w", err)
	}
	held, err := q.ShareRollupHolds(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("ingest: look at the rollup: %w", err)
	}
	p := &rollupParts{statuses: make(map[string]string, len(statuses)), amended: make(map[string]bool, len(roots)),
		baseIndex: map[cellBase]int32{}, cellIndex: map[cellKey]int32{}, lastCell: noCell,
		spans: map[int64][]int32{}, marked: map[time.Time]bool{}, copyCells: fmt.Sprintf(copyCells, "share_rollup"),
		byContract: map[contractCell]int32{}, late: map[int64]time.Time{}, regionIdx: map[string]int16{}}
	if held {
		p.copyCells = fmt.Sprintf(copyCells, "share_rollup_parts")
	}
	for _, s := range statuses {
		p.statuses[s.Code] = s.Counts
	}
	for _, r := range roots {
		p.amended[r] = true
	}
	return p, nil
}

// firstOf is where the first cell of a contract whose items arrive in several chunks (the portal's units)
// is kept: the loader's contract ids are consecutive, so a slice beats a map.
func (p *rollupParts) firstOf(contract int64) *int32 {
	i := contract - p.firstID
	if i < 0 {
		panic("loader: a contract id below the load's first") // Direct.contractIDs sets firstID
	}
	for int64(len(p.firsts)) <= i {
		p.firsts = append(p.firsts, noCell)
	}
	return &p.firsts[i]
}

// contract returns the base of a contract's cells, or noCell when its items are not summed here: it does
// not count, or the refresh must decide how (its month is marked then).
func (p *rollupParts) contract(sourceID string, signedOn time.Time, status, method, buyerType string,
	deleted bool, rootSourceID *string, paid *int64, total int64,
) int32 {
	// An amendment's month is marked whatever it counts, as share_rollup_mark_signed marks it for inserts
	// other than a direct load's (quietInserts).
	if rootSourceID != nil {
		p.marked[share.MonthOf(signedOn)] = true
	}
	counts, known := p.statuses[status]
	if !known || counts == "none" || deleted {
		return noCell // counted_items leaves it out, and nothing here can change that
	}
	prorated := counts == "paid" && paid != nil && *paid < total && total > 0
	if rootSourceID != nil || p.amended[sourceID] || prorated {
		p.marked[share.MonthOf(signedOn)] = true
		return noCell
	}
	b := cellBase{month: share.MonthOf(signedOn), buyerType: buyerType, method: method}
	i, ok := p.baseIndex[b]
	if !ok {
		i = int32(len(p.bases))
		p.baseIndex[b] = i
		p.bases = append(p.bases, b)
		p.bounds = append(p.bounds, [2]time.Time{signedOn, signedOn})
	}
	return i
}

// item adds one item of a contract whose base is base, of buyer and supplier (their row ids); first holds
// the contract's first cell, noCell before its first item.
func (p *rollupParts) item(contract, buyer, supplier int64, first *int32, base int32, signedOn time.Time,
	category *int32, region string, hasRegion bool, tier int16, value, local int64,
) {
	k := cellKey{base: base, hasRegion: hasRegion, tier: tier}
	if hasRegion {
		k.region = p.regionOf(region)
	}
	if category != nil {
		k.category, k.hasCategory = *category, true
	}
	ci := p.lastCell
	if ci == noCell || k != p.last {
		var ok bool
		if ci, ok = p.cellIndex[k]; !ok {
			ci = int32(len(p.cells))
			p.cellIndex[k] = ci
			p.keys = append(p.keys, k)
			p.cells = append(p.cells, cellSums{})
		}
		p.last, p.lastCell = k, ci
	}
	c := &p.cells[ci]
	c.total += value
	c.local += local
	c.items++
	cc := contractCell{contract, ci}
	ri := int32(len(p.contractCells) - 1)
	if ri < 0 || p.contractCells[ri].contractCell != cc { // a contract's items mostly come together
		ri = p.contractRow(cc, *first == noCell || *first == ci, buyer, supplier)
	}
	r := &p.contractCells[ri]
	r.total += value
	r.local += local
	r.items++
	if b := &p.bounds[base]; signedOn.Before(b[0]) {
		b[0] = signedOn
	} else if signedOn.After(b[1]) {
		b[1] = signedOn
	}
	switch {
	case *first == noCell:
		*first = ci
		c.contracts++
	case *first != ci:
		cells, ok := p.spans[contract]
		if !ok {
			cells = []int32{*first}
		}
		if !slices.Contains(cells, ci) {
			cells = append(cells, ci)
			c.contracts++
		}
		p.spans[contract] = cells
	}
}

// contractRow is the row of contractCells that sums cc, a new one if none does yet; firstCell says that
// cc's cell is its contract's first.
func (p *rollupParts) contractRow(cc contractCell, firstCell bool, buyer, supplier int64) int32 {
	if firstCell {
		i := cc.contract - p.firstID
		for int64(len(p.firstRows)) <= i {
			p.firstRows = append(p.firstRows, noCell)
		}
		if ri := p.firstRows[i]; ri >= 0 && int(ri) < len(p.contractCells) && p.contractCells[ri].contractCell == cc {
			return ri
		}
		ri := int32(len(p.contractCells))
		p.firstRows[i] = ri
		p.contractCells = append(p.contractCells, contractCellSums{contractCell: cc, buyer: buyer, supplier: supplier})
		return ri
	}
	ri, ok := p.byContract[cc]
	if !ok {
		ri = int32(len(p.contractCells))
		p.byContract[cc] = ri
		p.contractCells = append(p.contractCells, contractCellSums{contractCell: cc, buyer: buyer, supplier: supplier})
	}
	return ri
}

// regionOf is region's index in p.regions.
func (p *rollupParts) regionOf(region string) int16 {
	if p.last.hasRegion && p.regions[p.last.region] == region {
		return p.last.region
	}
	if i, ok := p.regionIdx[region]; ok {
		return i
	}
	i := int16(len(p.regions))
	p.regions = append(p.regions, region)
	p.regionIdx[region] = i
	return i
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

const (
	copyCells = `COPY %s (month, category_id, region, buyer_type, method, tier, total, local_content,
    local_content_certified, items, contracts) FROM STDIN WITH (FORMAT binary)`
	copySpans = `COPY share_rollup_spans (month, contract_id, category_id, region, buyer_type, method, tier)
    FROM STDIN WITH (FORMAT binary)`
)

// cellColumns writes a cell's key as the rollup's columns month, category_id, region, buyer_type, method,
// tier, or, with contract, month, contract_id and the rest.
func (p *rollupParts) cellColumns(r *pgcopy.Rows, k cellKey, contract *int64) {
	b := p.bases[k.base]
	r.Date(b.month)
	if contract != nil {
		r.Int8(*contract)
	}
	if k.hasCategory {
		r.Int4Ptr(&k.category)
	} else {
		r.Null()
	}
	if k.hasRegion {
		r.Text(p.regions[k.region])
	} else {
		r.Null()
	}
	r.Text(b.buyerType)
	r.Text(b.method)
	r.Int2(k.tier)
}

const copyContractCells = `COPY share_rollup_contracts (month, contract_id, category_id, region, buyer_type, method,
    tier, buyer_id, supplier_id, total, local_content, local_content_certified, items, shared)
    FROM STDIN WITH (FORMAT binary)`

// contractCellsFlush is how many contracts by cell are gathered before they are written: a COPY per chunk
// cost the load more in statements than in rows. A load given a chunk (tests) writes every quarter chunk,
// so that small inputs cross flushes.
const contractCellsFlush = 1 << 15

// flushContracts writes the contracts by cell gathered so far, once there are enough of them or, with
// all, whatever there is. A contract has several rows when its items are in several cells or come in
// several flushes: each is written shared (share_rollup_contracts.shared) when that is known by then;
// rows written unshared before are marked by write.
func (p *rollupParts) flushContracts(ctx context.Context, d *Direct, all bool) error {
	flushAt := contractCellsFlush
	if d.chunk > 0 {
		flushAt = max(d.chunk/4, 1)
	}
	if len(p.contractCells) == 0 || (!all && len(p.contractCells) < flushAt) {
		return nil
	}
	rowsOf := make(map[int64]int, len(p.contractCells))
	for i := range p.contractCells {
		r := &p.contractCells[i]
		if rowsOf[r.contract]++; rowsOf[r.contract] == 1 {
			if j := r.contract - p.firstID; p.written.has(j) && !p.writtenShared.has(j) {
				p.late[r.contract] = p.bases[p.keys[r.cell].base].month // a contract's items share its month
			}
		}
	}
	shared := func(contract int64) bool {
		_, spans := p.spans[contract]
		return spans || rowsOf[contract] > 1 || p.written.has(contract-p.firstID)
	}
	rows := d.contractCellRows
	err := rows.Stream(ctx, d.tx, copyContractCells, len(p.contractCells), func(i int) {
		r := &p.contractCells[i]
		rows.Row()
		p.cellColumns(rows, p.keys[r.cell], &r.contract)
		rows.Int8(r.buyer)
		rows.Int8(r.supplier)
		rows.Int8(r.total)
		rows.Int8(r.local)
		rows.Int8(0) // as in the cells
		rows.Int8(r.items)
		rows.Bool(shared(r.contract))
	})
	for contract := range rowsOf {
		if shared(contract) {
			p.writtenShared.set(contract - p.firstID)
		}
		p.written.set(contract - p.firstID)
	}
	clear(p.byContract)
	p.contractCells = p.contractCells[:0]
	if err != nil {
		return fmt.Errorf("ingest: write the rollup's contracts: %w", err)
	}
	return nil
}

// cellOrder is the cells by category (none last) and month, the order a target's reads ask for them in
// (its category's months). An initial load writes the cells straight into the rollup, so a category's
// cells then share pages: at 10,000,000 items a category's five years were 8,034
// cells on 585 of the rollup's 1,547 pages, and read in 1.7-2.4 ms warm; in this order about 100 pages,
// 1.5-1.9 ms.
func (p *rollupParts) cellOrder() []int32 {
	order := make([]int32, len(p.cells))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		ka, kb := p.keys[a], p.keys[b]
		if ka.hasCategory != kb.hasCategory {
			if ka.hasCategory {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(ka.category, kb.category); c != 0 {
			return c
		}
		return p.bases[ka.base].month.Compare(p.bases[kb.base].month)
	})
	return order
}

// write hands the cells, spans, month bounds and marks to the transaction, for its refresh.
func (p *rollupParts) write(ctx context.Context, d *Direct) error {
	if err := p.flushContracts(ctx, d, true); err != nil {
		return err
	}
	types := d.types
	if len(p.cells) > 0 {
		order := p.cellOrder()
		rows := pgcopy.New(types, 11)
		err := rows.Stream(ctx, d.tx, p.copyCells, len(p.cells), func(i int) {
			rows.Row()
			p.cellColumns(rows, p.keys[order[i]], nil)
			c := p.cells[order[i]]
			rows.Int8(c.total)
			rows.Int8(c.local)
			rows.Int8(0) // the direct load writes no certified local content: the staged merge decides it
			rows.Int8(c.items)
			rows.Int8(c.contracts)
		})
		if err != nil {
			return fmt.Errorf("ingest: write the rollup's cells: %w", err)
		}
	}
	if len(p.spans) > 0 {
		type span struct {
			contract int64
			cell     int32
		}
		var spans []span
		for contract, cells := range p.spans {
			for _, c := range cells {
				spans = append(spans, span{contract, c})
			}
		}
		rows := pgcopy.New(types, 7)
		err := rows.Stream(ctx, d.tx, copySpans, len(spans), func(i int) {
			rows.Row()
			p.cellColumns(rows, p.keys[spans[i].cell], &spans[i].contract)
		})
		if err != nil {
			return fmt.Errorf("ingest: write the rollup's spans: %w", err)
		}
	}
	if len(p.late) > 0 {
		arg := dbq.ShareRollupContractsShareParams{}
		for contract, month := range p.late {
			arg.ContractIds, arg.Months = append(arg.ContractIds, contract), append(arg.Months, month)
		}
		if err := d.q.ShareRollupContractsShare(ctx, d.tx, arg); err != nil {
			return fmt.Errorf("ingest: mark the rollup's shared contracts: %w", err)
		}
	}
	if len(p.bounds) > 0 {
		byMonth := map[time.Time][2]time.Time{}
		for i, b := range p.bounds {
			m := p.bases[i].month
			if o, ok := byMonth[m]; ok {
				b = [2]time.Time{minTime(o[0], b[0]), maxTime(o[1], b[1])}
			}
			byMonth[m] = b
		}
		var months, firsts, lasts []time.Time
		for m, b := range byMonth {
			months, firsts, lasts = append(months, m), append(firsts, b[0]), append(lasts, b[1])
		}
		if err := d.q.ShareRollupMonthsWiden(ctx, d.tx, dbq.ShareRollupMonthsWidenParams{Months: months, Firsts: firsts, Lasts: lasts}); err != nil {
			return fmt.Errorf("ingest: write the rollup's months: %w", err)
		}
	}
	if len(p.marked) > 0 {
		months := make([]time.Time, 0, len(p.marked))
		for m := range p.marked {
			months = append(months, m)
		}
		if err := d.q.ShareRollupMark(ctx, d.tx, months); err != nil {
			return fmt.Errorf("ingest: mark the rollup's months: %w", err)
		}
	}
	return nil
}

// rollupPartsMode tells the rollup's triggers that the direct load sums its items itself (on) or that
// every write marks its months again (off); local to the transaction, and undone with a savepoint.
func (d *Direct) rollupPartsMode(ctx context.Context, on bool) error {
	v := "off"
	if on {
		v = "on"
	}
	if _, err := d.tx.Exec(ctx, "SELECT set_config('ules.rollup_parts', $1, true)", v); err != nil {
		return fmt.Errorf("ingest: rollup parts %s: %w", v, err)
	}
	if on {
		return d.quietInserts(ctx)
	}
	return d.loudInserts(ctx)
}

// insertTriggers are the rollup's triggers that a direct load's inserts make no use of: with parts on they
// mark only amendments' months, which rollupParts.contract marks too.
var insertTriggers = [][2]string{
	{"contracts", "share_rollup_contracts_insert"},
	{"contract_items", "share_rollup_items_insert"},
}

// quietInserts turns insertTriggers off while the direct load writes. A statement trigger with a
// transition table has every row its statement writes copied for it, whatever it then does with them:
// that copy cost the load 8 % of its items/s (docs/performance.md § The import's share of the rollup).
// ALTER TABLE takes SHARE ROW EXCLUSIVE, so readers go on and other writers of the two tables wait for the
// import, as other imports already do; loudInserts or the transaction's rollback turns them on again. A
// role that does not own the tables leaves them on.
func (d *Direct) quietInserts(ctx context.Context) error {
	disable := make([]string, len(insertTriggers))
	for i, t := range insertTriggers {
		disable[i] = "ALTER TABLE " + t[0] + " DISABLE TRIGGER " + t[1] // names from the list above
	}
	quiet, err := execIfAllowed(ctx, d.tx, disable...)
	if err != nil {
		return fmt.Errorf("ingest: turn the rollup's insert triggers off for the direct load: %w", err)
	}
	d.quiet = quiet
	return nil
}

// loudInserts turns insertTriggers on again as migration 00016 made them, firing whatever the session's
// replication role.
func (d *Direct) loudInserts(ctx context.Context) error {
	if !d.quiet {
		return nil
	}
	for _, t := range insertTriggers {
		if _, err := d.tx.Exec(ctx, "ALTER TABLE "+t[0]+" ENABLE ALWAYS TRIGGER "+t[1]); err != nil {
			return fmt.Errorf("ingest: turn %s on after the direct load: %w", t[1], err)
		}
	}
	d.quiet = false
	return nil
}

// EndParts hands what the direct load summed to the rollup's refresh; whatever the import writes next
// marks its months.
func (d *Direct) EndParts(ctx context.Context) error {
	if err := d.parts.write(ctx, d); err != nil {
		return err
	}
	return d.rollupPartsMode(ctx, false)
}

// bitset is a set of small non-negative integers.
type bitset []uint64

func (b bitset) has(i int64) bool { return i>>6 < int64(len(b)) && b[i>>6]&(1<<(i&63)) != 0 }

func (b *bitset) set(i int64) {
	for int64(len(*b)) <= i>>6 {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}
