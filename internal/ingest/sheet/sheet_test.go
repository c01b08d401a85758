package sheet

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The workbook number and date readers on their own.
func TestExcelCells(t *testing.T) {
	t.Parallel()
	c := excelCells{}
	for in, want := range map[string]string{
		"580832.2499999999":   "580832.25",
		"0.30000000000000004": "0.3",
		"1234.5":              "1234.5",
		"12.345":              "12.345",
		"100140000001":        "100140000001",
		"1E-3":                "1E-3",
		"abc":                 "abc",
		"1 000,50":            "1 000,50",
	} {
		require.Equal(t, want, c.number(in), in)
	}
	for in, want := range map[string]string{
		"42583":              "2016-08-01",
		"42584.416666666664": "2016-08-02 10:00:00",
		"42584.99999999":     "2016-08-03",
		"59":                 "1900-02-28",
		"60":                 "1900-03-01", // Excel's phantom 29 February 1900
		"61":                 "1900-03-01",
		"1":                  "1900-01-01",
		"2958465":            "9999-12-31",
		"2958466":            "2958466",
		"01.08.2016":         "01.08.2016",
		"2016-08-01":         "2016-08-01",
		"-1":                 "-1",
		"1e5":                "1e5",
	} {
		require.Equal(t, want, c.date(in), in)
	}
	require.Equal(t, "2016-08-01", excelCells{date1904: true}.date("41121"))
	require.Equal(t, 3, SignificantDigits("-0.00123e10"))
	require.Equal(t, 1, SignificantDigits("100000000000000000000"))
}

// FuzzCSVHeader checks TemplateHeader against a plain reading of docs/import-csv.md: names are trimmed and
// case-insensitive, an unknown or repeated column is refused, the required ones must all be there.
func FuzzCSVHeader(f *testing.F) {
	for _, s := range []string{
		strings.Join(CSVColumns, ","),
		strings.Join(csvRequired, ","),
		" Contract_ID , SIGNED_ON,buyer_bin,supplier_id,value ",
		"contract_id,signed_on,buyer_bin,supplier_id,value,value",
		"contract_id,signed_on,buyer_bin,supplier_id,value,colour",
		"contract_id,signed_on,buyer_bin,supplier_id",
		"value,supplier_id,buyer_bin,signed_on,contract_id,kato,,",
		"",
		"\ufeffcontract_id,signed_on,buyer_bin,supplier_id,value",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		header := strings.Split(line, ",")
		got, err := TemplateHeader(header)

		want := map[string]int{}
		var wantErr string
		for i, h := range header {
			name := strings.ToLower(strings.TrimSpace(h))
			if !slices.Contains(CSVColumns, name) {
				wantErr = "unknown column " + strconv.Quote(h)
				break
			}
			if _, dup := want[name]; dup {
				wantErr = "column " + strconv.Quote(name) + " appears twice"
				break
			}
			want[name] = i
		}
		if wantErr == "" {
			var missing []string
			for _, c := range csvRequired {
				if _, ok := want[c]; !ok {
					missing = append(missing, c)
				}
			}
			if missing != nil {
				wantErr = "missing required column(s): " + strings.Join(missing, ", ")
			}
		}
		if wantErr != "" {
			require.Error(t, err)
			require.Nil(t, got)
			require.Contains(t, err.Error(), wantErr)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
		for _, c := range csvRequired {
			require.Contains(t, got, c)
		}
	})
}
