package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

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
		// A line at a time into one buffer, handed to the stream every flushBytes: pgx's decoding into
		// strings and csv.Writer's checks of each field took as much CPU as the database's side of the
		// query (docs/performance.md § The download, fifth run).
		buf := make([]byte, 0, flushBytes+4<<10)
		for i, name := range itemColumns {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendCSVField(buf, []byte(name))
		}
		buf = append(buf, '\n')
		n := 0
		for rows.NextRaw() {
			buf = appendItemLine(buf, rows.Raw())
			n++
			if len(buf) >= flushBytes {
				if _, err := w.Write(buf); err != nil || w.Flush() != nil {
					return // the client went away
				}
				buf = buf[:0]
			}
		}
		if err := rows.Err(); err != nil {
			s.log.Error("items download cut short", "err", err, "rows", n)
			buf = append(buf, "ERROR: this download is incomplete; download it again\n"...)
		}
		if _, err := w.Write(buf); err == nil {
			_ = w.Flush()
		}
	})
}

// appendItemLine appends an item's CSV line, its columns from store.ItemRows.Raw, as csv.Writer would
// write them: amounts in tenge and percentages to the hundredth, dates as YYYY-MM-DD, NULL as nothing.
func appendItemLine(b []byte, raw [][]byte) []byte {
	for i, v := range raw {
		if i > 0 {
			b = append(b, ',')
		}
		if v == nil {
			continue
		}
		switch store.ExportKinds[i] {
		case store.ExportText:
			b = appendCSVField(b, v)
		case store.ExportDate:
			b = store.ExportDay(v).AppendFormat(b, time.DateOnly)
		case store.ExportInteger:
			if i == tierColumn {
				b = strconv.AppendInt(b, store.ExportInt(v), 10)
			} else { // tiyn, or basis points of a percentage
				b = money.AppendMajor(b, store.ExportInt(v))
			}
		}
	}
	return append(b, '\n')
}

// flushBytes is how much of the download is gathered before it is handed to the stream.
const flushBytes = 256 << 10

// tierColumn is the one integer column of itemColumns that is a count, not hundredths.
var tierColumn = slices.Index(itemColumns, "supplier_tier")

// appendCSVField appends a field quoted where csv.Writer quotes it: around a separator, a quote, a line
// break, a leading space, or the field \. alone; quotes inside doubled.
func appendCSVField(b, field []byte) []byte {
	if !csvNeedsQuotes(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	for {
		i := bytes.IndexByte(field, '"')
		if i < 0 {
			break
		}
		b = append(append(b, field[:i+1]...), '"')
		field = field[i+1:]
	}
	return append(append(b, field...), '"')
}

func csvNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
		return true
	}
	for _, c := range field {
		if c == ',' || c == '"' || c == '\r' || c == '\n' {
			return true
		}
	}
	r, _ := utf8.DecodeRune(field)
	return unicode.IsSpace(r)
}
