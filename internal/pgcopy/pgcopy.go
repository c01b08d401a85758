// Package pgcopy writes rows in PostgreSQL's binary COPY format and streams them to the server while it
// encodes them. It knows column types, not tables: the caller writes each row's values in its statement's
// column order.
package pgcopy

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ules-kz/ules/internal/money"
)

// Rows encodes rows in PostgreSQL's binary COPY format into one reused buffer. pgx's generic CopyFrom boxes
// every value and plans its encoding (a fifth of an import's CPU), where these rows have a handful of fixed
// types. Numerics that are not plain decimals still go through pgx.
type Rows struct {
	buf    []byte
	types  *pgtype.Map
	fields int
	err    error
}

var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// pgEpoch is where PostgreSQL counts dates and timestamps from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// New returns an encoder of rows of the given number of fields; types encodes the numerics pgx must.
func New(types *pgtype.Map, fields int) *Rows {
	c := &Rows{buf: make([]byte, 0, 1<<20), types: types, fields: fields}
	c.reset()
	return c
}

// reset starts a new stream, keeping the buffer.
func (c *Rows) reset() {
	c.buf = append(c.buf[:0], copyHeader...)
	c.err = nil
}

// Row starts a row; its fields follow, one call each.
func (c *Rows) Row() { c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(c.fields)) }

// Null writes a NULL field.
func (c *Rows) Null() { c.buf = binary.BigEndian.AppendUint32(c.buf, math.MaxUint32) }

// Int8 writes a bigint.
func (c *Rows) Int8(v int64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, uint64(v))
}

// Int8Ptr writes a bigint, NULL for nil.
func (c *Rows) Int8Ptr(v *int64) {
	if v == nil {
		c.Null()
		return
	}
	c.Int8(*v)
}

// Int4Ptr writes an integer, NULL for nil.
func (c *Rows) Int4Ptr(v *int32) {
	if v == nil {
		c.Null()
		return
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(*v))
}

// Int2 writes a smallint.
func (c *Rows) Int2(v int16) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 2)
	c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(v))
}

// Bool writes a boolean.
func (c *Rows) Bool(v bool) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 1)
	if v {
		c.buf = append(c.buf, 1)
	} else {
		c.buf = append(c.buf, 0)
	}
}

// Text writes a text field.
func (c *Rows) Text(v string) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(v)))
	c.buf = append(c.buf, v...)
}

// TextPtr writes a text field, NULL for nil.
func (c *Rows) TextPtr(v *string) {
	if v == nil {
		c.Null()
		return
	}
	c.Text(*v)
}

// Date writes the calendar day t shows in its own location, as pgx does.
func (c *Rows) Date(t time.Time) {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(int32(day.Sub(pgEpoch).Hours()/24)))
}

// TimestamptzPtr writes a timestamptz, NULL for nil.
func (c *Rows) TimestamptzPtr(t *time.Time) {
	if t == nil {
		c.Null()
		return
	}
	c.Int8(t.UnixMicro() - pgEpoch.UnixMicro())
}

// Numeric writes a decimal written as text (an exponent allowed).
func (c *Rows) Numeric(v string) {
	if out, ok := AppendNumeric(c.buf, v); ok {
		c.buf = out
		return
	}
	plain, err := money.Plain(v) // pgx reads no exponent
	if err != nil {
		c.Fail(fmt.Errorf("read %q as a number: %w", v, err))
		return
	}
	var n pgtype.Numeric
	if err := n.Scan(plain); err != nil {
		c.Fail(fmt.Errorf("read %q as a number: %w", v, err))
		return
	}
	lenAt := len(c.buf)
	c.buf = append(c.buf, 0, 0, 0, 0)
	out, err := c.types.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, c.buf)
	if err != nil {
		c.Fail(fmt.Errorf("encode %q as numeric: %w", v, err))
		return
	}
	c.buf = out
	binary.BigEndian.PutUint32(c.buf[lenAt:], uint32(len(c.buf)-lenAt-4))
}

// AppendNumeric appends the binary numeric value (length included) of a plain decimal, [+-]digits[.digits];
// ok is false for any other text, which takes pgx's slower path. Quantities are nearly all plain, and pgx
// goes through math/big for each.
func AppendNumeric(buf []byte, s string) (out []byte, ok bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || !digitsOnly(whole) || (frac != "" && !digitsOnly(frac)) {
		return buf, false
	}
	whole = strings.TrimLeft(whole, "0")
	var groups [32]uint16 // base-10000 digits, most significant first
	n := 0
	if (len(whole)+3)/4+(len(frac)+3)/4 > len(groups) {
		return buf, false
	}
	weight := (len(whole)+3)/4 - 1
	for i, w := 0, (len(whole)-1)%4+1; i < len(whole); i, w = i+w, 4 {
		groups[n] = uint16(atoiDigits(whole[i : i+w]))
		n++
	}
	for i := 0; i < len(frac); i += 4 {
		part := frac[i:min(i+4, len(frac))]
		g := atoiDigits(part)
		for range 4 - len(part) {
			g *= 10
		}
		groups[n] = uint16(g)
		n++
	}
	first := 0
	for first < n && groups[first] == 0 { // only a number below one has leading zero groups
		first++
		weight--
	}
	for n > first && groups[n-1] == 0 {
		n--
	}
	var sign uint16
	switch {
	case first == n:
		weight = 0
	case neg:
		sign = 0x4000
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(8+2*(n-first)))
	buf = binary.BigEndian.AppendUint16(buf, uint16(n-first))
	buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(frac)))
	for _, g := range groups[first:n] {
		buf = binary.BigEndian.AppendUint16(buf, g)
	}
	return buf, true
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiDigits reads at most four decimal digits.
func atoiDigits(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// Fail keeps the first error, which Stream returns, and writes a NULL in place of the field; the COPY is abandoned and nothing of it is stored.
func (c *Rows) Fail(err error) {
	if c.err == nil {
		c.err = err
	}
	c.Null() // keeps the row's shape
}

// NumericPtr writes a decimal, NULL for nil.
func (c *Rows) NumericPtr(v *string) {
	if v == nil {
		c.Null()
		return
	}
	c.Numeric(*v)
}

// Stream sends a new stream of rows with a COPY statement while it encodes them: write(i) appends the rows of
// the i-th of n parts. PostgreSQL stores one block while Go encodes the next, where encoding everything
// first left it waiting.
func (c *Rows) Stream(ctx context.Context, tx pgx.Tx, statement string, n int, write func(i int)) error {
	c.reset()
	r := &reader{c: c, n: n, write: write}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, r, statement)
	if c.err != nil {
		return c.err
	}
	return err
}

// reader encodes parts on demand; pgconn reads it on a goroutine of its own, one block at a time.
type reader struct {
	c       *Rows
	n, next int
	write   func(int)
	pos     int
	ended   bool
}

func (r *reader) Read(p []byte) (int, error) {
	if r.pos > 0 { // keep the buffer to about one block
		r.c.buf = r.c.buf[:copy(r.c.buf, r.c.buf[r.pos:])]
		r.pos = 0
	}
	for len(r.c.buf) < len(p) && !r.ended {
		if r.next == r.n {
			r.c.buf = binary.BigEndian.AppendUint16(r.c.buf, math.MaxUint16) // the trailer: -1
			r.ended = true
			break
		}
		r.write(r.next)
		r.next++
		if r.c.err != nil {
			return 0, r.c.err
		}
	}
	n := copy(p, r.c.buf)
	r.pos = n
	if r.ended && n == len(r.c.buf) {
		return n, io.EOF
	}
	return n, nil
}
