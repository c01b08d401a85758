package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/time/rate"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/portal"
)

func runPortal(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		portalUsage(env.stderr)
		return errors.New("want a subcommand: fetch or sync")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		portalUsage(env.stdout)
		return flag.ErrHelp
	case "fetch":
		return runPortalFetch(ctx, env, args[1:])
	case "sync":
		return runPortalSync(ctx, env, args[1:])
	}
	portalUsage(env.stderr)
	return fmt.Errorf("unknown subcommand %q: want fetch or sync", args[0])
}

func portalUsage(w io.Writer) {
	fmt.Fprintf(w, `Usage: ules portal fetch|sync [flags]

Downloads data from the national procurement portal's OWS v3 API (%s) with your API token:
contracts with their units and plan points with their places through GraphQL, the other lists
through REST.

Subcommands:
  fetch --token-file FILE --out DIR [--since DATE]
        save the pages in DIR, one folder per endpoint, for `+"`ules import --format portal DIR`"+`
  sync  --token-file FILE --out DIR [--database-url URL]
        fetch what changed since the last sync into DIR and import it

Flags:
`, portal.DefaultBaseURL)
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	bindPortalFlags(fs)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, `
fetch also takes --since; sync also takes --database-url, --home-country and --max-errors.
Run `+"`ules portal fetch --help`"+` or `+"`ules portal sync --help`"+` for the details.`)
}

// portalFlags are the flags that fetch and sync share.
type portalFlags struct {
	fs          *flag.FlagSet
	tokenFile   string
	out         string
	baseURL     string
	endpoints   string
	rate        rateFlag
	maxAttempts int
	pageSize    int
	restart     bool
}

func bindPortalFlags(fs *flag.FlagSet) *portalFlags {
	pf := &portalFlags{fs: fs, rate: portal.DefaultRate}
	names := make([]string, len(portal.Endpoints))
	for i, ep := range portal.Endpoints {
		names[i] = ep.Name
	}
	fs.StringVar(&pf.tokenFile, "token-file", "", "file holding the portal's API token (required); the token is never printed")
	fs.StringVar(&pf.out, "out", "", "output folder (required); progress is kept in its "+portal.StateFile)
	fs.StringVar(&pf.baseURL, "base-url", portal.DefaultBaseURL, "API server")
	fs.StringVar(&pf.endpoints, "endpoints", "all", "comma-separated endpoints to fetch: "+strings.Join(names, ", ")+
		" (an API name such as trd-buy works too; contract brings contract-units, plans brings plans-kato; sync's default leaves out lots and announcements)")
	fs.Var(&pf.rate, "rate", "requests per second at most, such as 5 or 2.5/s")
	fs.IntVar(&pf.maxAttempts, "max-attempts", portal.DefaultMaxAttempts, "requests of one page before giving up (throttling, refusals (403), server and network errors, broken pages)")
	fs.IntVar(&pf.pageSize, "page-size", 0, "records per REST page, sent as the "+portal.LimitParam+" parameter (0: "+
		strconv.Itoa(portal.DefaultPageSize)+"); GraphQL pages hold at most "+strconv.Itoa(portal.GraphQLLimit))
	fs.BoolVar(&pf.restart, "restart", false, "discard the saved progress and fetch the endpoints again from their first page")
	return pf
}

// client checks the flags and returns the client and the endpoints to fetch.
func (pf *portalFlags) client(env *environment) (*portal.Client, []portal.Endpoint, error) {
	if pf.tokenFile == "" || pf.out == "" {
		pf.fs.Usage()
		return nil, nil, errors.New("want --token-file and --out")
	}
	if pf.maxAttempts < 1 {
		return nil, nil, errors.New("--max-attempts must be at least 1")
	}
	if pf.pageSize < 0 {
		return nil, nil, errors.New("--page-size must not be negative")
	}
	eps, err := portal.LookupEndpoints(pf.endpoints)
	if err != nil {
		return nil, nil, err
	}
	token, err := portal.ReadToken(pf.tokenFile)
	if err != nil {
		return nil, nil, err
	}
	c, err := portal.NewClient(portal.ClientOptions{
		BaseURL:     pf.baseURL,
		Token:       token,
		Limiter:     rate.NewLimiter(rate.Limit(pf.rate), 1),
		MaxAttempts: pf.maxAttempts,
		Log:         env.log,
	})
	return c, eps, err
}

