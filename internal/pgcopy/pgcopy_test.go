package pgcopy

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
)

// TestRowsMatchPostgres writes values of every type Rows knows through binary COPY and requires
// PostgreSQL to read each as it reads the same value written as SQL text.
func TestRowsMatchPostgres(t *testing.T) {
	t.Parallel()
	tx := pgtest.Tx(t)
	ctx := t.Context()
	almaty := time.FixedZone("Asia/Almaty", 5*3600)
	updated := time.Date(2024, 3, 1, 23, 30, 0, 123456000, almaty)
	big, negative, bp := int64(8_999_999_999_999_999), int64(-42), int32(10000)
	rate := "470.55"
	rows := []struct {
		i8     int64
		i8p    *int64
		i4p    *int32
		i2     int16
		b      bool
		text   string
		textp  *string
		date   time.Time
		ts     *time.Time
		num    string
		nump   *string
		expect string // the same row as SQL literals
	}{
		{i8: big, i8p: &negative, i4p: &bp, i2: 3, b: true, text: "Школьная форма \t\"x\"\\", textp: &rate,
			date: time.Date(2016, 1, 4, 0, 0, 0, 0, almaty), ts: &updated, num: "1.5e3", nump: &rate,
			expect: `(8999999999999999, -42, 10000, 3::smallint, true, E'Школьная форма \t"x"\\', '470.55', DATE '2016-01-04',
				TIMESTAMPTZ '2024-03-01 23:30:00.123456+05', 1.5e3::numeric, 470.55::numeric)`},
		{i8: 0, date: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), num: "0.000100", text: "",
			expect: `(0, NULL::bigint, NULL::integer, 0::smallint, false, '', NULL::text, DATE '1999-12-31',
				NULL::timestamptz, 0.000100::numeric, NULL::numeric)`},
		{i8: -1, date: time.Date(2030, 6, 15, 0, 0, 0, 0, time.UTC), num: "+12345678901234567890.5", text: "x",
			expect: `(-1, NULL::bigint, NULL::integer, 0::smallint, false, 'x', NULL::text, DATE '2030-06-15',
				NULL::timestamptz, 12345678901234567890.5::numeric, NULL::numeric)`},
	}
	err := pgx.BeginFunc(ctx, tx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TEMP TABLE t (n serial, i8 bigint, i8p bigint, i4p integer, i2 smallint, b boolean,
			text text, textp text, date date, ts timestamptz, num numeric, nump numeric)`)
		require.NoError(t, err)
		c := New(pgtype.NewMap(), 11)
		err = c.Stream(ctx, tx, "COPY t (i8, i8p, i4p, i2, b, text, textp, date, ts, num, nump) FROM STDIN WITH (FORMAT binary)", len(rows), func(i int) {
			r := rows[i]
			c.Row()
			c.Int8(r.i8)
			c.Int8Ptr(r.i8p)
			c.Int4Ptr(r.i4p)
			c.Int2(r.i2)
			c.Bool(r.b)
			c.Text(r.text)
			c.TextPtr(r.textp)
			c.Date(r.date)
			c.TimestamptzPtr(r.ts)
			c.Numeric(r.num)
			c.NumericPtr(r.nump)
		})
		require.NoError(t, err)
		for i, r := range rows {
			var got, want string
			err := tx.QueryRow(ctx, `SELECT ROW(i8, i8p, i4p, i2, b, text, textp, date, ts, num, nump)::text, ROW`+r.expect+`::text
				FROM t WHERE n = $1`, i+1).Scan(&got, &want)
			require.NoError(t, err)
			require.Equal(t, want, got, "row %d", i)
		}

		// A value that cannot be encoded ends the COPY with its reason, and nothing of it is stored.
		c = New(pgtype.NewMap(), 1)
		sp, err := tx.Begin(ctx)
		require.NoError(t, err)
		err = c.Stream(ctx, sp, "COPY t (text) FROM STDIN WITH (FORMAT binary)", 20000, func(i int) {
			c.Row()
			if i == 15000 { // blocks were sent before it
				c.Numeric("twelve")
				return
			}
			c.Text("x")
		})
		require.ErrorContains(t, err, `"twelve"`)
		require.NoError(t, sp.Rollback(ctx))
		var n int
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
		require.Equal(t, len(rows), n)
		return nil
	})
	require.NoError(t, err)
}

// TestAppendNumericMatchesPostgres requires PostgreSQL to read each fast-path numeric as it reads the same
// decimal written as text, over hand-picked and random plain decimals.
func TestAppendNumericMatchesPostgres(t *testing.T) {
	t.Parallel()
	cases := []string{"0", "-0", "0.0", "0.000100", "1", "+1", "-1", "10000", "9999", "12345", "100000000",
		"0.5", "0.0001", "0.00001", "1.10", "-123456789.987654321", "00012.3400", "12345678901234567890.5"}
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, rng.IntN(n))
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
			if rng.IntN(3) == 0 {
				b[i] = '0'
			}
		}
		return string(b)
	}
	for range 3000 {
		s := "1" + digits(30)
		if rng.IntN(4) == 0 {
			s = "0"
		}
		if rng.IntN(2) == 0 {
			s += "." + "0" + digits(20)
		}
		if rng.IntN(3) == 0 {
			s = "-" + s
		}
		cases = append(cases, s)
	}
	c := New(pgtype.NewMap(), 2)
	ctx := t.Context()
	err := pgx.BeginFunc(ctx, pgtest.Tx(t), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "CREATE TEMP TABLE t (s text, num numeric)")
		require.NoError(t, err)
		err = c.Stream(ctx, tx, "COPY t (s, num) FROM STDIN WITH (FORMAT binary)", len(cases), func(i int) {
			c.Row()
			c.Text(cases[i])
			out, ok := AppendNumeric(c.buf, cases[i])
			if !ok { // pgconn reads the rows on a goroutine of its own, where require cannot stop the test
				c.Fail(fmt.Errorf("%q refused", cases[i]))
				return
			}
			c.buf = out
		})
		require.NoError(t, err)
		var stored int
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&stored))
		require.Equal(t, len(cases), stored)
		rows, err := tx.Query(ctx, "SELECT s, num::text, s::numeric::text FROM t WHERE num::text <> s::numeric::text LIMIT 5")
		require.NoError(t, err)
		wrong, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ S, Got, Want string }])
		require.NoError(t, err)
		require.Empty(t, wrong)
		return nil
	})
	require.NoError(t, err)

	for _, s := range []string{"", "-", ".5", "5.", "1e3", " 1", "1,5", "1.2.3", "--1", strings.Repeat("9", 200)} {
		_, ok := AppendNumeric(nil, s)
		require.False(t, ok, "%q", s)
	}
}

// FuzzAppendNumeric decodes what the fast numeric path writes, through pgx's reading of PostgreSQL's binary
// numeric, and requires the value of the text it was given; the path must refuse whatever is not a plain
// decimal.
func FuzzAppendNumeric(f *testing.F) {
	for _, s := range []string{"0", "-0.000", "12345.6789", "+1", "0.0001", "99999999", "1e3", ".5", "5."} {
		f.Add(s)
	}
	types := pgtype.NewMap()
	plainDecimal := regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := AppendNumeric(nil, s)
		plain := plainDecimal.MatchString(s)
		if !ok {
			require.False(t, plain && len(s) < 100, "%q is plain and short, but refused", s)
			return
		}
		require.True(t, plain, "%q accepted", s)
		require.Equal(t, len(out)-4, int(binary.BigEndian.Uint32(out)))
		var n pgtype.Numeric
		require.NoError(t, types.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, out[4:], &n))
		want, ok := new(big.Rat).SetString(s)
		require.True(t, ok)
		got := new(big.Rat).SetInt(n.Int)
		if n.Exp > 0 {
			got.Mul(got, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil)))
		} else if n.Exp < 0 {
			got.Quo(got, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n.Exp)), nil)))
		}
		require.Zero(t, want.Cmp(got), "%q read back as %s", s, got.RatString())
	})
}

// TestPlain spells out what pgx cannot read, and refuses what is no decimal.
