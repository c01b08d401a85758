package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// The server keeps a target page until the figures or the register change: a register import that makes
// the reseller a domestic producer takes its contract off "the largest contracts to non-producers".
func TestTargetPageKeptUntilRegisterChanges(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	im := ingest.NewImporter(pool, "KZ", log)
	_, err := im.Import(context.Background(), ingest.Options{Format: "csv", Path: "../../docs/examples/items.csv"})
	require.NoError(t, err)
	app, err := httpapi.New(pool, log, func() time.Time { return time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) })
	require.NoError(t, err)

	const page = "/targets/school-uniforms-50?as_of=2026-11-25&lang=en"
	for range 3 { // the first answers are kept once the server listens
		status, body := get(t, app, page)
		require.Equal(t, 200, status)
		require.Contains(t, body, "SU-2026-002", "the reseller's contract is among the largest to non-producers")
	}

	register := filepath.Join(t.TempDir(), "register.csv")
	require.NoError(t, os.WriteFile(register, []byte(strings.Join(ingest.RegisterColumns, ",")+"\n"+
		"120540000012,,school-uniforms,2026-01-01,,5000,pcs,test,79\n"), 0o644))
	_, err = im.Import(context.Background(), ingest.Options{Format: "register", Path: register})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, body := get(t, app, page)
		return !strings.Contains(body, "SU-2026-002")
	}, 10*time.Second, 20*time.Millisecond, "the page kept before the import is forgotten")
}
