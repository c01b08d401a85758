package main

import (
	"context"
	"fmt"

	"github.com/ules-kz/ules/internal/database"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "migrate", "[flags]", "Applies the migrations embedded in this binary to the database.")
	env.cfg.BindDatabase(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pool, err := database.Connect(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := database.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "applied %d migration(s); the database is up to date\n", n)
	return nil
}
