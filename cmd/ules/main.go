// Command ules measures the share of public procurement going to domestic producers: it imports
// procurement data, serves the dashboard and JSON API, and loads demo data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/ules-kz/ules/internal/config"
	"github.com/ules-kz/ules/internal/database"
	"github.com/ules-kz/ules/internal/ingest"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
	imports bool // reads procurement data in bulk (tuneGC)
}

// environment is what every command receives instead of reaching for globals.
type environment struct {
	cfg    config.Config
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

func commands() []command {
	return []command{
		{"serve", "serve the dashboard and the JSON API", runServe, false},
		{"migrate", "apply database migrations", runMigrate, false},
		{"import", "import procurement data, the producer register, certificates or exchange rates", runImport, true},
		{"demo", "generate the demo dataset and import it", runDemo, true},
		{"portal", "fetch data from the national procurement portal's API", runPortal, true},
		{"gen", "write synthetic procurement data of any size", runGen, false},
		{"bench", "measure import speed against raw COPY, the queries and the reports", runBench, true},
		{"template", "write the canonical import template (CSV or XLSX)", runTemplate, false},
		{"target", "list, show, apply, remove or export the targets shares are measured against", runTarget, false},
		{"report", "write a target's report over a period as XLSX, PDF or CSV in kk, ru or en", runReport, false},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	level, err := config.LogLevel(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "ules: %v\n", err)
		return 2
	}
	env := &environment{
		cfg:    config.FromEnv(getenv),
		stdout: stdout,
		stderr: stderr,
		log:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if len(args) == 0 {
		usage(stderr)
		fmt.Fprintln(stderr, "\nules: want a command")
		return 2
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if c.imports {
				tuneGC(getenv)
			}
			err := c.run(ctx, env, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "ules %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "ules: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// tuneGC sets the collector for bulk imports, which allocate fast and keep little alive: collecting an
// eighth as often as by default, with a soft limit that bounds the heap under the 256 MiB an import is held
// to (docs/performance.md gives the measurements). GOGC and GOMEMLIMIT, when set, still decide.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(190 << 20)
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ules <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nImport formats (ules import --format): %s.\n", strings.Join(ingest.Formats, ", "))
	fmt.Fprintln(w, "\nRun `ules <command> --help` for a command's flags.")
}

// importer opens the database and returns an importer on it, and the function that closes it.
func (env *environment) importer(ctx context.Context) (*ingest.Importer, func(), error) {
	pool, err := database.Open(ctx, env.cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return ingest.NewImporter(pool, env.cfg.HomeCountry, env.log), pool.Close, nil
}

// parseFlags parses a command that takes flags only: an argument left over is a usage error, never ignored.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// flags returns a flag set whose --help prints the command's usage to stdout.
func flags(env *environment, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fs.SetOutput(env.stdout)
		fmt.Fprintf(env.stdout, "Usage: ules %s %s\n\n%s\n\nFlags:\n", name, synopsis, description)
		fs.PrintDefaults()
		fs.SetOutput(env.stderr)
	}
	return fs
}
