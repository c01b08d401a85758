package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is the portal's public API server (OWS, "open web services"). Endpoint paths such as
// /v3/contract/all and the next_page links the API returns are relative to it.
const DefaultBaseURL = "https://ows.goszakup.gov.kz"

// DefaultRate is the default request rate, in requests per second. The portal publishes no limit that we
// know of; five a second keeps a full download to a few hours without burdening the service.
const DefaultRate = 5

// DefaultMaxAttempts is how many times one page is requested before a fetch gives up.
const DefaultMaxAttempts = 6

// DefaultTimeout bounds one request, from connecting to reading the whole page.
const DefaultTimeout = 2 * time.Minute

// MaxRetryAfter caps the wait that a Retry-After header can ask for. A longer wait is cut to this.
const MaxRetryAfter = 5 * time.Minute

// ProbePath is a list that always exists. A 404 elsewhere is checked against it: the portal answers a
// rejected token (wrong, expired) with 404 "Invalid Route" rather than 401, the same answer as a path
// that does not exist. When this path also answers 404, the token is at fault.
const ProbePath = "/v3/refs/ref_contract_status"

// TokenHelpURL documents how to get a token for the API.
const TokenHelpURL = "https://goszakup.gov.kz/ru/developer/ows_v3"

// maxPageBytes bounds a page held in memory. At the API's largest page sizes, real pages are a few MB.
const maxPageBytes = 256 << 20

// Limiter paces requests. *rate.Limiter satisfies it; tests count calls instead of waiting.
type Limiter interface {
	Wait(ctx context.Context) error
}

// ClientOptions configure a Client. Only Token is required.
type ClientOptions struct {
	BaseURL     string                                           // default DefaultBaseURL; next_page links are resolved against it
	Token       string                                           // sent as "Authorization: Bearer <token>"
	HTTPClient  *http.Client                                     // default: a client with DefaultTimeout
	Limiter     Limiter                                          // default: DefaultRate requests a second, no bursts
	MaxAttempts int                                              // requests of one page before giving up; default DefaultMaxAttempts
	Sleep       func(ctx context.Context, d time.Duration) error // waits between attempts; default: a timer
	BackOff     func() backoff.BackOff                           // the schedule of waits for one page; default: exponential with jitter
	Log         *slog.Logger                                     // default: discard
}

// Client requests pages from the OWS v3 REST API.
type Client struct {
	base        *url.URL
	token       string
	http        *http.Client
	limiter     Limiter
	maxAttempts int
	sleep       func(ctx context.Context, d time.Duration) error
	backOff     func() backoff.BackOff
	log         *slog.Logger
}

