package tier_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/tier"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// tierCase is a supplier with its register entries and certificates, an item, and the rule the policy
// gives: on the register for the product as of the signing date, else a valid ST-KZ certificate for it,
// else the source's producer flag, else residency.
type tierCase struct {
	name     string
	bin      string // "" for a supplier without a BIN (foreign)
	supplier tier.Supplier
	item     tier.Item
	want     tier.Rule
}

// Ids of categories the migrations create (school uniforms, workwear); the rules only compare ids.
const uniforms, workwear = int32(1), int32(2)

var cases = []tierCase{
	{name: "on the register for the ENSTRU prefix", bin: "010101000001",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{ENSTRUPrefix: "1413", ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleRegister},
	{name: "on the register from the day after signing", bin: "010101000002",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{ENSTRUPrefix: "1413", ValidFrom: day("2024-06-02")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleResident},
	{name: "on the register until the signing day, inclusive", bin: "010101000003",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{ENSTRUPrefix: "1413", ValidFrom: day("2020-01-01"), ValidTo: ptr(day("2024-06-01"))}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleRegister},
	{name: "off the register the day before signing", bin: "010101000004",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{ENSTRUPrefix: "1413", ValidFrom: day("2020-01-01"), ValidTo: ptr(day("2024-05-31"))}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleResident},
	{name: "on the register for another product", bin: "010101000005",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{ENSTRUPrefix: "1412", ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleResident},
	{name: "on the register for the item's category", bin: "010101000006",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{CategoryID: ptr(uniforms), ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "999999.100.000001", CategoryID: ptr(uniforms)}, want: tier.RuleRegister},
	{name: "on the register for another category", bin: "010101000007",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{CategoryID: ptr(workwear), ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "999999.100.000001", CategoryID: ptr(uniforms)}, want: tier.RuleResident},
	{name: "on the register for a category, the item in none", bin: "010101000008",
		supplier: tier.Supplier{Resident: true, Register: []tier.RegisterEntry{{CategoryID: ptr(uniforms), ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "999999.100.000001"}, want: tier.RuleResident},
	{name: "on the register for every product", bin: "010101000009",
		supplier: tier.Supplier{Register: []tier.RegisterEntry{{ValidFrom: day("2020-01-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "999999.100.000001"}, want: tier.RuleRegister},
	{name: "a valid certificate for the product", bin: "010101000010",
		supplier: tier.Supplier{Resident: true, Certificates: []tier.Certificate{{ENSTRUPrefix: "141312", Issued: day("2024-01-01"), Expires: day("2024-12-31")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleCertificate},
	{name: "a certificate that expired the day before", bin: "010101000011",
		supplier: tier.Supplier{Resident: true, Certificates: []tier.Certificate{{ENSTRUPrefix: "141312", Issued: day("2023-06-01"), Expires: day("2024-05-31")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleResident},
	{name: "a certificate issued the day after", bin: "010101000012",
		supplier: tier.Supplier{PortalProducer: true, Certificates: []tier.Certificate{{ENSTRUPrefix: "141312", Issued: day("2024-06-02"), Expires: day("2025-06-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RulePortalFlag},
	{name: "a certificate expiring on the signing day", bin: "010101000013",
		supplier: tier.Supplier{Certificates: []tier.Certificate{{ENSTRUPrefix: "1413", Issued: day("2023-06-01"), Expires: day("2024-06-01")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312100000001"}, want: tier.RuleCertificate},
	{name: "a certificate for another product", bin: "010101000014",
		supplier: tier.Supplier{Certificates: []tier.Certificate{{ENSTRUPrefix: "1414", Issued: day("2024-01-01"), Expires: day("2024-12-31")}}},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleNonResident},
	{name: "the register before the certificate", bin: "010101000015",
		supplier: tier.Supplier{
			Register:     []tier.RegisterEntry{{ENSTRUPrefix: "14", ValidFrom: day("2020-01-01")}},
			Certificates: []tier.Certificate{{ENSTRUPrefix: "141312", Issued: day("2024-01-01"), Expires: day("2024-12-31")}}},
		item: tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleRegister},
	{name: "the portal's producer flag", bin: "010101000016",
		supplier: tier.Supplier{PortalProducer: true, Resident: true},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RulePortalFlag},
	{name: "a resident", bin: "010101000017",
		supplier: tier.Supplier{Resident: true},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleResident},
	{name: "a non-resident", bin: "010101000018",
		item: tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleNonResident},
	{name: "a foreign supplier without a BIN",
		supplier: tier.Supplier{PortalProducer: false},
		item:     tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}, want: tier.RuleNonResident},
}

func TestDecide(t *testing.T) {
	t.Parallel()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, tier.Decide(c.supplier, c.item))
		})
	}
}

func TestRuleTier(t *testing.T) {
	t.Parallel()
	want := map[tier.Rule]tier.SupplierTier{
		tier.RuleRegister: tier.DomesticProducer, tier.RuleCertificate: tier.DomesticProducer,
		tier.RulePortalFlag: tier.DomesticProducer, tier.RuleResident: tier.ResidentSupplier,
		tier.RuleNonResident: tier.NonResident,
	}
	require.Len(t, tier.Rules, len(want))
	for _, r := range tier.Rules {
		require.Equal(t, want[r], r.Tier(), r)
	}
}

func TestByFlagsIsDecideWithoutReferences(t *testing.T) {
	t.Parallel()
	it := tier.Item{SignedOn: day("2024-06-01"), ENSTRU: "141312.100.000001"}
	for _, producer := range []bool{false, true} {
		for _, resident := range []bool{false, true} {
			require.Equal(t, tier.Decide(tier.Supplier{PortalProducer: producer, Resident: resident}, it),
				tier.ByFlags(producer, resident))
		}
	}
}

// TestGoAndSQLAgree stores each case's supplier, register entries and certificates, and asks the SQL
// function supplier_tier_rule, as the merges call it, for the rule Go decides.
func TestGoAndSQLAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	for _, c := range cases {
		var bin *string
		if c.bin != "" {
			bin = &c.bin
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO suppliers (identifier, bin, name_ru, country, resident, portal_producer)
			VALUES ($1, $2, $1, '', $3, $4) RETURNING id`, "sup "+c.name, bin, c.supplier.Resident, c.supplier.PortalProducer).Scan(&id)
		require.NoError(t, err, c.name)
		for _, e := range c.supplier.Register {
			_, err := tx.Exec(ctx, `INSERT INTO producer_register (bin, enstru_prefix, category_id, valid_from, valid_to)
				VALUES ($1, $2, $3, $4, $5)`, c.bin, e.ENSTRUPrefix, e.CategoryID, e.ValidFrom, e.ValidTo)
			require.NoError(t, err, c.name)
		}
		for i, oc := range c.supplier.Certificates {
			_, err := tx.Exec(ctx, `INSERT INTO origin_certificates (number, bin, enstru_prefix, local_content_bp, issued, expires)
				VALUES ($1, $2, $3, 5000, $4, $5)`, c.bin+"-"+string(rune('a'+i)), c.bin, oc.ENSTRUPrefix, oc.Issued, oc.Expires)
			require.NoError(t, err, c.name)
		}
		require.NotZero(t, id)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sqlRule(t, tx, c)
			require.Equal(t, tier.Decide(c.supplier, c.item), got.asMerged, "Go and SQL (as the merges call it)")
			require.Equal(t, c.want, got.asMerged)
			require.Equal(t, c.want, got.referenced, "SQL told to look the BIN up")
			require.Equal(t, int16(c.want.Tier()), got.tier, "tier_of_rule")
		})
	}
}

type sqlAnswer struct {
	asMerged, referenced tier.Rule
	tier                 int16
}

func sqlRule(t *testing.T, tx pgx.Tx, c tierCase) sqlAnswer {
	t.Helper()
	var a sqlAnswer
	err := tx.QueryRow(context.Background(), `
		SELECT supplier_tier_rule(sp.on_register OR sp.certified, sp.bin, sp.portal_producer, sp.resident, $2, $3, $4),
		       supplier_tier_rule(true, sp.bin, sp.portal_producer, sp.resident, $2, $3, $4),
		       tier_of_rule(supplier_tier_rule(true, sp.bin, sp.portal_producer, sp.resident, $2, $3, $4))
		FROM supplier_references sp JOIN suppliers s ON s.id = sp.id WHERE s.identifier = $1`,
		"sup "+c.name, c.item.SignedOn, c.item.ENSTRU, c.item.CategoryID).Scan(&a.asMerged, &a.referenced, &a.tier)
	require.NoError(t, err)
	return a
}