func (pf *portalFlags) fetchOptions(eps []portal.Endpoint, progress func(portal.Progress)) portal.FetchOptions {
	return portal.FetchOptions{Dir: pf.out, Endpoints: eps, PageSize: pf.pageSize, Restart: pf.restart, Progress: progress}
}

// syncEndpoints are the endpoints a sync walks: those of --endpoints when it was given.
func (pf *portalFlags) syncEndpoints(fs *flag.FlagSet, eps []portal.Endpoint) []portal.Endpoint {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "endpoints" })
	if given {
		return eps
	}
	return portal.SyncEndpoints()
}

func runPortalFetch(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "portal fetch", "--token-file FILE --out DIR [flags]",
		`Downloads the portal's lists into DIR, one folder per endpoint, as pages page-000001.json,
page-000002.json, ... Import the folder with `+"`ules import --format portal DIR`"+`.

contract/ and contract-units/ come from GraphQL (`+portal.GraphQLPath+`): `+strconv.Itoa(portal.GraphQLLimit)+` contracts a request,
each with its units, written as the REST lists' records (snake_case fields, each unit with its
contract_id): 5 to 6 requests per 1,000 contracts, units included. plans/ and plans-kato/ come from
GraphQL alike. subject/ (subject/all), lots/, announcements/ (trd-buy/all) and refs/<name>/ are
REST lists, saved as received in pages of --page-size records.

With --since DATE (a day in Almaty time, the portal's), contracts changed from that day on are
fetched (GraphQL filter lastUpdateDate: [DATE, the day after today]) and plan points created from
that day on (plan points take no date filter: the walk stops after a page of points all created
before that day).
The REST lists have no date filter: they are fetched whole.

The lists come newest first: at the end of each GraphQL walk its first pages are read again, for
records created while it ran.

Progress is saved after every page. Run the same command again after an interruption (Ctrl-C, a
crash, an error) and it continues where it stopped. Endpoints that are complete are skipped. A
different --since, --base-url or --page-size makes an endpoint start over, and --restart makes all
of them start over. Don't run two fetches into the same DIR at once.

Throttling (429, honouring Retry-After), refusals (403), server errors (5xx), network errors and
broken pages are retried with exponential backoff. The portal answers a wrong or expired token with
404 "Invalid Route": after a 404 the fetch requests `+portal.ProbePath+` once, and when that is
refused too it stops and says to renew the token; run the same command again with the new token and
it resumes. Any other refusal stops at once.`)
	pf := bindPortalFlags(fs)
	since := fs.String("since", "", "only contracts changed, and plan points created, on or after this day, YYYY-MM-DD in Almaty time; default: everything")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, eps, err := pf.client(env)
	if err != nil {
		return err
	}
	progress := &fetchProgress{w: env.stderr}
	opts := pf.fetchOptions(eps, progress.update)
	opts.Since = *since
	results, err := c.Fetch(ctx, opts)
	progress.finish()
	printFetchResults(env.stdout, results)
	if err != nil {
		return resumeHint(err, pf.out)
	}
	fmt.Fprintf(env.stdout, "import with: ules import --format portal %s\n", pf.out)
	return nil
}

