package portalexport

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

// TestDecodeFlatNames reads field names escaped or not, skipping unknown fields of any shape.
func TestDecodeFlatNames(t *testing.T) {
	dec := jsontext.NewDecoder(strings.NewReader(`{"\u0069d": 5, "extra": {"a": [1, "x"]}, "name_ru": " Ткань ", "n\u0061me_kz": null, "other": "x"}`))
	var j planJSON
	require.NoError(t, decodeFlat(dec, &flatReader{}, planFields, &j))
	require.Equal(t, fieldtext.Value{Text: "5", Valid: true}, j.ID)
	require.Equal(t, fieldtext.Value{Text: "Ткань", Valid: true}, j.NameRU)
	require.Equal(t, fieldtext.Value{}, j.NameKZ)

	dec = jsontext.NewDecoder(strings.NewReader(`{"\u0069d": [1]}`))
	require.ErrorContains(t, decodeFlat(dec, &flatReader{}, planFields, &j), "id: want a string or number, got array")
}

// TestDecodeFlatEscapedValues reads string values with and without escapes.
func TestDecodeFlatEscapedValues(t *testing.T) {
	dec := jsontext.NewDecoder(strings.NewReader(`{"id": "7\u0030", "name_ru": "Ткань \"люкс\"", "desc_ru": "plain", "ref_units_code": 796}`))
	var j planJSON
	require.NoError(t, decodeFlat(dec, &flatReader{}, planFields, &j))
	require.Equal(t, "70", j.ID.Text)
	require.Equal(t, `Ткань "люкс"`, j.NameRU.Text)
	require.Equal(t, "plain", j.DescRU.Text)
	require.Equal(t, "796", j.UnitsCode.Text)
}

// TestDecodeFlatKeyOrder reads records whose keys change order, repeat, escape and vanish with one reader,
// which tries the keys of the record before first, and requires what a fresh reader reads.
func TestDecodeFlatKeyOrder(t *testing.T) {
	records := []string{
		`{"id": 1, "name_ru": "a", "desc_ru": "x"}`,
		`{"name_ru": "b", "id": 2}`,
		`{"id": 3, "name_ru": " c ", "name_ru": "d"}`,
		`{"\u0069d": 4, "name_ru": null, "desc_ru": "  "}`,
		`{"id": 5, "extra": [1], "name_ru": "e\u0301", "desc_ru": "\t y \n"}`,
		`{"id": 6, "name_ru": {"x": 1}}`,
		`{"id": 7}`,
	}
	want := []planJSON{
		{ID: fieldtext.Value{Text: "1", Valid: true}, NameRU: fieldtext.Value{Text: "a", Valid: true}, DescRU: fieldtext.Value{Text: "x", Valid: true}},
		{ID: fieldtext.Value{Text: "2", Valid: true}, NameRU: fieldtext.Value{Text: "b", Valid: true}},
		{ID: fieldtext.Value{Text: "3", Valid: true}, NameRU: fieldtext.Value{Text: "d", Valid: true}},
		{ID: fieldtext.Value{Text: "4", Valid: true}, DescRU: fieldtext.Value{Text: "", Valid: true}},
		{ID: fieldtext.Value{Text: "5", Valid: true}, NameRU: fieldtext.Value{Text: "e\u0301", Valid: true}, DescRU: fieldtext.Value{Text: "y", Valid: true}},
		{ID: fieldtext.Value{Text: "6", Valid: true}},
		{ID: fieldtext.Value{Text: "7", Valid: true}},
	}
	var shared flatReader
	dec := jsontext.NewDecoder(strings.NewReader("["+strings.Join(records, ",")+"]"), pageOptions...)
	_, err := dec.ReadToken()
	require.NoError(t, err)
	for i, rec := range records {
		var got, fresh planJSON
		err := decodeFlat(dec, &shared, planFields, &got)
		freshErr := decodeFlat(jsontext.NewDecoder(strings.NewReader(rec), pageOptions...), &flatReader{}, planFields, &fresh)
		require.Equal(t, freshErr, err, rec)
		require.Equal(t, want[i], got, rec)
		require.Equal(t, fresh, got, rec)
	}
	require.ErrorContains(t, decodeFlat(jsontext.NewDecoder(strings.NewReader(records[5])), &shared, planFields, &planJSON{}),
		"name_ru: want a string or number, got object")
}
