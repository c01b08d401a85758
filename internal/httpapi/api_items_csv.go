package httpapi

import (
	"bufio"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/store"
)

// itemColumns is the header of the items download; amounts are tenge with VAT, percentages exact to the
// hundredth.
var itemColumns = []string{"source", "contract_id", "signed_on", "buyer_bin", "buyer_name", "buyer_type", "supplier_id",
	"supplier_name", "supplier_country", "category", "region", "kato", "method", "status", "enstru_code", "item_name",
	"quantity", "unit", "value_kzt", "supplier_tier", "tier_rule", "local_content_pct", "local_content_certified_pct",
	"contract_local_content_published_pct"}

// exportTimeout bounds one download: a million rows take seconds; a stalled client must not hold a
// connection for ever.
const exportTimeout = 30 * time.Minute

// apiItemsCSV answers GET /api/v1/items.csv with the explorer's filter: every counted item, streamed as it
// is read, so any number of rows is sent in constant memory. An error after the first row can no longer
// change the status: the file then ends with a line that says it is incomplete.
func (s *Server) apiItemsCSV(c fiber.Ctx) error {
	scope, err := s.scopeParams(c, false)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	rows, err := s.store.CountedItemRows(ctx, s.db, scope, language(c))
	if err != nil {
		cancel()
		return unknownCategory(err, scope.Category)
	}
	name := "ules-items-" + scope.From.Format(time.DateOnly) + "-" + scope.To.Format(time.DateOnly) + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.SendStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		defer rows.Close()
		// csv.Writer's own 4 KiB buffer would hand the stream a chunk, and the socket a write, every 4 KiB.
		out := csv.NewWriter(bufio.NewWriterSize(w, 256<<10))
		_ = out.Write(itemColumns)
		record := make([]string, len(itemColumns))
		n := 0
		for rows.Next() {
			itemRecord(record, rows.Item())
			if err := out.Write(record); err != nil {
				return // the client went away
			}
			if n++; n%4096 == 0 {
				out.Flush()
				if out.Error() != nil || w.Flush() != nil {
					return
				}
			}
		}
		if err := rows.Err(); err != nil {
			s.log.Error("items download cut short", "err", err, "rows", n)
			_ = out.Write([]string{"ERROR: this download is incomplete; download it again"})
		}
		out.Flush()
	})
}

// itemRecord fills record with an item's columns in itemColumns order.
func itemRecord(record []string, it *store.ExportItem) {
	record[0], record[1], record[2] = it.Source, it.ContractID, it.SignedOn.Format(time.DateOnly)
	record[3], record[4], record[5] = it.BuyerBin, it.BuyerName, it.BuyerType
	record[6], record[7], record[8] = it.SupplierID, it.SupplierName, it.SupplierCountry
	record[9], record[10], record[11], record[12], record[13] = it.Category, it.Region, it.KATO, it.Method, it.Status
	record[14], record[15], record[16], record[17] = it.EnstruCode, it.ItemName, it.Quantity, it.Unit
	record[18], record[19], record[20] = money.FormatMajor(it.Value), strconv.Itoa(int(it.Tier)), it.TierRule
	record[21], record[22], record[23] = optionalPercent(it.LocalContentBp), optionalPercent(it.LocalContentCertifiedBp),
		optionalPercent(it.LocalContentPublishedBp)
}

func optionalPercent(bp *int32) string {
	if bp == nil {
		return ""
	}
	return money.FormatMajor(int64(*bp))
}