func runPortalSync(ctx context.Context, env *environment, args []string) error {
	fs := flags(env, "portal sync", "--token-file FILE --out DIR [flags]",
		`Fetches what changed since the last successful sync into DIR, as `+"`ules portal fetch --since`"+` does,
and imports it in one transaction. Windows are whole days in Almaty time, the time of the portal's
timestamps. The first sync of a DIR reaches 30 days back. Later syncs start on the day that was an
hour before the previous successful sync's fetch began, so that they overlap it: what changed while
it ran comes again, and importing a record twice is harmless. The start is kept in
DIR/`+portal.StateFile+`. The pages of the endpoints fetched replace those of the previous sync.

By default a sync leaves out lots and announcements, which the importer does not read and which
(like every REST list) cannot be asked for by date; --endpoints all includes them.

An interrupted or failed sync continues when run again. Its fetch resumes, or is skipped when it is
complete, and its import is tried again. Only a committed import moves the next sync's start.`)
	env.cfg.BindDatabase(fs)
	env.cfg.BindHome(fs)
	pf := bindPortalFlags(fs)
	maxErrors := fs.Int64("max-errors", 0, "accept up to this many bad records (each is still reported)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *maxErrors < 0 {
		return fmt.Errorf("--max-errors %d: want 0 or more bad records to accept", *maxErrors)
	}
	if err := env.cfg.Validate(); err != nil {
		return err
	}
	c, eps, err := pf.client(env)
	if err != nil {
		return err
	}
	// Check the database before a long download rather than after it.
	im, closeDB, err := env.importer(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	progress := &fetchProgress{w: env.stderr}
	var imported *ingest.Result
	res, err := c.Sync(ctx, portal.SyncOptions{
		Fetch: pf.fetchOptions(pf.syncEndpoints(fs, eps), progress.update),
		Import: func(ctx context.Context, dir string) error {
			progress.finish()
			bar, progress := newImportBar(env.stderr, "importing")
			r, err := im.Import(ctx, ingest.Options{
				Format: "portal", Path: dir, MaxErrors: *maxErrors, CreatedBy: currentUser(),
				Progress: progress,
			})
			bar.Finish() //nolint:errcheck
			imported = &r
			return err
		},
	})
	progress.finish()
	if res.Since != "" {
		fmt.Fprintf(env.stdout, "changes from %s to %s (days in Almaty)\n", res.Since, res.Until)
	}
	printFetchResults(env.stdout, res.Endpoints)
	if imported != nil {
		printImportResult(env.stdout, *imported)
	}
	if err != nil {
		return resumeHint(err, pf.out)
	}
	fmt.Fprintf(env.stdout, "synced; the next sync starts from %s\n", res.NextSince())
	return nil
}

// resumeHint says how to continue after a fetch or sync failed; its progress is saved either way. After
// a refusal (a wrong URL), running the command again would not help, so it says nothing; a rejected
// token's message says to renew it and run the command again.
func resumeHint(err error, dir string) error {
	var refused *portal.StatusError
	if errors.As(err, &refused) {
		return err
	}
	return fmt.Errorf("%w\nprogress is saved in %s: run the same command again to continue", err, filepath.Join(dir, portal.StateFile))
}

func printFetchResults(w io.Writer, results []portal.EndpointResult) {
	for _, r := range results {
		note := plural(r.Fetched, "request") + " now"
		switch {
		case r.Skipped:
			note = "already complete"
		case r.Resumed:
			note = "resumed, " + note
		}
		if ep, err := portal.LookupEndpoints(r.Endpoint); err == nil && len(ep) == 1 && ep[0].GraphQL() {
			note += fmt.Sprintf(", %d %s", r.Nested, ep[0].NestedName())
		}
		fmt.Fprintf(w, "%-26s %12s %16s  (%s)\n", r.Endpoint, plural(r.Pages, "page"), plural(int(r.Items), "record"), note)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// fetchProgress shows one record bar per endpoint, its pages in the description.
type fetchProgress struct {
	w        io.Writer
	endpoint string
	bar      *progressbar.ProgressBar
}

func (p *fetchProgress) update(pr portal.Progress) {
	if p.bar == nil || pr.Endpoint != p.endpoint {
		p.finish()
		p.endpoint = pr.Endpoint
		p.bar = newRecordBar(p.w, "fetching "+pr.Endpoint)
	}
	desc := fmt.Sprintf("fetching %s, %d pages", pr.Endpoint, pr.Pages)
	if pr.Nested > 0 {
		desc = fmt.Sprintf("fetching %s, %d pages, %d nested records", pr.Endpoint, pr.Pages, pr.Nested)
	}
	p.bar.Describe(desc)
	p.bar.Set64(pr.Items) //nolint:errcheck // a progress bar that cannot draw is harmless
}

func (p *fetchProgress) finish() {
	if p.bar != nil {
		p.bar.Finish() //nolint:errcheck
		p.bar = nil
	}
}

// rateFlag is a request rate in requests per second, written "5" or "5/s".
type rateFlag float64

func (r *rateFlag) String() string { return strconv.FormatFloat(float64(*r), 'g', -1, 64) + "/s" }

func (r *rateFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return errors.New("want requests per second above 0, such as 5 or 2.5/s")
	}
	*r = rateFlag(v)
	return nil
}
