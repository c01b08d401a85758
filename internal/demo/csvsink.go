package demo

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// csvColumns are the columns of the canonical template (sheet.TemplateColumns) this sink fills, in the
// order it builds its rows; TestCSVColumnsAreTemplateColumns keeps them among the template's.
var csvColumns = []string{
	"contract_id", "signed_on", "buyer_bin", "buyer_name", "buyer_name_kk", "supplier_id", "supplier_name",
	"supplier_name_kk", "supplier_country", "supplier_resident", "supplier_domestic_producer", "item_id",
	"enstru_code", "item_name", "item_name_kk", "description", "quantity", "unit", "unit_price", "value",
	"value_without_vat", "currency", "local_content_percent", "contract_total", "contract_local_content_percent",
	"kato", "fiscal_year", "method", "status", "updated_at", "deleted",
}

// CSVSink writes the canonical CSV template, one row per unit with its contract's columns repeated.
// Subjects are kept in memory (there are few); a contract's plan points and units are held until the
// contract itself arrives, which the generator sends after them.
func CSVSink(w io.Writer) (Sink, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvColumns); err != nil {
		return nil, fmt.Errorf("demo: write CSV header: %w", err)
	}
	return &csvSink{pending: newPending(), bw: bw, cw: cw}, nil
}

type csvSink struct {
	pending
	bw  *bufio.Writer
	cw  *csv.Writer
	row []string
}

func (s *csvSink) Contract(c Contract) error {
	buyer, supplier := s.subjects[c.CustomerBIN], s.subjects[c.SupplierBIIN]
	for _, u := range s.units {
		if u.ContractID != c.ID {
			return fmt.Errorf("demo: unit %d of contract %d was followed by contract %d", u.ID, u.ContractID, c.ID)
		}
		p := s.plans[u.PlanPointID]
		s.row = append(s.row[:0],
			strconv.FormatInt(c.ID, 10), c.SignDate.Format("2006-01-02"), c.CustomerBIN, buyer.NameRu, buyer.NameKz,
			c.SupplierBIIN, supplier.NameRu, supplier.NameKz, strconv.Itoa(supplier.CountryCode), flag(supplier.Resident),
			flag(supplier.DomesticProducer), strconv.FormatInt(u.ID, 10), p.ENSTRU, p.NameRu, p.NameKz, c.DescriptionRu,
			strconv.FormatInt(u.Quantity, 10), p.UnitCode, string(appendCents(nil, u.PriceWithVAT)),
			string(appendCents(nil, u.TotalWithVAT)), string(appendCents(nil, u.Total)), "KZT",
			string(appendCents(nil, u.LocalContent)), string(appendCents(nil, c.SumWithVAT)),
			string(appendCents(nil, c.LocalContent)), s.katos[u.PlanPointID], strconv.Itoa(c.FinYear),
			strconv.Itoa(c.TradeMethodID), strconv.Itoa(c.StatusID), c.LastUpdate.Format(portalTime), flag(u.Deleted || c.Deleted),
		)
		if err := s.cw.Write(s.row); err != nil {
			return fmt.Errorf("demo: write CSV row: %w", err)
		}
	}
	s.written()
	return nil
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *csvSink) Close() error {
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return fmt.Errorf("demo: write CSV: %w", err)
	}
	if err := s.bw.Flush(); err != nil {
		return fmt.Errorf("demo: write CSV: %w", err)
	}
	return nil
}
