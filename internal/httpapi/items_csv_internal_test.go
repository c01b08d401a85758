package httpapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
)

// csvWriterLine is what csv.Writer writes for the record: the download's reference.
func csvWriterLine(t testing.TB, record []string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write(record))
	w.Flush()
	require.NoError(t, w.Error())
	return b.Bytes()
}

func TestAppendCSVFieldAsCSVWriter(t *testing.T) {
	t.Parallel()
	for _, field := range []string{
		"", "plain", "a,b", `say "hi"`, `"`, "two\nlines", "cr\rhere", " leading space", "\tleading tab",
		"trailing space ", `\.`, `\.x`, "«Аяқ киім» ЖШС", "\u00a0nbsp first", "\xff\xfe not UTF-8", `""`,
	} {
		record := []string{field, "x"} // a lone empty field is a line of its own to csv.Writer
		got := append(appendCSVField(nil, []byte(field)), ",x\n"...)
		require.Equal(t, string(csvWriterLine(t, record)), string(got), "%q", field)
	}
}

func FuzzAppendCSVField(f *testing.F) {
	for _, s := range []string{"", "a,b", `"q"`, " x", "\n", `\.`, "Алматы"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, field string) {
		got := append(appendCSVField(nil, []byte(field)), ",x\n"...)
		require.Equal(t, string(csvWriterLine(t, []string{field, "x"})), string(got))
	})
}

// TestItemLineAsCSVWriter reads the same items through the download's raw path and through sqlc's typed
// row, and requires the raw line to be what csv.Writer makes of the typed one: names that need quoting,
// amounts, percentages present and missing, a missing region, the tier.
func TestItemLineAsCSVWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	supplier := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: `ТОО "Швейная, фабрика"`})
	contract := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SupplierID: supplier, SignedOn: day(2025, 2, 28),
		LocalContentPublished: testfactory.Ptr[int32](6_050)})
	almaty := "75"
	for i, it := range []testfactory.ItemOpts{
		{Category: "school-uniforms", Region: &almaty, Value: 1_234_567_89, LocalContentBP: testfactory.Ptr[int32](4_200), Name: "Костюм, школьный"},
		{Category: "workwear", Value: 5, Name: " с пробелом\nи строкой"},
		{Value: 100_00, LocalContentBP: testfactory.Ptr[int32](0), Name: `\.`},
		{Value: 1_00, Name: `=HYPERLINK("http://example.invalid","click")`}, // text a spreadsheet would run
	} {
		it.SourceID = strconv.Itoa(i + 1)
		testfactory.Item(ctx, t, tx, contract, &it)
	}
	s := store.New()
	scope := share.Scope{From: day(2025, 1, 1), To: day(2025, 12, 31)}
	for _, lang := range []string{"ru", "kk"} {
		rows, err := s.CountedItemRows(ctx, tx, scope, lang)
		require.NoError(t, err)
		var raw []byte
		for rows.NextRaw() {
			require.Len(t, rows.Raw(), len(store.ExportKinds))
			raw = appendItemLine(raw, rows.Raw())
		}
		require.NoError(t, rows.Err())
		rows.Close()

		rows, err = s.CountedItemRows(ctx, tx, scope, lang)
		require.NoError(t, err)
		var typed []byte
		n := 0
		for rows.Next() {
			typed = append(typed, csvWriterLine(t, referenceRecord(rows.Item()))...)
			n++
		}
		require.NoError(t, rows.Err())
		rows.Close()
		require.Equal(t, 4, n)
		require.Equal(t, string(typed), string(raw))
		require.Contains(t, string(raw), `"ТОО ""Швейная, фабрика"""`)
		require.Contains(t, string(raw), ",1234567.89,")
		require.Contains(t, string(raw), ",42.00,,60.50\n", "a certified percentage is missing")
		require.Contains(t, string(raw), `,"'=HYPERLINK(""http://example.invalid"",""click"")",`)
	}
}

