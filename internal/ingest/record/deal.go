package record

import "context"

// Deal is one contract as a reader read it, with its parties and items: readers whose records carry their
// items (the template, OCDS) hand each contract on whole.
type Deal struct {
	Contracts  []Contract // one per row that repeated it (the template's item rows); the first is the contract
	Parties    []Party
	Items      []Item
	PlanPoints []PlanPoint
	PlanKATOs  []PlanKATO
	// Withdrawn says the deal is a newer version stating that the contract (Contracts[0]'s source id, status
	// and version) no longer counts, with nothing else to store.
	Withdrawn bool
	// Prepared is a Preparer's work on the deal, done ahead; readers leave it alone.
	Prepared any
}

// Sink takes what a reader reads, in reading order.
type Sink interface {
	// Deal takes one contract with its parties and items.
	Deal(ctx context.Context, d Deal) error
	// Discard drops what was taken under a location prefix: a file ("file:") or a line of one.
	Discard(ctx context.Context, prefix string) error
	// Counted adds n records read, for progress.
	Counted(n int64)
}

// A Preparer is a Sink that can do part of its work on a deal before taking it, on any goroutine: a reader
// that parses on several goroutines calls Prepare there, then hands the deals on in order.
type Preparer interface {
	Prepare(d *Deal)
}
