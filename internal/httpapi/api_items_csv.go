package httpapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/report"
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
	return c.SendStream(&itemsCSV{rows: rows, done: cancel, log: s.log})
}

// itemRows is what itemsCSV reads: store.ItemRows.
type itemRows interface {
	NextRaw() bool
	Raw() [][]byte
	Err() error
	Close()
}

// itemsCSV is the download as a reader that makes its lines as the connection asks for them, from the
// rows' bytes: pgx's decoding into strings and csv.Writer's checks of each field took as much CPU as the
// database's side of the query. The server copies a body stream to the client a few KiB at a time; a
// writer of the body would run on a goroutine of its own behind a pipe, at the cost of a copy of every byte
// and a hand-over per chunk (docs/performance.md § The download, eighth run). The server closes it when
// the response ends, also when the client went away.
type itemsCSV struct {
	rows   itemRows
	done   func() // releases the query's context
	log    *slog.Logger
	buf    []byte
	off    int
	n      int // rows read
	header bool
	ended  bool
}

// itemsCSVFill is how much a refill makes at least: lines a few at a time would cost a check of the rows
// per line, and one refill of a whole download its memory.
const itemsCSVFill = 64 << 10

func (r *itemsCSV) Read(p []byte) (int, error) {
	if r.off == len(r.buf) {
		if r.ended {
			return 0, io.EOF
		}
		r.fill()
		if r.off == len(r.buf) {
			return 0, io.EOF // the rows ended at the refill, with nothing left to say
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// fill makes the next lines into buf: the header first, and at the end of the rows the line that says the
// file is incomplete when they ended in an error, which can no longer change the status.
func (r *itemsCSV) fill() {
	if r.buf == nil {
		r.buf = make([]byte, 0, itemsCSVFill+4<<10)
	}
	r.buf, r.off = r.buf[:0], 0
	if !r.header {
		r.header = true
		for i, name := range itemColumns {
			if i > 0 {
				r.buf = append(r.buf, ',')
			}
			r.buf = appendCSVField(r.buf, []byte(name))
		}
		r.buf = append(r.buf, '\n')
	}
	for len(r.buf) < itemsCSVFill {
		if !r.rows.NextRaw() {
			r.ended = true
			if err := r.rows.Err(); err != nil {
				r.log.Error("items download cut short", "err", err, "rows", r.n)
				r.buf = append(r.buf, "ERROR: this download is incomplete; download it again\n"...)
			}
			return
		}
		r.buf = appendItemLine(r.buf, r.rows.Raw())
		r.n++
	}
}

// Close ends the query and its transaction.
func (r *itemsCSV) Close() error {
	r.rows.Close()
	r.done()
	return nil
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
			if i != quantityColumn && report.LooksLikeFormula(v) { // rare: a copy, to keep the apostrophe inside the quotes
				v = append([]byte{'\''}, v...)
			}
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

// quantityColumn is the one text column that holds a number, which FormulaSafe must leave as it is.
var quantityColumn = slices.Index(itemColumns, "quantity")

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
