package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/httpapi"
)

func runServe(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "serve", "[flags]", "Serves the dashboard, the JSON API under /api/v1, /healthz and /readyz.")
	env.cfg.BindDatabase(fs)
	env.cfg.BindAddr(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	app, err := httpapi.New(pool, env.log, time.Now)
	if err != nil {
		return err
	}
	// Bound before "serving" is said: a port in use is an error, not a line claiming to serve.
	ln, err := net.Listen("tcp", env.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another server using the port? choose one with --addr): %w", env.cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	}()
	env.log.Info("serving", "addr", env.cfg.Addr)
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", env.cfg.Addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.ShutdownWithContext(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
