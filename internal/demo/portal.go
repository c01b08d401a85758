package demo

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Endpoint folder names of a portal export, as `ules portal fetch` writes them.
const (
	EndpointSubject       = "subject"
	EndpointContract      = "contract"
	EndpointContractUnits = "contract-units"
	EndpointPlans         = "plans"
	EndpointPlansKato     = "plans-kato"
)

// endpoints lists the endpoint folders PortalSink writes, in the order of portalSink.pages.
var endpoints = [...]string{EndpointSubject, EndpointContract, EndpointContractUnits, EndpointPlans, EndpointPlansKato}

const portalTime = "2006-01-02 15:04:05"

// PortalSink returns a Sink that writes records as saved pages of the portal's OWS v3 REST API: one folder
// per endpoint under dir, each holding page-000001.json, page-000002.json, ... with up to pageSize items.
// Stale page files in those folders are removed first so a smaller dataset never mixes with a larger one.
// Memory use does not depend on the number of records.
func PortalSink(dir string, pageSize int) (Sink, error) {
	if pageSize <= 0 {
		return nil, fmt.Errorf("demo: page size %d is not positive", pageSize)
	}
	s := &portalSink{}
	for i, ep := range endpoints {
		d := filepath.Join(dir, ep)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("demo: create %s: %w", ep, err)
		}
		stale, err := filepath.Glob(filepath.Join(d, "page-*.json"))
		if err != nil {
			return nil, fmt.Errorf("demo: list %s pages: %w", ep, err)
		}
		for _, f := range stale {
			if err := os.Remove(f); err != nil {
				return nil, fmt.Errorf("demo: remove stale page: %w", err)
			}
		}
		s.pages[i] = &pager{dir: d, endpoint: ep, size: pageSize}
	}
	return s, nil
}

type portalSink struct {
	pages [len(endpoints)]*pager
	buf   []byte // One item, reused.
	key   []byte // The item's search_after key, reused.
}

func (s *portalSink) Subject(v Subject) error {
	b := append(s.buf[:0], `{"bin":`...)
	b = appendOptString(b, v.BIN)
	b = append(b, `,"iin":null,"inn":`...)
	b = appendOptString(b, v.INN)
	b = append(b, `,"name_ru":`...)
	b = appendString(b, v.NameRu)
	b = append(b, `,"name_kz":`...)
	b = appendString(b, v.NameKz)
	b = append(b, `,"country_code":`...)
	b = strconv.AppendInt(b, int64(v.CountryCode), 10)
	b = appendFlag(b, `,"mark_resident":`, v.Resident)
	b = appendFlag(b, `,"mark_patronymic_producer":`, v.DomesticProducer)
	b = appendFlag(b, `,"mark_patronymic_supplyer":`, v.DomesticSupplier)
	b = appendFlag(b, `,"customer":`, v.Customer)
	b = appendFlag(b, `,"supplier":`, v.Supplier)
	b = appendFlag(b, `,"mark_national_company":`, v.NationalCompany)
	b = append(b, '}')
	s.buf = b
	s.key = append(s.key[:0], v.BIIN()...)
	return s.pages[0].add(b, s.key)
}

func (s *portalSink) Contract(v Contract) error {
	b := append(s.buf[:0], `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"customer_bin":`...)
	b = appendString(b, v.CustomerBIN)
	b = append(b, `,"supplier_biin":`...)
	b = appendString(b, v.SupplierBIIN)
	b = append(b, `,"sign_date":`...)
	b = appendTime(b, v.SignDate)
	b = append(b, `,"fin_year":`...)
	b = strconv.AppendInt(b, int64(v.FinYear), 10)
	b = append(b, `,"contract_sum":`...)
	b = appendCents(b, v.Sum)
	b = append(b, `,"contract_sum_wnds":`...)
	b = appendCents(b, v.SumWithVAT)
	b = append(b, `,"ref_currency_code":"KZT","exchange_rate":1,"contract_ms":`...)
	b = appendCents(b, v.LocalContent)
	b = append(b, `,"ref_contract_status_id":`...)
	b = strconv.AppendInt(b, int64(v.StatusID), 10)
	b = append(b, `,"fakt_trade_methods_id":`...)
	b = strconv.AppendInt(b, int64(v.TradeMethodID), 10)
	b = append(b, `,"description_ru":`...)
	b = appendString(b, v.DescriptionRu)
	b = append(b, `,"description_kz":`...)
	b = appendString(b, v.DescriptionKz)
	b = appendFlag(b, `,"deleted":`, v.Deleted)
	b = append(b, `,"last_update_date":`...)
	b = appendTime(b, v.LastUpdate)
	b = append(b, '}')
	s.buf = b
	s.key = strconv.AppendInt(s.key[:0], v.ID, 10)
	return s.pages[1].add(b, s.key)
}

