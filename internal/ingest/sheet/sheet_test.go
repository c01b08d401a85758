package sheet

import (
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