// referenceRecord is an item's record as the download wrote it through sqlc's row and csv.Writer.
func referenceRecord(it *store.ExportItem) []string {
	percent := func(bp *int32) string {
		if bp == nil {
			return ""
		}
		return money.FormatMajor(int64(*bp))
	}
	t := report.FormulaSafe
	return []string{t(it.Source), t(it.ContractID), it.SignedOn.Format(time.DateOnly), t(it.BuyerBin), t(it.BuyerName), t(it.BuyerType),
		t(it.SupplierID), t(it.SupplierName), t(it.SupplierCountry), t(it.Category), t(it.Region), t(it.KATO), t(it.Method), t(it.Status),
		t(it.EnstruCode), t(it.ItemName), it.Quantity, t(it.Unit), money.FormatMajor(it.Value), strconv.Itoa(int(it.Tier)), t(it.TierRule),
		percent(it.LocalContentBp), percent(it.LocalContentCertifiedBp), percent(it.LocalContentPublishedBp)}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fakeItemRows serves n raw rows, each naming its number in the item's name, and then err.
type fakeItemRows struct {
	n, at  int
	err    error
	closed int
}

func (f *fakeItemRows) NextRaw() bool { f.at++; return f.at <= f.n }

func (f *fakeItemRows) Raw() [][]byte {
	raw := make([][]byte, len(store.ExportKinds))
	for i, kind := range store.ExportKinds {
		switch kind {
		case store.ExportText:
			raw[i] = []byte("t" + strconv.Itoa(i))
		case store.ExportDate:
			raw[i] = binary.BigEndian.AppendUint32(nil, 9_132) // 2025-01-01
		case store.ExportInteger:
			raw[i] = binary.BigEndian.AppendUint64(nil, 12_345)
		}
	}
	raw[15] = []byte(`item "` + strconv.Itoa(f.at) + `", sewn`)
	raw[11] = nil // no KATO
	return raw
}

func (f *fakeItemRows) Err() error { return f.err }
func (f *fakeItemRows) Close()     { f.closed++ }

// TestItemsCSVReader reads the download through buffers of the sizes a server asks with, and requires
// every row once, in order, whatever the size; a query that fails part-way ends the file with a line that
// says so; closing ends the query and its context.
func TestItemsCSVReader(t *testing.T) {
	t.Parallel()
	const rows = 5_000 // several refills
	var b strings.Builder
	b.Write(csvWriterLine(t, itemColumns))
	for i := 1; i <= rows; i++ {
		b.Write(appendItemLine(nil, (&fakeItemRows{at: i}).Raw()))
	}
	want := b.String()
	// The reference itself is the file a reader expects: a header and every row, dates and quoted names
	// as written.
	lines, err := csv.NewReader(strings.NewReader(want)).ReadAll()
	require.NoError(t, err)
	require.Len(t, lines, rows+1)
	require.Equal(t, `item "5000", sewn`, lines[rows][15])
	require.Equal(t, "2025-01-01", lines[1][2])

	for _, tt := range []struct {
		name string
		size int
		err  error
		tail string
	}{
		{"one byte at a time", 1, nil, ""},
		{"the server's chunks", 4 << 10, nil, ""},
		{"larger than a refill", 1 << 20, nil, ""},
		{"the query fails", 4 << 10, errors.New("connection reset"), "ERROR: this download is incomplete; download it again\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := &fakeItemRows{n: rows, err: tt.err}
			released := 0
			r := &itemsCSV{rows: src, done: func() { released++ }, log: slog.New(slog.DiscardHandler)}
			var got bytes.Buffer
			buf := make([]byte, tt.size)
			for {
				n, err := r.Read(buf)
				got.Write(buf[:n])
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			require.Equal(t, want+tt.tail, got.String())
			require.NoError(t, r.Close())
			require.Equal(t, 1, src.closed)
			require.Equal(t, 1, released)
		})
	}
}

// TestItemsCSVReaderEndsWithEOF: a download whose rows end right at a refill says io.EOF with its last
// read instead of a read of nothing.
func TestItemsCSVReaderEndsWithEOF(t *testing.T) {
	t.Parallel()
	// As many rows as fill the first refill exactly past itemsCSVFill: the second refill finds none.
	size, rows := len(csvWriterLine(t, itemColumns)), 0
	for size < itemsCSVFill {
		rows++
		size += len(appendItemLine(nil, (&fakeItemRows{at: rows}).Raw()))
	}
	src := &fakeItemRows{n: rows}
	r := &itemsCSV{rows: src, done: func() {}, log: slog.New(slog.DiscardHandler)}
	buf := make([]byte, 1<<20)
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Positive(t, n)
	for {
		n, err = r.Read(buf)
		if err != nil {
			break
		}
		require.Positive(t, n, "no read of nothing without an error")
	}
	require.Equal(t, io.EOF, err)
	require.Equal(t, 0, n)
}
