package httpapi

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/tier"
)

var (
	slugPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	regionPattern = regexp.MustCompile(`^[0-9]{2}$`)
	binPattern    = regexp.MustCompile(`^[0-9]{12}$`)
)

// textQuery refuses a request whose query string is not text (queryText).
func textQuery(c fiber.Ctx) error {
	if err := queryText(c); err != nil {
		return err
	}
	return c.Next()
}

// queryText checks that the query string's names and values are UTF-8 text without a NUL, as every
// parameter must be: PostgreSQL refuses both, which had made a 500 of every filter passed on to it as text.
func queryText(c fiber.Ctx) error {
	for k, v := range c.Request().URI().QueryArgs().All() {
		for _, b := range [][]byte{k, v} {
			if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
				name := cmp.Or(strings.ToValidUTF8(strings.ReplaceAll(string(k), "\x00", ""), "?"), "(a parameter without a name)")
				return badParam(name, "is not UTF-8 text: it holds bytes no character is made of, or a NUL")
			}
		}
	}
	return nil
}

// percentParam reads a percentage typed into a form: with a decimal point, or the decimal comma a Kazakh or
// Russian reader types ("40,5").
func percentParam(v string) (int64, error) {
	if !strings.Contains(v, ".") && strings.Count(v, ",") == 1 {
		v = strings.Replace(v, ",", ".", 1)
	}
	return money.ParsePercent(v)
}

// dateParam reads an optional YYYY-MM-DD parameter.
func dateParam(c fiber.Ctx, name string, def time.Time) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, badParam(name, "%q is not a date in the form YYYY-MM-DD", v)
	}
	return t, nil
}

// scopeParams reads category, from, to and region; the period defaults to the current year up to today.
func (s *Server) scopeParams(c fiber.Ctx, categoryRequired bool) (share.Scope, error) {
	var sc share.Scope
	sc.Category = c.Query("category")
	if sc.Category == "" && categoryRequired {
		return sc, badParam("category", "is required, e.g. category=school-uniforms")
	}
	if sc.Category == "none" && !categoryRequired {
		sc.Category, sc.Unclassified = "", true
	}
	if sc.Category != "" && !slugPattern.MatchString(sc.Category) {
		return sc, badParam("category", "%q is not a category slug", sc.Category)
	}
	today := s.today()
	var err error
	if sc.From, err = dateParam(c, "from", time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		return sc, err
	}
	if sc.To, err = dateParam(c, "to", today); err != nil {
		return sc, err
	}
	if sc.To.Before(sc.From) {
		return sc, badParam("to", "%s is before from %s", sc.To.Format(time.DateOnly), sc.From.Format(time.DateOnly))
	}
	if sc.Regions, err = listParam(c, "region", func(v string) error {
		if !regionPattern.MatchString(v) {
			return badParam("region", "%q is not a region code: want the two first digits of a KATO code, e.g. 75", v)
		}
		return nil
	}); err != nil {
		return sc, err
	}
	if err := s.knownRegions(c, sc.Regions); err != nil {
		return sc, err
	}
	if sc.BuyerTypes, err = listParam(c, "buyer_type", func(v string) error {
		if !slices.Contains(share.BuyerTypes, v) {
			return badParam("buyer_type", "%q is not one of %s", v, strings.Join(share.BuyerTypes, ", "))
		}
		return nil
	}); err != nil {
		return sc, err
	}
	if sc.Methods, err = listParam(c, "method", func(v string) error {
		if len(v) > 200 {
			return badParam("method", "is longer than 200 characters")
		}
		return nil
	}); err != nil {
		return sc, err
	}
	tiers, err := listParam(c, "tier", func(v string) error {
		if v != "1" && v != "2" && v != "3" {
			return badParam("tier", "%q is not a supplier tier: 1 domestic producer, 2 resident supplier, 3 non-resident", v)
		}
		return nil
	})
	if err != nil {
		return sc, err
	}
	for _, t := range tiers {
		sc.Tiers = append(sc.Tiers, tier.SupplierTier(t[0]-'0'))
	}
	sc.Buyer, sc.Supplier = c.Query("buyer"), c.Query("supplier")
	if sc.Buyer != "" && !binPattern.MatchString(sc.Buyer) {
		return sc, badParam("buyer", "%q is not a BIN: want 12 digits", sc.Buyer)
	}
	if len(sc.Supplier) > 64 {
		return sc, badParam("supplier", "is longer than 64 characters: want a BIN or a foreign tax number")
	}
	return sc, nil
}

// knownRegions refuses a region code no region has, as the reports do: its figures would be zeros that
// look like an answer.
func (s *Server) knownRegions(c fiber.Ctx, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	regions, err := s.store.RegionList(c.Context(), s.db)
	if err != nil {
		return err
	}
	for _, code := range codes {
		if !slices.ContainsFunc(regions, func(r store.Region) bool { return r.Code == code }) {
			return badParam("region", "%q is not a known region code (two first digits of a KATO code, e.g. 75 Almaty, 71 Astana)", code)
		}
	}
	return nil
}

