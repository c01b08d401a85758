package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/share"
)

// partyJSON is what a buyer's and a supplier's answers share: the period, the figures, the figures by
// category and a page of contracts, newest first, with the cursor of the next ("" on the last).
type partyJSON struct {
	Currency   string         `json:"currency"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Figures    figuresJSON    `json:"figures"`
	Categories []groupJSON    `json:"categories"`
	Contracts  []contractJSON `json:"contracts"`
	NextCursor string         `json:"next_cursor"`
}

func partyOf(p partyFigures, lang string) partyJSON {
	out := partyJSON{Currency: "KZT", From: p.Scope.From.Format(time.DateOnly), To: p.Scope.To.Format(time.DateOnly),
		Figures: figuresOf(p.Total), Categories: make([]groupJSON, len(p.Categories)),
		Contracts: make([]contractJSON, len(p.Contracts)), NextCursor: encodeCursor(p.Next)}
	for i, g := range p.Categories {
		out.Categories[i] = groupJSON{Key: g.Key, Label: g.Names.In(lang), figuresJSON: figuresOf(g.Figures)}
	}
	for i, r := range p.Contracts {
		out.Contracts[i] = contractOf(r, lang)
	}
	return out
}

type buyerJSON struct {
	BIN    string      `json:"bin"`
	Name   string      `json:"name"`
	Type   string      `json:"buyer_type"`
	Region *regionJSON `json:"region"`
	partyJSON
}

// apiGetBuyer answers GET /api/v1/buyers/{bin}?from=&to=&cursor=: the buyer's page as JSON.
func (s *Server) apiGetBuyer(c fiber.Ctx) error {
	bin := c.Params("bin")
	if !binPattern.MatchString(bin) {
		return badParam("bin", "%q is not a BIN: want 12 digits", bin)
	}
	b, err := s.store.BuyerGetByBIN(c.Context(), s.db, bin)
	if err != nil {
		return err
	}
	p, err := s.partyRead(c, share.Filter{Buyer: bin})
	if err != nil {
		return err
	}
	lang := language(c)
	out := buyerJSON{BIN: b.BIN, Name: b.Names.In(lang), Type: b.Type, partyJSON: partyOf(p, lang)}
	if b.Region != "" {
		out.Region = &regionJSON{Code: b.Region, Name: b.RegionNames.In(lang)}
	}
	return c.JSON(out)
}
