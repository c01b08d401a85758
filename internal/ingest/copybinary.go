package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ules-kz/ules/internal/money"
)

// copyRows writes rows in PostgreSQL's binary COPY format. The direct load writes most of an import's
// bytes; pgx's generic CopyFrom boxed every value and planned its encoding and cost a fifth of the import's
// CPU, while these rows have a handful of fixed types. Numerics still go through pgx.
type copyRows struct {
	buf    []byte
	types  *pgtype.Map
	fields int
	err    error
}

var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// pgEpoch is where PostgreSQL counts dates and timestamps from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func newCopyRows(types *pgtype.Map, fields int) *copyRows {
	c := &copyRows{buf: make([]byte, 0, 1<<20), types: types, fields: fields}
	c.reset()
	return c
}

// reset starts a new stream, keeping the buffer.
func (c *copyRows) reset() {
	c.buf = append(c.buf[:0], copyHeader...)
	c.err = nil
}

func (c *copyRows) row() { c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(c.fields)) }

func (c *copyRows) null() { c.buf = binary.BigEndian.AppendUint32(c.buf, math.MaxUint32) }

func (c *copyRows) int8(v int64) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 8)
	c.buf = binary.BigEndian.AppendUint64(c.buf, uint64(v))
}

func (c *copyRows) int8p(v *int64) {
	if v == nil {
		c.null()
		return
	}
	c.int8(*v)
}

func (c *copyRows) int4p(v *int32) {
	if v == nil {
		c.null()
		return
	}
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(*v))
}

func (c *copyRows) int2(v int16) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 2)
	c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(v))
}

func (c *copyRows) boolean(v bool) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, 1)
	if v {
		c.buf = append(c.buf, 1)
	} else {
		c.buf = append(c.buf, 0)
	}
}

func (c *copyRows) text(v string) {
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(v)))
	c.buf = append(c.buf, v...)
}

func (c *copyRows) textp(v *string) {
	if v == nil {
		c.null()
		return
	}
	c.text(*v)
}

// date writes the calendar day t shows in its own location, as pgx does.
func (c *copyRows) date(t time.Time) {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	c.buf = binary.BigEndian.AppendUint32(c.buf, 4)
	c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(int32(day.Sub(pgEpoch).Hours()/24)))
}

func (c *copyRows) timestamptzp(t *time.Time) {
	if t == nil {
		c.null()
		return
	}
	c.int8(t.UnixMicro() - pgEpoch.UnixMicro())
}

// numeric writes a decimal written as text (an exponent allowed).
func (c *copyRows) numeric(v string) {
	plain, err := money.Plain(v) // pgx reads no exponent
	if err != nil {
		c.fail(fmt.Errorf("read %q as a number: %w", v, err))
		return
	}
	var n pgtype.Numeric
	if err := n.Scan(plain); err != nil {
		c.fail(fmt.Errorf("read %q as a number: %w", v, err))
		return
	}
	lenAt := len(c.buf)
	c.buf = append(c.buf, 0, 0, 0, 0)
	out, err := c.types.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, c.buf)
	if err != nil {
		c.fail(fmt.Errorf("encode %q as numeric: %w", v, err))
		return
	}
	c.buf = out
	binary.BigEndian.PutUint32(c.buf[lenAt:], uint32(len(c.buf)-lenAt-4))
}

// fail keeps the first error, which copyTo returns; the rows written meanwhile are never sent.
func (c *copyRows) fail(err error) {
	if c.err == nil {
		c.err = err
	}
	c.null() // keeps the row's shape
}

func (c *copyRows) numericp(v *string) {
	if v == nil {
		c.null()
		return
	}
	c.numeric(*v)
}

// copyTo sends the rows with a COPY statement naming the table's columns in the order they were written.
func (c *copyRows) copyTo(ctx context.Context, tx pgx.Tx, statement string) error {
	if c.err != nil {
		return c.err
	}
	c.buf = binary.BigEndian.AppendUint16(c.buf, math.MaxUint16) // the trailer: -1
	_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.buf), statement)
	return err
}
