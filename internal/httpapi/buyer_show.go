package httpapi

import (
	"net/url"

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
	data, err := s.partyPage(c, share.Filter{Buyer: bin}, b.Names.In(lang))
	if err != nil {
		return err
	}
	data["Buyer"] = b
	return c.Render("buyer", data)
}

// partyPage gathers what a buyer's and a supplier's pages share: the period, the figures by category and
// a page of contracts, with links to the explorer and the download narrowed to the party.
func (s *Server) partyPage(c fiber.Ctx, f share.Filter, title string) (fiber.Map, error) {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return nil, err
	}
	scope.Buyer, scope.Supplier = f.Buyer, f.Supplier
	total, groups, err := s.store.SharesGet(c.Context(), s.db, scope, "category")
	if err != nil {
		return nil, err
	}
	cursor, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return nil, err
	}
	contracts, next, err := s.store.ContractList(c.Context(), s.db, store.ContractFilter{Scope: scope}, cursor, partyContracts)
	if err != nil {
		return nil, err
	}
	T := s.translator(c)
	for i, g := range groups {
		if g.Key == "" {
			l := T("Not classified")
			groups[i].Names = share.Names{KK: l, RU: l, EN: l}
		}
	}
	q := scopeQuery(scope)
	data := s.pageData(c, title)
	data["Scope"], data["Total"], data["Categories"], data["Contracts"] = s.describeScope(c, scope), total, groups, contracts
	data["From"], data["To"] = scope.From, scope.To
	q.Set("group_by", "category")
	data["ExploreURL"] = "/explore?" + q.Encode()
	q.Del("group_by")
	data["CSVURL"] = "/api/v1/items.csv?" + q.Encode()
	if next != nil {
		n := url.Values{"from": {scope.From.Format("2006-01-02")}, "to": {scope.To.Format("2006-01-02")}, "cursor": {encodeCursor(next)}}
		data["NextURL"] = c.Path() + "?" + n.Encode()
	}
	return data, nil
}