// scopeQuery is the query string that scopeParams reads back as sc.
func scopeQuery(sc share.Scope) url.Values {
	q := url.Values{"category": {sc.Category}, "from": {sc.From.Format(time.DateOnly)}, "to": {sc.To.Format(time.DateOnly)}}
	for name, list := range map[string][]string{"region": sc.Regions, "buyer_type": sc.BuyerTypes, "method": sc.Methods} {
		if len(list) > 0 {
			q[name] = list
		}
	}
	for _, t := range sc.Tiers {
		q.Add("tier", strconv.Itoa(int(t)))
	}
	for name, v := range map[string]string{"buyer": sc.Buyer, "supplier": sc.Supplier} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if sc.Category == "" {
		q.Del("category")
	}
	if sc.Unclassified {
		q.Set("category", "none")
	}
	return q
}

// maxListValues bounds a list parameter, so a query string cannot make a query of any size.
const maxListValues = 50

// listParam reads a parameter that may be repeated or hold values separated by commas (region=75,71 or
// region=75&region=71), each checked by check, without duplicates, in the order given.
func listParam(c fiber.Ctx, name string, check func(string) error) ([]string, error) {
	var out []string
	for _, raw := range c.RequestCtx().QueryArgs().PeekMulti(name) {
		for _, v := range strings.Split(string(raw), ",") {
			v = strings.TrimSpace(v)
			if v == "" || slices.Contains(out, v) {
				continue
			}
			if err := check(v); err != nil {
				return nil, err
			}
			if out = append(out, v); len(out) > maxListValues {
				return nil, badParam(name, "has more than %d values", maxListValues)
			}
		}
	}
	return out, nil
}

func enumParam(c fiber.Ctx, name string, allowed []string) (string, error) {
	v := c.Query(name)
	if v != "" && !slices.Contains(allowed, v) {
		return "", badParam(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
	return v, nil
}

func limitParam(c fiber.Ctx, def, max int32) (int32, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 || int32(n) > max {
		return 0, badParam("limit", "%q is not a whole number from 1 to %d", v, max)
	}
	return int32(n), nil
}

func boolParam(c fiber.Ctx, name string) (*bool, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badParam(name, "%q is not true or false", v)
	}
	return &b, nil
}

func idParam(c fiber.Ctx, name string, query bool) (int64, error) {
	v := c.Params(name)
	if query {
		v = c.Query(name)
		if v == "" {
			return 0, nil
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badParam(name, "%q is not a positive whole number", v)
	}
	return n, nil
}

func encodeCursor(cur *store.Cursor) string {
	if cur == nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(cur.SignedOn.Format(time.DateOnly) + "|" + strconv.FormatInt(cur.ID, 10)))
}

func decodeCursor(v string) (*store.Cursor, error) {
	if v == "" {
		return nil, nil
	}
	bad := badParam("cursor", "is not a cursor returned by this API (use next_cursor as given)")
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, bad
	}
	date, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return nil, bad
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil, bad
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, bad
	}
	return &store.Cursor{SignedOn: t, ID: n}, nil
}

// asOfParam reads the day a page, an answer or a report is as of: today by default, and no day after it,
// which has no figures yet: a page of it read as a target without purchases.
func (s *Server) asOfParam(c fiber.Ctx) (time.Time, error) {
	today := s.today()
	asOf, err := dateParam(c, "as_of", today)
	if err != nil || !asOf.After(today) {
		return asOf, err
	}
	return asOf, badParam("as_of", "%s is after today, %s: ask for a day that has passed, or leave as_of out",
		asOf.Format(time.DateOnly), today.Format(time.DateOnly))
}

// progress reads the target a request names by its slug, as of its as_of parameter (today by default).
func (s *Server) progress(c fiber.Ctx) (share.Progress, error) {
	slug := c.Params("slug")
	if !slugPattern.MatchString(slug) {
		return share.Progress{}, badParam("slug", "%q is not a target slug", slug)
	}
	asOf, err := s.asOfParam(c)
	if err != nil {
		return share.Progress{}, err
	}
	return s.targetProgress(c.Context(), slug, asOf, func() (share.Progress, error) {
		return s.store.TargetProgressGet(c.Context(), s.db, slug, asOf)
	})
}

// batchErrors reads the batch a request names by its id, and up to limit of its bad records after the
// id in its after parameter.
func (s *Server) batchErrors(c fiber.Ctx, limit int32) (store.Batch, []store.StoredError, error) {
	id, err := idParam(c, "id", false)
	if err != nil {
		return store.Batch{}, nil, err
	}
	after, err := idParam(c, "after", true)
	if err != nil {
		return store.Batch{}, nil, err
	}
	b, err := s.store.BatchGet(c.Context(), s.db, id)
	if err != nil {
		return store.Batch{}, nil, err
	}
	errs, err := s.store.BatchErrorList(c.Context(), s.db, id, after, limit)
	return b, errs, err
}
