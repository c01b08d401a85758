package httpapi

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// partyContracts is how many contracts a buyer's or supplier's page lists at a time.
const partyContracts = 25

// showBuyer answers GET /buyers/{bin}?from=&to=: the buyer, its purchases by category with their domestic
// share, and its contracts, newest first.
func (s *Server) showBuyer(c fiber.Ctx) error {
	bin := c.Params("bin")
	if !binPattern.MatchString(bin) {
		return badParam("bin", "%q is not a BIN: want 12 digits", bin)
	}
	b, err := s.store.BuyerGetByBIN(c.Context(), s.db, bin)
	if err != nil {
		return err
	}
	lang := language(c)
	data, err := s.partyPage(c, share.Filter{Buyer: bin}, b.Names.In(lang), "/api/v1/buyers/"+bin)
	if err != nil {
		return err
	}
	data["Buyer"] = b
	return c.Render("buyer", data)
}

// partyFigures is what a buyer's and a supplier's pages and answers share: the period (and any other
// filter of the request), the figures by category and a page of contracts with the cursor of the next.
type partyFigures struct {
	Scope      share.Scope
	Total      share.Figures
	Categories []share.Group
	Contracts  []store.ContractRow
	Next       *store.Cursor
}

// partyRead reads the figures of the party f names, in the request's scope, and the page of its contracts
// the request's cursor asks for.
func (s *Server) partyRead(c fiber.Ctx, f share.Filter) (partyFigures, error) {
	var p partyFigures
	var err error
	if p.Scope, err = s.scopeParams(c, false); err != nil {
		return p, err
	}
	p.Scope.Buyer, p.Scope.Supplier = f.Buyer, f.Supplier
	cursor, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return p, err
	}
	if p.Total, p.Categories, err = s.store.SharesGet(c.Context(), s.db, p.Scope, "category"); err != nil {
		return p, unknownCategory(err, p.Scope.Category)
	}
	if p.Contracts, p.Next, err = s.store.ContractList(c.Context(), s.db, store.ContractFilter{Scope: p.Scope}, cursor, partyContracts); err != nil {
		return p, unknownCategory(err, p.Scope.Category)
	}
	T := s.translator(c)
	for i, g := range p.Categories {
		if g.Key == "" {
			l := T("Not classified")
			p.Categories[i].Names = share.Names{KK: l, RU: l, EN: l}
		}
	}
	return p, nil
}

// partyPage gathers what a buyer's and a supplier's pages share: the period, the figures by category and
// a page of contracts, with links to the explorer, the download and the same answer as JSON (api, the
// party's path under /api/v1), narrowed to the party.
func (s *Server) partyPage(c fiber.Ctx, f share.Filter, title, api string) (fiber.Map, error) {
	p, err := s.partyRead(c, f)
	if err != nil {
		return nil, err
	}
	scope := p.Scope
	q := scopeQuery(scope)
	data := s.pageData(c, title)
	data["Scope"], data["Total"], data["Categories"], data["Contracts"] = s.describeScope(c, scope), p.Total, p.Categories, p.Contracts
	data["From"], data["To"] = scope.From, scope.To
	q.Set("group_by", "category")
	data["ExploreURL"] = "/explore?" + q.Encode()
	q.Del("group_by")
	data["CSVURL"] = "/api/v1/items.csv?" + q.Encode()
	period := url.Values{"from": {scope.From.Format(time.DateOnly)}, "to": {scope.To.Format(time.DateOnly)}}
	if c.Query("cursor") != "" {
		period.Set("cursor", c.Query("cursor"))
	}
	data["APIURL"] = api + "?" + period.Encode()
	period.Del("cursor")
	period.Set("lang", language(c))
	if c.Query("cursor") != "" {
		data["FirstURL"] = c.Path() + "?" + period.Encode()
	}
	if p.Next != nil {
		period.Set("cursor", encodeCursor(p.Next))
		data["NextURL"] = c.Path() + "?" + period.Encode()
	}
	return data, nil
}
