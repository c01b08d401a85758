package ingest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
)

// A signing date written with its UTC offset is still that day where it was signed: 00:30 in Almaty on
// 1 January 2017 is a 2017 contract, not one of 31 December 2016.
func TestPortalSignDateKeepsItsOwnDay(t *testing.T) {
	t.Parallel()
	files := goodTree()
	files["contract/page-000001.json"] = page(strings.Replace(goodContract, `"2016-08-01 00:00:00"`, `"2017-01-01T00:30:00+06:00"`, 1))
	e := setup(t)
	_, err := e.importPortal(t, writeTree(t, files), 0)
	require.NoError(t, err)

	c := e.contracts(t)
	require.Len(t, c, 1)
	require.Equal(t, "2017-01-01", c[0].SignedOn)
	items := e.items(t)
	require.Len(t, items, 1)
	require.Equal(t, "2017-01-01", items[0].SignedOn)
}

// Rows of one contract that disagree on a contract column which changes every amount cannot be resolved:
// the import must not pick one of them silently.
func TestCSVContractRowsDisagree(t *testing.T) {
	t.Parallel()
	header := "contract_id,signed_on,buyer_bin,supplier_id,item_id,item_name,value,currency,exchange_rate"
	tests := []struct {
		name, first, second string
	}{
		{"exchange_rate", "USD,470.5", "USD,471"},
		{"currency", "USD,470.5", "EUR,470.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			content := header + "\n" +
				"C-1,2016-08-01,100140000001,100240000003,1,Школьная форма,1000.00," + tt.first + "\n" +
				"C-1,2016-08-01,100140000001,100240000003,2,Школьная форма,1000.00," + tt.second + "\n"
			path := filepath.Join(t.TempDir(), "items.csv")
			writeFile(t, path, content)

			e := setup(t)
			res, err := e.importCSV(t, path, 0)
			require.True(t, ingest.IsTooManyErrors(err), "err = %v; stored %+v", err, e.contracts(t))
			requireErrors(t, []ingest.RecordError{
				{"items.csv:2", "contract C-1 appears more than once"},
				{"items.csv:3", "contract C-1 appears more than once"},
			}, res.Errors)
			require.Equal(t, emptyCounts(), e.counts(t))
		})
	}
}

// A mistyped exchange rate that makes amounts overflow is a bad record, not a failed import without a
// location.
func TestPortalAbsurdRate(t *testing.T) {
	t.Parallel()
	files := goodTree()
	files["contract/page-000001.json"] = page(
		`{"id": 1002, "customer_bin": "100140000001", "supplier_biin": "100240000003", "sign_date": "2016-08-01", "contract_sum_wnds": 600000.00, "ref_currency_code": "USD", "exchange_rate": 470500000000000}`,
		goodContract)
	e := setup(t)
	res, err := e.importPortal(t, writeTree(t, files), 0)
	require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
	require.Len(t, res.Errors, 1)
	require.Equal(t, "contract/page-000001.json:$.items[0]", res.Errors[0].Location)
	require.Contains(t, res.Errors[0].Reason, "exchange_rate")
	require.Equal(t, emptyCounts(), e.counts(t))
}
