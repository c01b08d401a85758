package demo

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/biter777/countries"
)

// OCDSPrefix is the ocid prefix of generated releases.
const OCDSPrefix = "ocds-ules00-"

// OCDSSink writes OCDS 1.1 releases as JSON Lines, one compiled release per contract: buyer and supplier
// parties (supplier country as an English country name), the active award and the active contract with its
// items. OCDS items carry no value of their own, so each item's unit price is the unit's price without VAT
// and the contract and award values are the sum of price × quantity: the figures equal the portal's
// total_sum, not total_sum_wnds. Deleted units are left out; a deleted contract is written as cancelled.
func OCDSSink(w io.Writer) Sink {
	return &ocdsSink{pending: newPending(), w: bufio.NewWriterSize(w, 1<<16)}
}

type ocdsSink struct {
	pending
	w   *bufio.Writer
	buf []byte
}

// ocdsMethods are the demo's portal methods as OCDS's procurementMethod and, as the portal names them,
// procurementMethodDetails.
var ocdsMethods = map[int][2]string{
	2: {"open", "Открытый конкурс"},
	3: {"open", "Запрос ценовых предложений"},
	6: {"direct", "Из одного источника по несостоявшимся закупкам"},
}

func (s *ocdsSink) Contract(c Contract) error {
	buyer, supplier := s.subjects[c.CustomerBIN], s.subjects[c.SupplierBIIN]
	var total int64
	for _, u := range s.units {
		if !u.Deleted {
			total += u.Total
		}
	}
	id := strconv.FormatInt(c.ID, 10)
	status := "active"
	if c.Deleted || !statusCounts(c.StatusID) {
		status = "cancelled"
	}
	b := append(s.buf[:0], `{"ocid":`...)
	b = appendString(b, OCDSPrefix+id)
	b = append(b, `,"id":`...)
	b = appendString(b, OCDSPrefix+id+"-"+c.LastUpdate.Format("20060102150405"))
	b = append(b, `,"date":`...)
	b = appendString(b, c.LastUpdate.Format(time.RFC3339))
	b = append(b, `,"tag":["contract"],"initiationType":"tender","parties":[`...)
	b = s.appendParty(b, buyer, "buyer")
	b = append(b, ',')
	b = s.appendParty(b, supplier, "supplier")
	b = append(b, `],"buyer":{"id":`...)
	b = appendString(b, buyer.BIIN())
	b = append(b, `,"name":`...)
	b = appendString(b, buyer.NameRu)
	b = append(b, `},"tender":{"id":`...)
	b = appendString(b, id)
	b = append(b, `,"procurementMethod":`...)
	b = appendString(b, ocdsMethods[c.TradeMethodID][0])
	b = append(b, `,"procurementMethodDetails":`...)
	b = appendString(b, ocdsMethods[c.TradeMethodID][1])
	b = append(b, `},"awards":[{"id":`...)
	b = appendString(b, id)
	b = append(b, `,"status":`...)
	b = appendString(b, status)
	b = append(b, `,"date":`...)
	b = appendString(b, c.SignDate.Format(time.RFC3339))
	b = append(b, `,"suppliers":[{"id":`...)
	b = appendString(b, supplier.BIIN())
	b = append(b, `,"name":`...)
	b = appendString(b, supplier.NameRu)
	b = append(b, `}],"value":`...)
	b = appendValue(b, total)
	b = append(b, `}],"contracts":[{"id":`...)
	b = appendString(b, id)
	b = append(b, `,"awardID":`...)
	b = appendString(b, id)
	b = append(b, `,"status":`...)
	b = appendString(b, status)
	b = append(b, `,"dateSigned":`...)
	b = appendString(b, c.SignDate.Format(time.RFC3339))
	b = append(b, `,"value":`...)
	b = appendValue(b, total)
	b = append(b, `,"items":[`...)
	first := true
	for _, u := range s.units {
		if u.Deleted {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		p := s.plans[u.PlanPointID]
		b = append(b, `{"id":`...)
		b = appendString(b, strconv.FormatInt(u.ID, 10))
		b = append(b, `,"description":`...)
		b = appendString(b, p.NameRu)
		b = append(b, `,"classification":{"scheme":"ENSTRU","id":`...)
		b = appendString(b, p.ENSTRU)
		b = append(b, `},"quantity":`...)
		b = strconv.AppendInt(b, u.Quantity, 10)
		b = append(b, `,"unit":{"id":`...)
		b = appendString(b, p.UnitCode)
		b = append(b, `,"value":`...)
		b = appendValue(b, u.Price)
		b = append(b, `}}`...)
	}
	b = append(b, "]}]}\n"...)
	s.buf = b
	s.written()
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("demo: write OCDS release: %w", err)
	}
	return nil
}

func (s *ocdsSink) appendParty(b []byte, v Subject, role string) []byte {
	scheme, country := "KZ-BIN", "Kazakhstan"
	if v.BIN == "" {
		scheme, country = "XI-TAX", countries.ByNumeric(v.CountryCode).String()
	}
	b = append(b, `{"id":`...)
	b = appendString(b, v.BIIN())
	b = append(b, `,"name":`...)
	b = appendString(b, v.NameRu)
	b = append(b, `,"identifier":{"scheme":`...)
	b = appendString(b, scheme)
	b = append(b, `,"id":`...)
	b = appendString(b, v.BIIN())
	b = append(b, `},"address":{"countryName":`...)
	b = appendString(b, country)
	b = append(b, `},"roles":[`...)
	b = appendString(b, role)
	return append(b, `]}`...)
}

func appendValue(b []byte, minor int64) []byte {
	b = append(b, `{"amount":`...)
	b = appendCents(b, minor)
	return append(b, `,"currency":"KZT"}`...)
}

func (s *ocdsSink) Close() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("demo: write OCDS: %w", err)
	}
	return nil
}
