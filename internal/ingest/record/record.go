// Package record holds what a format reader hands on: parties, contracts, their items and the portal's plan
// points (and the portal's own lists of contract statuses and procurement methods), validated and in the import's units (tiyn, basis points, ISO dates), with no database type in
// them. Readers fill these values; the loader alone knows the tables they end up in.
//
// Every record has Loc, where it was read ("file:line" or a JSON path), which errors quote and which a
// discarded file or line is found by.
package record

import "time"

// Party is a buyer or a supplier as the source names it. Identifier is a BIN or IIN, or for a foreign
// supplier the source's own key; BIN is set only when the identifier is one.
type Party struct {
	Loc        string
	Identifier string
	BIN        *string
	NameKk     string
	NameRu     string
	Country    string // ISO alpha-2
	Resident   bool
	Producer   bool // the source marks the supplier a domestic producer
	// ProducerStated says the source states Producer, so that false is a "no" rather than silence (OCDS, a
	// spreadsheet without the column): silence keeps the flag stored. A Producer of true is stated.
	ProducerStated  bool
	SupplierFlag    bool // the party acts as a supplier
	NationalCompany bool
	BuyerType       string
}

// Contract is one version of a contract. Amounts are tiyn in its currency; ExchangeRate is the source's rate
// to tenge as a decimal, nil when the import looks it up.
type Contract struct {
	Loc            string
	SourceID       string
	CustomerBin    string
	SupplierKey    string // the supplier Party's Identifier
	SignedOn       time.Time
	FiscalYear     *int32
	Method         string
	Status         string
	Currency       string
	ExchangeRate   *string
	Total          *int64
	TotalAlt       *int64
	LocalContentBp *int32
	Description    string
	Deleted        bool
	UpdatedAt      *time.Time
	CarriesItems   bool // the source lists the contract's items with it (every format but the portal)
	ReplacesItems  bool // a newer version's items replace the stored ones
	Paid           *int64
	RootSourceID   *string // the first version this one amends
}

// Item is one item (the portal's contract unit) of a contract; what it buys is its PlanPoint.
type Item struct {
	Loc              string
	SourceID         string
	ContractSourceID string
	PlanID           string
	Quantity         string // a decimal
	UnitPrice        *int64
	Value            int64
	ValueAlt         *int64
	LocalContentBp   *int32
	Deleted          bool
	Version          *time.Time
}

// PlanPoint is what an item buys: its ENSTRU code, texts, unit and category. The portal publishes plan points
// apart from the units that name them; the other formats give one per item.
type PlanPoint struct {
	Loc         string
	PlanID      string
	EnstruCode  string
	Name        string
	NameKk      string
	Description string
	Unit        string
	CategoryID  *int32
}

// PlanKATO is one delivery place (KATO code) of a plan point.
type PlanKATO struct {
	Loc    string
	PlanID string
	KATO   string
}

// ContractStatus is a status a contract may have, as a source publishes it: its code and names.
type ContractStatus struct {
	Code   string
	Symbol string
	NameKk string
	NameRu string
}

// TradeMethod is a procurement method, as a source publishes it.
type TradeMethod struct {
	Code   string
	Symbol string
	NameKk string
	NameRu string
	InLaw  bool // a purchase under the state procurement law
}
