package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
)

func runDemo(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "demo", "[flags]",
		`Generates the deterministic demo dataset (2016-2026 school uniforms, workwear, footwear and more, in
the national procurement portal's format) and imports it through the same path as real data, then the
ST-KZ certificates of origin most of its domestic producers hold and the register of domestic producers
with their capacities.`)
	env.cfg.BindDatabase(fs)
	env.cfg.BindHome(fs)
	def := demo.DefaultOptions()
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the database already holds contracts")
	seed := fs.Uint64("seed", def.Seed, "dataset seed")
	items := fs.Int("items", def.Items, "number of contract items")
	keep := fs.String("keep", "", "write the generated portal folder here and keep it (default: a temporary folder)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *items < 1 {
		return fmt.Errorf("--items must be at least 1")
	}
	if err := env.cfg.Validate(); err != nil {
		return err
	}
	im, closeDB, err := env.importer(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	if *ifEmpty {
		has, err := im.HasContracts(ctx)
		if err != nil {
			return err
		}
		if has {
			fmt.Fprintln(env.stdout, "the database already holds contracts; demo data not loaded")
			return nil
		}
	}
	dir := *keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "ules-demo-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	opts := def
	opts.Seed, opts.Items = *seed, *items
	fmt.Fprintf(env.stdout, "generating %d demo items (seed %d) in %s\n", opts.Items, opts.Seed, dir)
	st, err := demo.Generate(ctx, dir, opts)
	if err != nil {
		return err
	}
	bar, progress := newImportBar(env.stderr, "importing demo")
	res, err := im.Import(ctx, ingest.Options{
		Format: "portal", Path: dir, CreatedBy: "demo",
		Progress: progress,
	})
	bar.Finish() //nolint:errcheck
	printImportResult(env.stdout, res)
	if err != nil {
		return err
	}
	// The producers' ST-KZ certificates, so that certified local content shows beside the published one.
	certs, err := demo.Certificates(opts)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "certificates.csv")
	if err := writeCSV(path, func(w io.Writer) error { return demo.WriteCertificatesCSV(w, certs) }); err != nil {
		return err
	}
	res, err = im.Import(ctx, ingest.Options{Format: "certificates", Path: path, CreatedBy: "demo"})
	printImportResult(env.stdout, res)
	if err != nil {
		return err
	}
	// The register with the producers' capacities and regions, for "who could supply".
	entries, err := demo.Register(st, opts)
	if err != nil {
		return err
	}
	path = filepath.Join(dir, "register.csv")
	if err := writeCSV(path, func(w io.Writer) error { return demo.WriteRegisterCSV(w, entries) }); err != nil {
		return err
	}
	res, err = im.Import(ctx, ingest.Options{Format: "register", Path: path, CreatedBy: "demo"})
	printImportResult(env.stdout, res)
	if err != nil {
		return err
	}
	return applyDemoTargets(ctx, env)
}

// applyDemoTargets adds the demo's targets, as `ules target apply` would.
func applyDemoTargets(ctx context.Context, env *environment) error {
	done, err := applyTargets(ctx, env, demo.Targets, "demo targets", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "demo targets: %d created, %d replaced\n", len(done.Created), len(done.Updated))
	return nil
}

// writeCSV creates path and has write fill it.
func writeCSV(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
