package ingest_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A buyer's region is the one it most often delivers to, the first in code order on a tie; deleted items
// and items without a region do not count, and a later import counts the buyer's stored items too.
func TestBuyerRegions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	header := "contract_id,signed_on,buyer_bin,buyer_name,supplier_id,supplier_name,item_id,enstru_code,item_name,quantity,unit,unit_price,value,kato,updated_at,deleted\n"
	row := func(contract, buyer, item, kato string, deleted int) string {
		return fmt.Sprintf("%s,2026-03-01,%s,Заказчик %s,100540000005,ТОО «Поставщик»,%s,141311.100.000001,Форма,1,шт,10.00,10.00,%s,2026-03-02 09:00:00,%d\n",
			contract, buyer, buyer, item, kato, deleted)
	}
	var b strings.Builder
	b.WriteString(header)
	// Buyer 1: two items to 79, two to 75, one to 71, three deleted to 71: 75 wins the tie with 79.
	for i, kato := range []string{"791010000", "791010000", "751110000", "751110000", "711210000"} {
		b.WriteString(row("C-1", "100140000001", fmt.Sprint(i+1), kato, 0))
	}
	for i := range 3 {
		b.WriteString(row("C-1", "100140000001", fmt.Sprint(10+i), "711210000", 1))
	}
	// Buyer 2: three to 79, one to 75.
	for i, kato := range []string{"791010000", "791010000", "791010000", "751110000"} {
		b.WriteString(row("C-2", "100140000002", fmt.Sprint(i+1), kato, 0))
	}
	path := filepath.Join(t.TempDir(), "items.csv")
	writeFile(t, path, b.String())
	e.mustImport(t, "csv", path)
	require.Equal(t, map[string]string{"100140000001": "75", "100140000002": "79"}, e.buyerRegions(t))

	// A later contract of buyer 1 with three items to 71: 71 now leads with its stored and new items.
	var later strings.Builder
	later.WriteString(header)
	for i := range 3 {
		later.WriteString(row("C-3", "100140000001", fmt.Sprint(i+1), "711210000", 0))
	}
	writeFile(t, path, later.String())
	e.mustImport(t, "csv", path)
	require.Equal(t, map[string]string{"100140000001": "71", "100140000002": "79"}, e.buyerRegions(t))
}

func (e env) buyerRegions(t *testing.T) map[string]string {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, "SELECT bin, coalesce(region, '') FROM buyers")
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var bin, region string
		require.NoError(t, rows.Scan(&bin, &region))
		out[bin] = region
	}
	require.NoError(t, rows.Err())
	return out
}
