package ocds

// A release: its contracts and awards made into contract records.

import (
	"fmt"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// party is a buyer or supplier as staged.
type party struct {
	key, bin, name, country string
	path                    string
}

// releaseReader is one release (or compiled record) being staged.
type releaseReader struct {
	o       *fileReader
	n       node
	ocid    string
	prefix  string // the publisher's ocid prefix, which scopes identifiers without a scheme
	updated *time.Time
	method  string
	tender  node
	parties map[string]node
	order   []node
	awards  []node
	cons    []node

	buyer     *party
	buyerErr  error
	buyerDone bool
}

// withdraw says that this release, a version of the contract stored as sourceID, no longer counts it: a
// contract cancelled in a newer release than the one that counted it stops counting.
func (r *releaseReader) withdraw(n node, sourceID string) error {
	if r.updated == nil {
		return nil // without a version, nothing says this release is the newer one
	}
	return r.o.sink.Deal(r.o.ctx, record.Deal{Withdrawn: true, Contracts: []record.Contract{{
		Loc: r.o.loc(n.path()), SourceID: sourceID, Status: "cancelled", UpdatedAt: r.updated,
	}}})
}

// release stages the active and terminated contracts of one release. ocid stands in when the release has
// none (a record's compiledRelease); date, when given, is the version (a release compiled here).
func (o *fileReader) release(n node, ocid string, date *time.Time) error {
	if n.v == nil {
		return perr(n, "want a release (a JSON object), got null")
	}
	if _, err := n.object(); err != nil {
		return err
	}
	r := &releaseReader{o: o, n: n, parties: map[string]node{}}
	own, err := n.get("ocid").text()
	if err != nil {
		return err
	}
	if own != "" {
		ocid = own
	}
	if ocid == "" {
		return perr(n.get("ocid"), "required: every release and record has an ocid")
	}
	r.ocid, r.prefix = ocid, ocidPrefix(ocid)
	if date != nil {
		r.updated = date
	} else if r.updated, err = dateAt(n.get("date")); err != nil {
		return err
	}
	if r.order, err = n.get("parties").objects(); err != nil {
		return err
	}
	for _, p := range r.order {
		id, err := p.get("id").text()
		if err != nil {
			return err
		}
		if _, dup := r.parties[id]; id != "" && !dup {
			r.parties[id] = p
		}
	}
	r.tender = n.get("tender")
	if _, err := r.tender.object(); err != nil {
		return err
	}
	method, err := r.tender.get("procurementMethod").text()
	if err != nil {
		return err
	}
	details, err := r.tender.get("procurementMethodDetails").text()
	if err != nil {
		return err
	}
	r.method = r.o.look.method(method, details)
	if r.awards, err = n.get("awards").objects(); err != nil {
		return err
	}
	if r.cons, err = n.get("contracts").objects(); err != nil {
		return err
	}
	return r.stage()
}

// ocidPrefix is the publisher's prefix of an ocid ("ocds-be6bcu" of "ocds-be6bcu-UA-2016-…").
func ocidPrefix(ocid string) string {
	parts := strings.SplitN(strings.ToLower(ocid), "-", 3)
	if len(parts) >= 2 && parts[0] == "ocds" {
		return parts[0] + "-" + parts[1]
	}
	return strings.ToLower(ocid)
}

func countable(status string, contract bool) bool {
	switch strings.ToLower(status) {
	case "active":
		return true
	case "terminated":
		return contract
	}
	return false
}

// skipUncounted reports a status outside the OCDS codelists (contractStatus, awardStatus), which is
// usually a publisher's own word for one of them: its records are not counted, and the user should know.
func (r *releaseReader) skipUncounted(status string, contract bool) {
	switch s := strings.ToLower(status); {
	case s == "pending" || s == "cancelled" || (contract && s == "terminated") || (!contract && s == "unsuccessful"):
		return
	case contract:
		r.o.errs.Skip(fmt.Sprintf("contracts whose status %q is not in the OCDS codelist (active and terminated ones are counted)", status))
	case status == "":
		r.o.errs.Skip("awards without contracts and without a status (active ones are counted)")
	default:
		r.o.errs.Skip(fmt.Sprintf("awards without contracts whose status %q is not in the OCDS codelist (active ones are counted)", status))
	}
}

// stage decides which awards and contracts are counted and stages them.
func (r *releaseReader) stage() error {
	awardIDs := make([]string, len(r.awards))
	awardByID := map[string]int{}
	for i, a := range r.awards {
		id, err := a.get("id").text()
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			awardIDs[i] = "\x00bad"
			continue
		}
		awardIDs[i] = id
		if _, dup := awardByID[id]; id != "" && !dup {
			awardByID[id] = i
		}
	}
	contractsOf := map[string]int{}  // award id → number of contracts
	firstCounted := map[string]int{} // award id → its first counted contract
	links := make([]string, len(r.cons))
	statuses := make([]string, len(r.cons))
	bad := make([]bool, len(r.cons))
	for j, c := range r.cons {
		aid, err := c.get("awardID").text()
		if err == nil {
			statuses[j], err = c.get("status").text()
		}
		if err != nil {
			bad[j] = true
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		links[j] = aid
		if _, ok := awardByID[aid]; !ok || aid == "" {
			continue
		}
		contractsOf[aid]++
		if _, seen := firstCounted[aid]; !seen && countable(statuses[j], true) {
			firstCounted[aid] = j
		}
	}
	for j, c := range r.cons {
		if bad[j] {
			continue
		}
		if !countable(statuses[j], true) {
			r.skipUncounted(statuses[j], true)
			// An earlier version may have counted it under its own id; under its award's, the award's
			// withdrawal below.
			if id, _ := c.get("id").text(); id != "" {
				if err := r.withdraw(c, r.ocid+"/"+id); err != nil {
					return err
				}
			}
			continue
		}
		d := deal{main: c, contract: &r.cons[j], status: strings.ToLower(statuses[j]), awardID: links[j]}
		if i, ok := awardByID[links[j]]; ok && links[j] != "" {
			d.award = &r.awards[i]
			d.sole = contractsOf[links[j]] == 1
			if firstCounted[links[j]] == j {
				d.sourceID = r.ocid + "/" + links[j]
				// It may have been a later contract of the award before, stored under its own id.
				if id, _ := c.get("id").text(); id != "" && id != links[j] {
					if err := r.withdraw(c, r.ocid+"/"+id); err != nil {
						return err
					}
				}
			}
		}
		// A contract that extends or amends another (extendsContractID) borrows its supplier and award.
		ext, err := c.get("extendsContractID").text()
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		if ext != "" {
			for k, e := range r.cons {
				if id, _ := e.get("id").text(); id == ext && k != j {
					d.extends = &r.cons[k]
					if i, ok := awardByID[links[k]]; ok && d.award == nil && links[k] != "" {
						d.award = &r.awards[i]
					}
					break
				}
			}
		}
		if d.sourceID == "" {
			id, err := c.get("id").text()
			if err == nil && id == "" {
				err = perr(c.get("id"), "required: a contract has an id")
			}
			if err != nil {
				if err := r.o.report(err); err != nil {
					return err
				}
				continue
			}
			d.sourceID = r.ocid + "/" + id
		}
		if err := r.o.report(r.stageDeal(d)); err != nil {
			return err
		}
	}
	for i, a := range r.awards {
		id := awardIDs[i]
		if id == "\x00bad" {
			continue
		}
		if contractsOf[id] > 0 {
			// Its contracts stand for it now; with none counted (pending, cancelled) nothing does, and an
			// earlier version that counted the award alone, or its first contract, under its id stops.
			if _, counted := firstCounted[id]; !counted && id != "" {
				if err := r.withdraw(a, r.ocid+"/"+id); err != nil {
					return err
				}
			}
			continue
		}
		status, err := a.get("status").text()
		if err == nil && countable(status, false) && id == "" {
			err = perr(a.get("id"), "required: an award has an id")
		}
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		if !countable(status, false) {
			r.skipUncounted(status, false)
			if s := strings.ToLower(status); (s == "cancelled" || s == "unsuccessful") && id != "" {
				if err := r.withdraw(a, r.ocid+"/"+id); err != nil {
					return err
				}
			}
			continue
		}
		d := deal{main: a, award: &r.awards[i], sole: true, status: "active", sourceID: r.ocid + "/" + id}
		if err := r.o.report(r.stageDeal(d)); err != nil {
			return err
		}
	}
	return nil
}

// deal is one contract to stage: an OCDS contract with its award, or an award without contracts.
type deal struct {
	main     node  // the contract, or the award
	contract *node // nil for an award alone
	award    *node // the contract's award, when the release has it
	extends  *node // the contract this one amends (extendsContractID), when the release has it
	awardID  string
	sole     bool // the award has this one contract (its value and items are the contract's)
	status   string
	sourceID string
}

func (d deal) what() string {
	if d.contract != nil {
		return "contract"
	}
	return "award"
}

// checkedItem is one item, checked.
type checkedItem struct {
	path     string
	id       string
	enstru   string
	name     string
	desc     string
	unit     string
	quantity string
	price    *amount
	currency node
	value    *int64 // quantity × unit price, or the item's share of the contract value
	category *int32
}

func (r *releaseReader) stageDeal(d deal) error {
	// An amendment without a value or items of its own (a longer term, say) adds no money: it is not counted.
	if d.contract != nil && d.contract.get("extendsContractID").v != nil {
		v, err := valueAt(d.contract.get("value"))
		if err != nil {
			return err
		}
		if items, _ := d.contract.get("items").list(); v.amount == nil && len(items) == 0 {
			return nil
		}
	}
	// Supplier: the contract's own (the contract suppliers extension), or the amended contract's, or else
	// the award's; the first one when several are named.
	var supRef *node
	for _, c := range []*node{d.contract, d.extends} {
		if c == nil || supRef != nil {
			continue
		}
		refs, err := c.get("suppliers").listOrOne()
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			supRef = &refs[0]
		}
	}
	if supRef == nil && d.award != nil {
		refs, err := d.award.get("suppliers").list()
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			supRef = &refs[0]
		}
	}
	if supRef == nil {
		if d.contract != nil && d.award == nil && d.awardID == "" {
			return perr(d.main, "no supplier: the contract names none and has no awardID")
		}
		if d.contract != nil && d.award == nil {
			return perr(d.main, "no supplier: the contract names none and its award %s is not in the release", d.awardID)
		}
		if d.contract == nil {
			return perr(d.main, "no supplier: the award names none")
		}
		return perr(d.main, "no supplier: neither the contract nor its award names one")
	}
	supplier, err := r.org(*supRef)
	if err != nil {
		return err
	}
	buyer, err := r.buyerOrg()
	if err != nil {
		return err
	}
	if buyer == nil {
		return perr(d.main, "no buyer: the release has no buyer, no party with the role buyer and no tender.procuringEntity")
	}

	// Value: the contract's, or its award's when the award has no other contract.
	var val value
	if d.contract != nil {
		if val, err = valueAt(d.contract.get("value")); err != nil {
			return err
		}
	}
	if val.amount == nil && d.award != nil && d.sole {
		av, err := valueAt(d.award.get("value"))
		if err != nil {
			return err
		}
		if av.amount != nil {
			val = av
		}
	}
	valueNode := d.main.get("value")
	if !val.node.isZero() {
		valueNode = val.node
	}
	total, currency := val.amount, val.currency
	currencyNode := valueNode.get("currency")
	// A terminated contract counts at what was paid (methodology.md): its transactions go to Paid, by
	// which counted_items scales its items, and the value stays the contract's. With no value at all,
	// what was paid is the total too.
	var paid *amount
	if d.status == "terminated" {
		p, cur, curNode, err := transactions(d.contract.get("implementation").get("transactions"), currency)
		if err != nil {
			return err
		}
		if p != nil {
			paid = p
			if currency == "" {
				currency, currencyNode = cur, curNode
			}
		}
	}

	// Signing date: the contract's, or its award's.
	var signed *time.Time
	signedNode := d.main.get("date")
	if d.contract != nil {
		signedNode = d.contract.get("dateSigned")
		if signed, err = dateAt(signedNode); err != nil {
			return err
		}
	}
	if signed == nil && d.award != nil {
		if signed, err = dateAt(d.award.get("date")); err != nil {
			return err
		}
	}
	if signed == nil {
		if d.contract != nil {
			return perr(signedNode, "required: neither the contract's dateSigned nor its award's date is given")
		}
		return perr(signedNode, "required: the award has no date")
	}

	// Items: the contract's, or its award's when the award has no other contract.
	var itemNodes []node
	if d.contract != nil {
		if itemNodes, err = d.contract.get("items").objects(); err != nil {
			return err
		}
	}
	if len(itemNodes) == 0 && d.award != nil && d.sole {
		if itemNodes, err = d.award.get("items").objects(); err != nil {
			return err
		}
	}
	items := make([]checkedItem, 0, len(itemNodes))
	seen := map[string]bool{}
	for i, n := range itemNodes {
		it, err := r.item(n, i)
		if err != nil {
			return err
		}
		if seen[it.id] {
			it.id = fmt.Sprintf("%s#%d", it.id, i+1)
		}
		seen[it.id] = true
		items = append(items, it)
	}

	// Currency and total: a contract without a value is the sum of its items when all have a price.
	allPriced := len(items) > 0
	var sum int64
	for _, it := range items {
		if it.value == nil {
			allPriced = false
			continue
		}
		sum += *it.value
		if sum > maxMinor {
			return perr(it.currency, "the items add up to an implausibly large amount")
		}
		if c, _ := it.currency.text(); c != "" {
			c = strings.ToUpper(c)
			if currency == "" {
				currency, currencyNode = c, it.currency
			} else if c != currency {
				return perr(it.currency, "%s differs from the %s's currency %s", c, d.what(), currency)
			}
		}
	}
	if total == nil && !allPriced && paid != nil {
		total = paid
	}
	if total == nil {
		if !allPriced {
			why := "and not all of its items have a unit price"
			if len(items) == 0 {
				why = "and no items"
			}
			if d.contract != nil && d.award != nil && !d.sole {
				why += ", and its award's value covers several contracts"
			}
			return perr(valueNode.get("amount"), "required: the %s has no value %s", d.what(), why)
		}
		total = &amount{minor: sum}
	}
	if currency == "" {
		return perr(currencyNode, "required: the %s's value has no currency", d.what())
	}

	// Items without a price share what the priced ones leave of the total, equally.
	var unpriced []int
	for i, it := range items {
		if it.value == nil {
			unpriced = append(unpriced, i)
		}
	}
	if len(unpriced) > 0 {
		rest := max(total.minor-sum, 0)
		share := rest / int64(len(unpriced))
		for k, i := range unpriced {
			v := share
			if k == len(unpriced)-1 {
				v = rest - share*int64(len(unpriced)-1)
			}
			items[i].value = &v
		}
	}

	description := r.description(d)
	rec := record.Deal{
		Parties:    []record.Party{r.subject(buyer), r.subject(supplier)},
		PlanPoints: make([]record.PlanPoint, 0, len(items)),
		Items:      make([]record.Item, 0, len(items)),
	}
	for _, it := range items {
		loc := r.o.loc(it.path)
		rec.PlanPoints = append(rec.PlanPoints, record.PlanPoint{
			Loc: loc, PlanID: loc, EnstruCode: it.enstru, Name: it.name, Description: it.desc, Unit: it.unit,
			CategoryID: it.category,
		})
		quantity := it.quantity
		if quantity == "" {
			quantity = "0"
		}
		var price *int64
		if it.price != nil {
			price = &it.price.minor
		}
		rec.Items = append(rec.Items, record.Item{
			Loc: loc, SourceID: it.id, ContractSourceID: d.sourceID, PlanID: loc, Quantity: quantity,
			UnitPrice: price, Value: *it.value, Version: r.updated,
		})
	}
	t := total.minor
	var paidMinor *int64
	if paid != nil {
		paidMinor = &paid.minor
	}
	rec.Contracts = []record.Contract{{
		Loc:         r.o.loc(d.main.path()),
		SourceID:    d.sourceID,
		CustomerBin: buyer.key,
		SupplierKey: supplier.key,
		SignedOn:    *signed,
		Method:      r.method,
		Status:      d.status,
		Currency:    currency,
		Total:       &t,
		Paid:        paidMinor,
		Description: description,
		UpdatedAt:   r.updated,
		// OCDS replaces an items array whole: a newer version's items are the contract's items.
		CarriesItems:  true,
		ReplacesItems: true,
	}}
	return r.o.sink.Deal(r.o.ctx, rec)
}