func (s *portalSink) Unit(v Unit) error {
	b := append(s.buf[:0], `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"contract_id":`...)
	b = strconv.AppendInt(b, v.ContractID, 10)
	b = append(b, `,"pln_point_id":`...)
	b = strconv.AppendInt(b, v.PlanPointID, 10)
	b = append(b, `,"item_price":`...)
	b = appendCents(b, v.Price)
	b = append(b, `,"item_price_wnds":`...)
	b = appendCents(b, v.PriceWithVAT)
	b = append(b, `,"quantity":`...)
	b = strconv.AppendInt(b, v.Quantity, 10)
	b = append(b, `,"total_sum":`...)
	b = appendCents(b, v.Total)
	b = append(b, `,"total_sum_wnds":`...)
	b = appendCents(b, v.TotalWithVAT)
	b = append(b, `,"ks_proc":`...)
	b = appendCents(b, v.LocalContent)
	b = append(b, `,"ks_sum":`...)
	b = appendCents(b, v.LocalContentSum)
	b = appendFlag(b, `,"deleted":`, v.Deleted)
	b = append(b, '}')
	s.buf = b
	s.key = strconv.AppendInt(s.key[:0], v.ID, 10)
	return s.pages[2].add(b, s.key)
}

func (s *portalSink) PlanPoint(v PlanPoint) error {
	b := append(s.buf[:0], `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"ref_enstru_code":`...)
	b = appendString(b, v.ENSTRU)
	b = append(b, `,"name_ru":`...)
	b = appendString(b, v.NameRu)
	b = append(b, `,"name_kz":`...)
	b = appendString(b, v.NameKz)
	b = append(b, `,"desc_ru":`...)
	b = appendString(b, v.DescRu)
	b = append(b, `,"ref_units_code":`...)
	b = appendString(b, v.UnitCode)
	b = append(b, '}')
	s.buf = b
	s.key = strconv.AppendInt(s.key[:0], v.ID, 10)
	return s.pages[3].add(b, s.key)
}

func (s *portalSink) PlanKato(v PlanKato) error {
	b := append(s.buf[:0], `{"pln_points_id":`...)
	b = strconv.AppendInt(b, v.PlanPointID, 10)
	b = append(b, `,"ref_kato_code":`...)
	b = appendString(b, v.KATO)
	b = append(b, '}')
	s.buf = b
	s.key = strconv.AppendInt(s.key[:0], v.PlanPointID, 10)
	return s.pages[4].add(b, s.key)
}

// Close finishes every endpoint's last page; an endpoint without records gets one empty page.
func (s *portalSink) Close() error {
	var errs []error
	for _, p := range s.pages {
		errs = append(errs, p.close())
	}
	return errors.Join(errs...)
}

// pager writes one endpoint's pages. A full page is finished only when the next item arrives, because
// only then is it known whether the page has a successor to link to.
type pager struct {
	dir, endpoint string
	size          int
	page          int // Number of the open page, 0 before the first.
	n             int // Items on the open page.
	f             *os.File
	w             *bufio.Writer
	last          []byte // search_after key of the last item written.
	err           error  // First failure; later calls return it.
	closed        bool
}

func (p *pager) add(item, key []byte) error {
	if p.err != nil {
		return p.err
	}
	if p.closed {
		return fmt.Errorf("demo: %s: write after close", p.endpoint)
	}
	if p.f != nil && p.n == p.size {
		if p.err = p.finish(true); p.err != nil {
			return p.err
		}
	}
	if p.f == nil {
		if p.err = p.open(); p.err != nil {
			return p.err
		}
	}
	if p.n > 0 {
		p.w.WriteString(",\n")
	} else {
		p.w.WriteByte('\n')
	}
	p.w.Write(item)
	p.n++
	p.last = append(p.last[:0], key...)
	return nil
}

func (p *pager) open() error {
	p.page++
	p.n = 0
	name := filepath.Join(p.dir, fmt.Sprintf("page-%06d.json", p.page))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("demo: %s page %d: %w", p.endpoint, p.page, err)
	}
	p.f = f
	if p.w == nil {
		p.w = bufio.NewWriterSize(f, 256<<10)
	} else {
		p.w.Reset(f)
	}
	p.w.WriteString(`{"items":[`)
	return nil
}

// finish ends the open page, linking it to the next one if there is one, and closes its file.
func (p *pager) finish(more bool) error {
	if p.n > 0 {
		p.w.WriteByte('\n')
	}
	p.w.WriteString(`],"next_page":`)
	next := ""
	if more {
		next = "/v3/" + p.endpoint + "?page=next&search_after=" + url.QueryEscape(string(p.last))
	}
	p.w.Write(appendString(nil, next))
	p.w.WriteString("}\n")
	err := p.w.Flush()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	p.f = nil
	if err != nil {
		return fmt.Errorf("demo: %s page %d: %w", p.endpoint, p.page, err)
	}
	return nil
}

func (p *pager) close() error {
	if p.closed {
		return p.err
	}
	p.closed = true
	if p.err != nil {
		if p.f != nil {
			p.f.Close()
		}
		return p.err
	}
	if p.f == nil {
		if p.err = p.open(); p.err != nil {
			return p.err
		}
	}
	p.err = p.finish(false)
	return p.err
}

// appendCents writes an amount held in hundredths (tiyn, basis points) as a JSON number with at most two
// decimals and no trailing zeros, straight from the integer so no float rounding can creep in.
func appendCents(b []byte, v int64) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	switch f := u % 100; {
	case f == 0:
	case f%10 == 0:
		b = append(b, '.', byte('0'+f/10))
	default:
		b = append(b, '.', byte('0'+f/10), byte('0'+f%10))
	}
	return b
}

func appendFlag(b []byte, key string, v bool) []byte {
	b = append(b, key...)
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, portalTime)
	return append(b, '"')
}

func appendOptString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

// appendString writes s as a JSON string. Only quotes, backslashes and control characters need escaping;
// Cyrillic and Kazakh letters stay readable UTF-8 as on the portal.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
