package ingest_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// A template written with its example row, then imported unchanged, stores the example row: it is why the
// row is only there on request, and named EXAMPLE-DELETE-ME.
func TestTemplateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, format := range sheet.TemplateFormats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			require.NoError(t, sheet.WriteTemplate(&buf, format, true))
			path := filepath.Join(t.TempDir(), "template."+format)
			writeFile(t, path, buf.String())

			e := setup(t)
			res, err := e.importFormat(t, format, path, 0)
			require.NoError(t, err, "errors: %v", res.Errors)
			require.Equal(t, ingest.Result{BatchID: res.BatchID, Status: "committed", Read: 1, Loaded: 2}, res)
			require.Equal(t, []itemRow{{
				Contract: "EXAMPLE-DELETE-ME", Item: "1", SignedOn: "2026-08-01", Enstru: "141311.100.000001",
				Name: "Школьная форма для девочек", NameKK: "Қыздарға арналған мектеп формасы", Quantity: "200",
				UnitPrice: i8(1500000), Value: 300000000, ValueAlt: i8(267857143), LocalBp: i4(8450),
				LocalValue: 253500000, KATO: "751110000", Region: "75", Category: "school-uniforms", Tier: 1,
				TierRule: "portal_flag", SupplierIdent: "100240000003",
			}}, e.items(t))
			c := e.contracts(t)
			require.Len(t, c, 1)
			require.Equal(t, contractRow{SourceID: "EXAMPLE-DELETE-ME", Source: "csv", Buyer: "100140000001",
				Supplier: "100240000003", SignedOn: "2026-08-01", FiscalYear: i4(2026), Method: "2", // the portal's code of "открытый конкурс"
				Status: "190", Currency: "KZT", ExchangeRate: "1", Total: 300000000, LocalBp: i4(8450),
				Description: "ПРИМЕР / EXAMPLE: удалите эту строку перед импортом, delete this row", UpdatedAt: "2026-08-02 10:00:00"}, c[0])
		})
	}
}

// By default the template is its header alone: nothing in it becomes a contract.
func TestTemplateHeadersOnly(t *testing.T) {
	t.Parallel()
	for _, format := range sheet.TemplateFormats {
		var buf bytes.Buffer
		require.NoError(t, sheet.WriteTemplate(&buf, format, false))
		path := filepath.Join(t.TempDir(), "template."+format)
		writeFile(t, path, buf.String())
		e := setup(t)
		res, err := e.importFormat(t, format, path, 0)
		require.NoError(t, err, format)
		require.Zero(t, res.Read, format)
		require.Empty(t, e.contracts(t), format)
	}
}