// NewClient checks the options and returns a client.
func NewClient(opts ClientOptions) (*Client, error) {
	if err := checkToken(opts.Token); err != nil {
		return nil, err
	}
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" {
		return nil, fmt.Errorf("portal: base URL %q: want http(s)://host[/path] without a query", raw)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	base.RawPath = ""
	c := &Client{
		base:        base,
		token:       opts.Token,
		http:        opts.HTTPClient,
		limiter:     opts.Limiter,
		maxAttempts: opts.MaxAttempts,
		sleep:       opts.Sleep,
		backOff:     opts.BackOff,
		log:         opts.Log,
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	if c.limiter == nil {
		c.limiter = rate.NewLimiter(DefaultRate, 1)
	}
	if c.maxAttempts == 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	if c.maxAttempts < 1 {
		return nil, fmt.Errorf("portal: max attempts is %d, want at least 1", c.maxAttempts)
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.backOff == nil {
		c.backOff = defaultBackOff
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// BaseURL returns the server that the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// ReadToken reads an API token from a file, trimming surrounding whitespace. Errors name the file,
// never its contents.
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("portal: read token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if err := checkToken(token); err != nil {
		return "", fmt.Errorf("%w (in %s)", err, path)
	}
	return token, nil
}

func checkToken(token string) error {
	if token == "" {
		return errors.New("portal: the API token is empty")
	}
	for _, r := range token {
		if r <= ' ' || r == 0x7f || !unicode.IsPrint(r) {
			return errors.New("portal: the API token contains spaces or control characters; is it the right file?")
		}
	}
	return nil
}

// defaultBackOff waits about 1, 2, 4, 8, 16 s (each ±50%) between attempts, at most a minute.
func defaultBackOff() backoff.BackOff {
	return &backoff.ExponentialBackOff{
		InitialInterval:     time.Second,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         time.Minute,
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// Page is one page of an endpoint, as received.
type Page struct {
	Body     []byte // the response body, unchanged
	Items    int    // number of records in items
	NextPage string // path and query of the next page; empty on the last page
}

// FetchError is a failure to get one page of an endpoint.
type FetchError struct {
	Endpoint string // endpoint name, e.g. "contract"
	Page     int    // page number, from 1
	Method   string // GET, or POST for GraphQL
	Request  string // path and query requested; for GraphQL, the list and the cursor
	Attempts int    // requests made for this page
	Err      error
}

func (e *FetchError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("portal: %s page %d (%s %s): gave up after %d attempts: %v", e.Endpoint, e.Page, e.Method, e.Request, e.Attempts, e.Err)
	}
	return fmt.Sprintf("portal: %s page %d (%s %s): %v", e.Endpoint, e.Page, e.Method, e.Request, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// StatusError is a response with an HTTP status other than 200.
type StatusError struct {
	Status int
	Body   string // the beginning of the response body, cleaned for printing, token removed
	// TokenRejected marks a 404 that ProbePath answered with 404 too: the token was refused.
	TokenRejected bool
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += fmt.Sprintf(" (%q)", e.Body)
	}
	hint := statusHint(e.Status)
	if e.TokenRejected {
		hint = "the portal rejected the token (it answers a wrong or expired token with 404): renew it (" + TokenHelpURL +
			"), save it in the --token-file and run the same command again; the fetch resumes where it stopped"
	}
	if hint != "" {
		msg += ": " + hint
	}
	return msg
}

// IsTokenRejected reports whether err comes from a request that the portal refused for its token.
func IsTokenRejected(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.TokenRejected || se.Status == http.StatusUnauthorized)
}

func statusHint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the portal refused the token: check the token (--token-file), and that it is still valid"
	case http.StatusForbidden:
		return "the portal kept refusing the request: check that the token (--token-file) is still valid"
	case http.StatusNotFound:
		return "no such record or endpoint, although the token was accepted on " + ProbePath + ": check --base-url and --endpoints"
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "the portal rejected the request's parameters: the " + LimitParam + " parameter or a GraphQL filter may be wrong"
	}
	return ""
}

// retryable marks a failure that another attempt may not repeat.
type retryable struct {
	err   error
	after time.Duration // from Retry-After; 0 when absent
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// Page requests one page of an endpoint. ref is the path and query, as in next_page. Throttling,
// refusals (403, which the portal answers now and then), server errors, network errors and broken
// pages are retried up to the client's attempt limit. The client waits the Retry-After header's time
// when there is one, otherwise the next backoff interval. A 404 is checked against ProbePath (see
// checkToken), and is not retried.
func (c *Client) Page(ctx context.Context, endpoint string, page int, ref string) (Page, error) {
	var p Page
	err := c.do(ctx, call{endpoint: endpoint, page: page, method: http.MethodGet, ref: ref, parse: func(body []byte) error {
		var err error
		p, err = parsePage(body)
		return err
	}})
	return p, err
}

// call is one request that do makes, and makes again while it fails in a way that may pass.
type call struct {
	endpoint string
	page     int
	method   string
	ref      string // path and query on the base server
	label    string // what the request asks for, for messages; default ref
	body     []byte // sent with POST
	// parse checks a 200 response's body and keeps what it needs. An error marks the body as broken
	// (truncated, an error page), which is retried.
	parse func(body []byte) error
}

func (c *Client) do(ctx context.Context, r call) error {
	label := r.label
	if label == "" {
		label = r.ref
	}
	fail := func(attempts int, err error) error {
		return c.redact(&FetchError{Endpoint: r.endpoint, Page: r.page, Method: r.method, Request: label, Attempts: attempts, Err: err})
	}
	u, err := c.resolve(r.ref)
	if err != nil {
		return fail(0, err)
	}
	schedule := c.backOff()
	schedule.Reset()
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return fail(attempt-1, err)
		}
		body, err := c.send(ctx, r.method, u, r.body)
		if err == nil {
			if err = r.parse(body); err == nil {
				c.log.Debug("portal: page", "endpoint", r.endpoint, "page", r.page, "attempt", attempt)
				return nil
			}
			var permanent *permanentError
			if !errors.As(err, &permanent) {
				err = &retryable{err: err}
			}
		}
		if cerr := context.Cause(ctx); cerr != nil {
			return fail(attempt, cerr)
		}
		if isNotFound(err) {
			if cerr := c.checkToken(ctx, u, err); cerr != nil {
				return fail(attempt, cerr)
			}
			return fail(attempt, err)
		}
		var again *retryable
		if !errors.As(err, &again) || attempt >= c.maxAttempts {
			return fail(attempt, err)
		}
		wait := again.after
		if wait <= 0 {
			wait = schedule.NextBackOff()
			if wait == backoff.Stop {
				return fail(attempt, err)
			}
		}
		c.log.Warn("portal: retrying", "endpoint", r.endpoint, "page", r.page, "attempt", attempt,
			"wait", wait, "reason", c.redactString(err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return fail(attempt, err)
		}
	}
}

// permanentError marks a body that another attempt would not mend.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// send makes one request and returns the body of a 200 response.
func (c *Client) send(ctx context.Context, method string, u *url.URL, payload []byte) ([]byte, error) {
	var reqBody io.Reader
	if payload != nil {
		reqBody = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ules (+https://github.com/ules-kz/ules)")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &retryable{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if len(snippet) == 4096 {
			// The body goes on: drop a tail that could be the start of an echoed token.
			snippet = snippet[:max(0, len(snippet)-len(c.token))]
		}
		serr := &StatusError{Status: resp.StatusCode, Body: c.printable(snippet)}
		// Some clients of the portal see 403 now and then with a valid token, and retry it.
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
			return nil, &retryable{err: serr, after: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
		}
		return nil, serr
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, &retryable{err: fmt.Errorf("read page: %w", err)}
	}
	if len(body) > maxPageBytes {
		return nil, fmt.Errorf("page is larger than %d MB", maxPageBytes>>20)
	}
	return body, nil
}

func isNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == http.StatusNotFound
}

// checkToken tells a rejected token from a missing record after u answered 404 (notFound). It requests
// ProbePath once: when that answers 404 too, the token was rejected and notFound is marked so. It
// returns an error only when the context ends meanwhile.
func (c *Client) checkToken(ctx context.Context, u *url.URL, notFound error) error {
	var se *StatusError
	errors.As(notFound, &se)
	if strings.TrimPrefix(u.Path, c.base.Path) == ProbePath {
		se.TokenRejected = true
		return nil
	}
	probe, err := c.resolve(ProbePath)
	if err != nil {
		return err
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return err
	}
	_, err = c.send(ctx, http.MethodGet, probe, nil)
	if cerr := context.Cause(ctx); cerr != nil {
		return cerr
	}
	if isNotFound(err) {
		se.TokenRejected = true
	} else if err != nil {
		c.log.Warn("portal: could not check the token after a 404", "probe", ProbePath, "reason", c.redactString(err.Error()))
	}
	return nil
}

// parsePage checks that body is a page {"items": [...], "next_page": "..."}. items may be null, which
// the importer reads as no records; next_page may be absent, null or empty on the last page.
func parsePage(body []byte) (Page, error) {
	var raw struct {
		Items    json.RawMessage `json:"items"`
		NextPage json.RawMessage `json:"next_page"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Page{}, fmt.Errorf("invalid page (%d bytes, truncated?): %w", len(body), err)
	}
	if raw.Items == nil {
		return Page{}, errors.New(`invalid page: no "items"`)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw.Items, &items); err != nil {
		return Page{}, errors.New(`invalid page: "items" is not an array`)
	}
	p := Page{Body: body, Items: len(items)}
	if len(raw.NextPage) > 0 && !bytes.Equal(raw.NextPage, []byte("null")) {
		if err := json.Unmarshal(raw.NextPage, &p.NextPage); err != nil {
			return Page{}, errors.New(`invalid page: "next_page" is not a string`)
		}
	}
	return p, nil
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date. It returns 0 when absent or invalid.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, MaxRetryAfter)
}

// resolve turns a next_page reference into a URL on the base server. A reference to another server is
// refused, so the token is never sent elsewhere.
func (c *Client) resolve(ref string) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("next_page %q is not a URL: %w", ref, err)
	}
	if r.Scheme != "" || r.Host != "" {
		if r.Scheme != c.base.Scheme || r.Host != c.base.Host {
			return nil, fmt.Errorf("next_page %q points away from %s; refusing to send the token there", ref, c.base.Host)
		}
		return r, nil
	}
	if !strings.HasPrefix(r.Path, "/") {
		return nil, fmt.Errorf("next_page %q is not a path starting with /", ref)
	}
	u := *c.base
	u.Path = c.base.Path + r.Path
	u.RawPath = ""
	u.RawQuery = r.RawQuery
	return &u, nil
}

// printable shortens a response body for an error message and removes the token.
func (c *Client) printable(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), "?"))
	s = strings.Join(strings.Fields(c.redactString(s)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "..."
	}
	return s
}

func (c *Client) redactString(s string) string {
	return strings.ReplaceAll(s, c.token, "[token]")
}

// redact keeps the token out of an error's text. An error that mentions it is replaced by its redacted
// text; the original is dropped rather than kept reachable through Unwrap.
func (c *Client) redact(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(c.redactString(err.Error()))
}