// transactions sums a terminated contract's payments; nil when it has none.
func transactions(n node, currency string) (*amount, string, node, error) {
	txs, err := n.objects()
	if err != nil || len(txs) == 0 {
		return nil, "", node{}, err
	}
	var sum int64
	var curNode node
	for _, tx := range txs {
		// OCDS 1.1 writes a transaction's value as "value", OCDS 1.0 as "amount".
		vn := tx.get("value")
		if vn.v == nil {
			vn = tx.get("amount")
		}
		v, err := valueAt(vn)
		if err != nil {
			return nil, "", node{}, err
		}
		if v.amount == nil {
			return nil, "", node{}, perr(vn.get("amount"), "required: a transaction has an amount")
		}
		if v.currency != "" {
			if currency != "" && v.currency != currency {
				return nil, "", node{}, perr(vn.get("currency"), "%s differs from the contract's currency %s", v.currency, currency)
			}
			currency, curNode = v.currency, vn.get("currency")
		}
		if sum += v.amount.minor; sum > maxMinor {
			return nil, "", node{}, perr(vn.get("amount"), "the transactions add up to an implausibly large amount")
		}
	}
	if curNode.isZero() {
		curNode = txs[0].get("value").get("currency")
	}
	return &amount{minor: sum}, currency, curNode, nil
}
