package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/pgtest"
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
		require.Equal(t, 3, n)
		require.Equal(t, string(typed), string(raw))
		require.Contains(t, string(raw), `"ТОО ""Швейная, фабрика"""`)
		require.Contains(t, string(raw), ",1234567.89,")
		require.Contains(t, string(raw), ",42.00,,60.50\n", "a certified percentage is missing")
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
	return []string{it.Source, it.ContractID, it.SignedOn.Format(time.DateOnly), it.BuyerBin, it.BuyerName, it.BuyerType,
		it.SupplierID, it.SupplierName, it.SupplierCountry, it.Category, it.Region, it.KATO, it.Method, it.Status,
		it.EnstruCode, it.ItemName, it.Quantity, it.Unit, money.FormatMajor(it.Value), strconv.Itoa(int(it.Tier)), it.TierRule,
		percent(it.LocalContentBp), percent(it.LocalContentCertifiedBp), percent(it.LocalContentPublishedBp)}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
