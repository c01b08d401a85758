package ingest_test

import (
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// The merge skips the per-row foreign-key triggers only for a role allowed to; an ordinary role gets the
// same result with the checks running.
func TestImportWithAndWithoutTriggerPrivilege(t *testing.T) {
	t.Parallel()
	pool, dbURL := pgtest.NewDB(t)
	ctx := t.Context()
	_, err := pool.Exec(ctx, `
		DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ules_importer') THEN
				CREATE ROLE ules_importer LOGIN;
			END IF;
		END $$;
		GRANT ALL ON ALL TABLES IN SCHEMA public TO ules_importer;
		GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ules_importer;
		GRANT ALL ON SCHEMA public TO ules_importer;`)
	require.NoError(t, err)

	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	u.User = url.User("ules_importer")
	plain, err := pgxpool.New(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(plain.Close)
	var may bool
	require.NoError(t, plain.QueryRow(ctx, "SELECT has_parameter_privilege('session_replication_role', 'SET')").Scan(&may))
	require.False(t, may, "the test role must not be allowed to skip triggers")

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	indexes, triggers := contractIndexes(t, ctx, pool), contractTriggers(t, ctx, pool)
	res, err := ingest.NewImporter(plain, "KZ", log).Import(ctx, ingest.Options{Format: "portal", Path: portalSmall, CreatedBy: "test"})
	require.NoError(t, err)
	require.Equal(t, int64(14), res.Loaded)
	require.Equal(t, indexes, contractIndexes(t, ctx, pool), "a role that does not own the tables keeps their indexes up")
	e := env{ctx: ctx, pool: pool}
	require.Equal(t, portalSmallItems(), e.items(t))

	// The direct load of a CSV, with the checks and the rollup's insert triggers running.
	res, err = ingest.NewImporter(plain, "KZ", log).Import(ctx, ingest.Options{Format: "csv", Path: "testdata/items.csv", CreatedBy: "test"})
	require.NoError(t, err)
	require.Positive(t, res.Loaded)
	require.Equal(t, triggers, contractTriggers(t, ctx, pool))
	requireRollupEqualsItems(t, ctx, e, "imported by a role that owns no table")

	// The privileged import of a newer version replaces contracts and items; every reference it wrote resolves.
	res, err = ingest.NewImporter(pool, "KZ", log).Import(ctx, ingest.Options{Format: "portal", Path: portalUpdate, CreatedBy: "test"})
	require.NoError(t, err)
	require.Positive(t, res.Replaced)
	var orphans int
	require.NoError(t, pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM contract_items i WHERE NOT EXISTS (SELECT 1 FROM contracts k WHERE k.id = i.contract_id))
		     + (SELECT count(*) FROM contracts k WHERE NOT EXISTS (SELECT 1 FROM buyers b WHERE b.id = k.buyer_id)
		                                           OR NOT EXISTS (SELECT 1 FROM suppliers s WHERE s.id = k.supplier_id)
		                                           OR NOT EXISTS (SELECT 1 FROM import_batches x WHERE x.id = k.batch_id))
		     + (SELECT count(*) FROM contract_replacements r WHERE NOT EXISTS (SELECT 1 FROM contracts k WHERE k.id = r.contract_id))`).Scan(&orphans))
	require.Zero(t, orphans)
}
