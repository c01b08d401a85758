package demo

import "time"

// Subject is a procurement participant as the portal's subject endpoint lists it: a buyer or a supplier.
type Subject struct {
	BIN              string // Business identification number, 12 digits; empty for non-residents.
	INN              string // Foreign tax number of a non-resident; empty for residents.
	NameRu, NameKz   string
	CountryCode      int  // ISO 3166-1 numeric, 398 for Kazakhstan.
	Resident         bool // mark_resident.
	DomesticProducer bool // mark_patronymic_producer: the supplier is a domestic producer.
	DomesticSupplier bool // mark_patronymic_supplyer.
	Customer         bool
	Supplier         bool
	NationalCompany  bool
}

// BIIN returns the identifier contracts use for the subject: the BIN of a resident, else the foreign tax number.
func (s Subject) BIIN() string {
	if s.BIN != "" {
		return s.BIN
	}
	return s.INN
}

// Contract is a signed procurement contract. Sums cover the contract's non-deleted units.
type Contract struct {
	ID            int64
	CustomerBIN   string
	SupplierBIIN  string // Supplier's BIN, or its foreign tax number for non-residents.
	SignDate      time.Time
	FinYear       int
	Sum           int64 // contract_sum, tiyn.
	SumWithVAT    int64 // contract_sum_wnds, tiyn.
	LocalContent  int64 // contract_ms: value-weighted local content of the units, basis points.
	StatusID      int
	TradeMethodID int // 2 request for quotations, 3 open tender, 6 from one source.
	DescriptionRu string
	DescriptionKz string
	Deleted       bool
	LastUpdate    time.Time
}

// Unit is one line of a contract: a quantity of one product bought under one plan point.
type Unit struct {
	ID              int64
	ContractID      int64
	PlanPointID     int64
	Price           int64 // item_price, tiyn without VAT.
	PriceWithVAT    int64 // item_price_wnds = TotalWithVAT / Quantity rounded to a tiyn.
	Quantity        int64
	Total           int64 // total_sum = Price × Quantity, tiyn.
	TotalWithVAT    int64 // total_sum_wnds = Total × 1.12 rounded to a tiyn.
	LocalContent    int64 // ks_proc, basis points.
	LocalContentSum int64 // ks_sum = TotalWithVAT × LocalContent rounded to a tiyn.
	Deleted         bool
}

// PlanPoint is a line of the buyer's procurement plan, naming the product.
type PlanPoint struct {
	ID       int64
	ENSTRU   string // "141311.100.000003".
	NameRu   string
	NameKz   string
	DescRu   string
	UnitCode string // "796" piece, "715" pair, "839" set.
}

// PlanKato is the delivery place of a plan point.
type PlanKato struct {
	PlanPointID int64
	KATO        string // 9 digits; the first two name the region.
}

// Sink receives generated records. The generator emits all subjects first, then for every contract its
// plan points, their places, its units and finally the contract itself, and calls Close once at the end.
type Sink interface {
	Subject(Subject) error
	Contract(Contract) error
	Unit(Unit) error
	PlanPoint(PlanPoint) error
	PlanKato(PlanKato) error
	Close() error
}
