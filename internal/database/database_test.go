package database_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/db"
	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/pgtest"
)

func TestMigratedTemplateHasReferenceData(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	ctx := context.Background()
	require.NoError(t, database.CheckMigrated(ctx, pool))
	var regions, categories int
	require.NoError(t, pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM categories)").Scan(&regions, &categories))
	require.Equal(t, 20, regions)
	require.GreaterOrEqual(t, categories, 5)
	n, err := database.Migrate(ctx, pool)
	require.NoError(t, err)
	require.Zero(t, n, "a migrated database has nothing pending")
}

func TestCheckMigratedRefusesEmptyDatabase(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	require.NoError(t, err)
	require.ErrorIs(t, database.CheckMigrated(ctx, pool), database.ErrNotMigrated)
	_, err = database.Open(ctx, url)
	require.ErrorIs(t, err, database.ErrNotMigrated)
}

func TestConnectErrors(t *testing.T) {
	t.Parallel()
	_, err := database.Connect(context.Background(), "")
	require.ErrorContains(t, err, "DATABASE_URL")
	_, err = database.Connect(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	require.ErrorContains(t, err, "connect to 127.0.0.1:1/none")
}

func TestConnectErrorsHidePassword(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"postgres://nobody:s3cret@127.0.0.1:1/none?connect_timeout=1",
		"postgres://nobody:s3cret@127.0.0.1:1/none?connect_timeout=notanumber",
		"host=127.0.0.1 port=1 user=nobody password=s3cret connect_timeout=1",
	} {
		_, err := database.Connect(context.Background(), url)
		require.Error(t, err, url)
		require.NotContains(t, err.Error(), "s3cret", url)
	}
}

// Every migration's Down undoes its Up: the schema goes down to nothing and up again.
func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewDB(t)
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	migrations, err := fs.Sub(db.Migrations, "migrations")
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations)
	require.NoError(t, err)
	down, err := p.DownTo(ctx, 0)
	require.NoError(t, err)
	require.NotEmpty(t, down)
	up, err := p.Up(ctx)
	require.NoError(t, err)
	require.Len(t, up, len(down))
	require.NoError(t, database.CheckMigrated(ctx, pool))
}
