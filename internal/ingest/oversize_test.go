package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// An amount that overflows once converted to tiyn is a bad record with its location, not a failed merge.
func TestOversizedAmountIsABadRecord(t *testing.T) {
	t.Parallel()
	rows := "contract_id,signed_on,buyer_bin,supplier_id,value,currency,exchange_rate\n" +
		"OK-1,2016-08-01,100140000001,100240000003,1000.00,KZT,\n" +
		"BIG-1,2016-08-01,100140000001,100240000003,99999999999999.00,USD,999999\n"
	path := filepath.Join(t.TempDir(), "big.csv")
	require.NoError(t, os.WriteFile(path, []byte(rows), 0o644))
	pool, _ := pgtest.NewDB(t)
	im := ingest.NewImporter(pool, "KZ", slog.New(slog.NewTextHandler(io.Discard, nil)))

	res, err := im.Import(context.Background(), ingest.Options{Format: "csv", Path: path})
	require.True(t, ingest.IsTooManyErrors(err), "err = %v", err)
	require.Equal(t, []ingest.RecordError{{
		Location: "big.csv:3",
		Reason:   "contract BIG-1: an amount converted to tenge exceeds 90 quadrillion tiyn; check the amounts and the exchange rate",
	}}, res.Errors)

	res, err = im.Import(context.Background(), ingest.Options{Format: "csv", Path: path, MaxErrors: 1})
	require.NoError(t, err)
	var contracts int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM contracts").Scan(&contracts))
	require.Equal(t, 1, contracts)
}
