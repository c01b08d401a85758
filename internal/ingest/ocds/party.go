package ocds

// A release's parties: the buyer and suppliers as party records.

import (
	"strings"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// description is the contract's title, or its description, or its award's, or the tender's.
func (r *releaseReader) description(d deal) string {
	for _, n := range [...]*node{d.contract, d.award, &r.tender} {
		if n == nil {
			continue
		}
		for _, key := range [...]string{"title", "description"} {
			if s, err := n.get(key).text(); err == nil && s != "" {
				return s
			}
		}
	}
	return ""
}

// buyerOrg finds the buyer: buyer, else the party with the role buyer, else tender.procuringEntity, else
// the party with the role procuringEntity. It is nil when the release names none.
func (r *releaseReader) buyerOrg() (*party, error) {
	if r.buyerDone {
		return r.buyer, r.buyerErr
	}
	r.buyerDone = true
	refs := []func() (node, bool){
		func() (node, bool) { b := r.n.get("buyer"); return b, b.v != nil },
		func() (node, bool) { return r.partyWithRole("buyer") },
		func() (node, bool) { p := r.tender.get("procuringEntity"); return p, p.v != nil },
		func() (node, bool) { return r.partyWithRole("procuringEntity") },
	}
	for _, ref := range refs {
		if n, ok := ref(); ok {
			r.buyer, r.buyerErr = r.org(n)
			return r.buyer, r.buyerErr
		}
	}
	return nil, nil
}

func (r *releaseReader) partyWithRole(role string) (node, bool) {
	for _, p := range r.order {
		roles, err := p.get("roles").list()
		if err != nil {
			continue
		}
		for _, x := range roles {
			if s, _ := asString(x.v); strings.EqualFold(strings.TrimSpace(s), role) {
				return p, true
			}
		}
	}
	return node{}, false
}

// org resolves an organization reference: the party it names by id, completed by what the reference
// itself carries (OCDS 1.0 writes the organization in place). The key it is stored under is, in order:
// a Kazakh BIN/IIN as such; "SCHEME-ID" from its identifier; otherwise the publisher's ocid prefix with the
// identifier's id, the party id or, last, the name ("ocds-03ad3f/Name").
func (r *releaseReader) org(ref node) (*party, error) {
	if _, err := ref.object(); err != nil {
		return nil, err
	}
	id, err := ref.get("id").text()
	if err != nil {
		return nil, err
	}
	src := ref
	if p, ok := r.parties[id]; ok && id != "" {
		src = p
	}
	pick := func(field string) (node, error) {
		n := src.get(field)
		if n.v == nil {
			n = ref.get(field)
		}
		_, err := n.object()
		return n, err
	}
	ident, err := pick("identifier")
	if err != nil {
		return nil, err
	}
	addr, err := pick("address")
	if err != nil {
		return nil, err
	}
	var texts [6]string // name, scheme, iid, legal, code, countryName
	for i, n := range [...]node{src.get("name"), ident.get("scheme"), ident.get("id"), ident.get("legalName"),
		addr.get("country"), addr.get("countryName")} {
		if texts[i], err = n.text(); err != nil {
			return nil, err
		}
	}
	name, scheme, iid, legal, code, countryName := texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]
	if name == "" {
		if name, err = ref.get("name").text(); err != nil {
			return nil, err
		}
	}
	if name == "" {
		name = legal
	}
	org := &party{name: name, path: src.path()}
	org.country = countryFromCode(code)
	if org.country == "" {
		org.country = r.o.look.countryOf(countryName)
	}
	if org.country == "" {
		org.country = countryFromScheme(scheme)
	}
	canon := canonicalScheme(scheme)
	switch {
	case iid != "" && (canon == "KZ-BIN" || canon == "KZ-IIN" || canon == "KZ-BIIN") && len(iid) == 12 && fieldtext.DigitsOnly(iid):
		org.key, org.bin = iid, iid
	case iid != "" && canon != "":
		org.key = canon + "-" + iid
	case iid != "":
		org.key = r.prefix + "/" + iid
	case id != "":
		org.key = r.prefix + "/" + id
	case name != "":
		org.key = r.prefix + "/" + name
	default:
		return nil, perr(ref, "want an organization with an identifier, an id or a name")
	}
	return org, nil
}

// subject is a buyer or supplier as staged.
func (r *releaseReader) subject(org *party) record.Party {
	var bin *string
	if org.bin != "" {
		b := org.bin
		bin = &b
	}
	return record.Party{
		Loc:        r.o.loc(org.path),
		Identifier: org.key,
		BIN:        bin,
		NameRu:     org.name,
		Country:    org.country,
		Resident:   org.country == r.o.look.home,
		BuyerType:  r.o.look.buyerTypes.Of(org.name, ""),
	}
}
