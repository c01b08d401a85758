// Package testfactory inserts the smallest valid rows a read-path test needs, so such tests write what they
// read inside a rolled-back transaction (pgtest.Tx) instead of running an importer. Every option has a
// default; a test sets only what it asserts on.
package testfactory

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/tier"
)

var seq atomic.Int64

// next returns a number unique in this process, for identifiers that must not collide.
func next() int64 { return seq.Add(1) }

// Ptr returns a pointer to v, for the optional fields of the options.
func Ptr[T any](v T) *T { return &v }

// or returns v, or def when v is the zero value.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// BuyerOpts are a buyer's fields; zero values take defaults.
type BuyerOpts struct {
	BIN    string
	NameRU string
	Type   string  // default state_body
	Region *string // two-digit KATO prefix
}

// Buyer inserts a buyer and returns its id.
func Buyer(ctx context.Context, t testing.TB, db dbq.DBTX, o *BuyerOpts) int64 {
	t.Helper()
	if o == nil {
		o = &BuyerOpts{}
	}
	bin := or(o.BIN, fmt.Sprintf("9%011d", next()))
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO buyers (bin, name_kk, name_ru, name_en, buyer_type, region)
		VALUES ($1, $2, $2, $2, $3, $4) RETURNING id`,
		bin, or(o.NameRU, "Заказчик "+bin), or(o.Type, "state_body"), o.Region).Scan(&id)
	if err != nil {
		t.Fatalf("testfactory: buyer: %v", err)
	}
	return id
}

// SupplierOpts are a supplier's fields; zero values take defaults (a resident without a portal flag).
type SupplierOpts struct {
	BIN            string // also its identifier
	NameRU         string
	Country        string // default KZ
	NonResident    bool
	PortalProducer bool
}

// Supplier inserts a supplier and returns its id.
func Supplier(ctx context.Context, t testing.TB, db dbq.DBTX, o *SupplierOpts) int64 {
	t.Helper()
	if o == nil {
		o = &SupplierOpts{}
	}
	bin := or(o.BIN, fmt.Sprintf("8%011d", next()))
	name := or(o.NameRU, "Поставщик "+bin)
	country := o.Country
	if country == "" && !o.NonResident {
		country = "KZ"
	}
	var binOrNil *string
	if !o.NonResident {
		binOrNil = &bin
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO suppliers (identifier, bin, name_kk, name_ru, name_en, country, resident, portal_producer)
		VALUES ($1, $2, $3, $3, $3, $4, $5, $6) RETURNING id`,
		bin, binOrNil, name, country, !o.NonResident, o.PortalProducer).Scan(&id)
	if err != nil {
		t.Fatalf("testfactory: supplier: %v", err)
	}
	return id
}

// ContractOpts are a contract's fields. Buyer and supplier are created when their ids are zero.
type ContractOpts struct {
	Source     string // default csv
	SourceID   string
	BuyerID    int64
	SupplierID int64
	SignedOn   time.Time // default 2025-03-01
	Status     string    // a contract_statuses code; default "" (a sheet without status: counts)
	Method     string
	Total      int64 // tiyn; not derived from the items, so a test that reads it sets it
	Paid       *int64
	BatchID    *int64
	// LocalContentPublished is the contract's published local content (bp), as the portal's contract_ms.
	LocalContentPublished *int32
}

// Contract inserts a contract and returns its id.
func Contract(ctx context.Context, t testing.TB, db dbq.DBTX, o *ContractOpts) int64 {
	t.Helper()
	if o == nil {
		o = &ContractOpts{}
	}
	source := or(o.Source, "csv")
	sourceID := or(o.SourceID, fmt.Sprintf("C-%d", next()))
	buyer := o.BuyerID
	if buyer == 0 {
		buyer = Buyer(ctx, t, db, nil)
	}
	supplier := o.SupplierID
	if supplier == 0 {
		supplier = Supplier(ctx, t, db, nil)
	}
	signed := or(o.SignedOn, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO contracts (source, source_id, buyer_id, supplier_id, signed_on, fiscal_year, method,
		status, total, paid, batch_id, local_content_published_bp)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		source, sourceID, buyer, supplier, signed, signed.Year(), o.Method, o.Status, o.Total, o.Paid, o.BatchID,
		o.LocalContentPublished).Scan(&id)
	if err != nil {
		t.Fatalf("testfactory: contract: %v", err)
	}
	return id
}

// ItemOpts are a contract item's fields. SignedOn defaults to the contract's date.
type ItemOpts struct {
	SourceID       string
	Category       string // category slug; none when empty
	Region         *string
	Value          int64 // tiyn
	Tier           tier.SupplierTier
	Rule           tier.Rule
	LocalContentBP *int32
	Name           string
}

// Item inserts an item of contract contractID and returns its source id.
func Item(ctx context.Context, t testing.TB, db dbq.DBTX, contractID int64, o *ItemOpts) string {
	t.Helper()
	if o == nil {
		o = &ItemOpts{}
	}
	sourceID := or(o.SourceID, fmt.Sprintf("I-%d", next()))
	tr, rule := o.Tier, o.Rule
	if tr == 0 {
		tr, rule = tier.NonResident, tier.RuleNonResident
	}
	for _, r := range tier.Rules {
		if rule == "" && r.Tier() == tr {
			rule = r
		}
	}
	name := or(o.Name, "Товар "+sourceID)
	digest := sha256.Sum256([]byte(name))
	var textID int64
	err := db.QueryRow(ctx, `WITH ins AS (
			INSERT INTO item_texts (digest, name, name_kk, description) VALUES ($1, $2, '', '')
			ON CONFLICT (digest) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM item_texts WHERE digest = $1`, digest[:], name).Scan(&textID)
	if err != nil {
		t.Fatalf("testfactory: item text: %v", err)
	}
	var lcValue int64
	if o.LocalContentBP != nil {
		lcValue = o.Value * int64(*o.LocalContentBP) / 10000
	}
	_, err = db.Exec(ctx, `INSERT INTO contract_items (contract_id, source_id, signed_on, value, region, category_id, tier, tier_rule,
			local_content_bp, local_content_value, text_id)
		SELECT c.id, $2, c.signed_on, $3, $4, (SELECT id FROM categories WHERE slug = $5), $6, $7, $8, $9, $10
		FROM contracts c WHERE c.id = $1`,
		contractID, sourceID, o.Value, o.Region, o.Category, int16(tr), string(rule), o.LocalContentBP, lcValue, textID)
	if err != nil {
		t.Fatalf("testfactory: item: %v", err)
	}
	return sourceID
}

// Purchase inserts a contract with one item, the shape most read-path tests need, and returns the
// contract's id. The contract's total is the item's value unless c sets it.
func Purchase(ctx context.Context, t testing.TB, db dbq.DBTX, c ContractOpts, it ItemOpts) int64 {
	t.Helper()
	c.Total = or(c.Total, it.Value)
	id := Contract(ctx, t, db, &c)
	Item(ctx, t, db, id, &it)
	return id
}
