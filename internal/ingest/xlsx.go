package ingest

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// readXLSX stages the canonical template saved as an XLSX workbook: the same columns and checks as the CSV,
// read from the first worksheet, whose row 1 is the header. Rows are located as "file.xlsx:ROW", the row
// number Excel shows.
func readXLSX(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return readTemplate(ctx, path, openXLSX, st, errs)
}

// xlsxUnzipLimit bounds what a workbook may unpack to, so a zip bomb cannot fill the disk.
const xlsxUnzipLimit = 4 << 30

// xlsxSheet streams the first worksheet of a workbook with excelize's row iterator: worksheets beyond
// excelize's in-memory limit (16 MiB of XML) are unpacked to a temporary file and decoded as they are read,
// so memory does not grow with the number of rows.
type xlsxSheet struct {
	f      *excelize.File
	rows   *excelize.Rows
	name   string
	sheet  string
	reader excelCells
	row    int // the number of the row last returned; the iterator visits empty rows too
	width  int // the header's number of columns
}

// openXLSX opens a workbook's first worksheet.
func openXLSX(path string, m *meter) (sheet, error) {
	m.addFile(path) // excelize reads the file itself
	name := filepath.Base(path)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return nil, unreadable{loc: name, reason: "not a readable XLSX workbook: " + xlsxReason(err)}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, unreadable{loc: name, reason: "the workbook has no worksheet"}
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		f.Close()
		return nil, unreadable{loc: name, reason: "not a readable XLSX workbook: " + xlsxReason(err)}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, unreadable{loc: name, reason: fmt.Sprintf("cannot read the worksheet %q: %s", sheets[0], xlsxReason(err))}
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	return &xlsxSheet{f: f, rows: rows, name: name, sheet: sheets[0], reader: excelCells{date1904: date1904}}, nil
}

func xlsxReason(err error) string {
	if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, zip.ErrFormat) {
		return "the file is not an XLSX workbook (XLS and ODS files must be saved as XLSX or CSV first)"
	}
	return err.Error()
}

func (s *xlsxSheet) next() (string, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			loc := s.name + ":" + strconv.Itoa(s.row+1)
			return loc, nil, unreadable{loc: loc, reason: fmt.Sprintf("unreadable worksheet: %v; nothing after this row was read", err)}
		}
		return "", nil, io.EOF
	}
	s.row++
	loc := s.name + ":" + strconv.Itoa(s.row)
	// Raw values: the number as stored, never as a cell format displays it (rounded, grouped, a date).
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		if s.row == 1 {
			return loc, nil, unreadable{loc: loc, reason: fmt.Sprintf("cannot read the header row: %v", err)}
		}
		return loc, nil, badRow{fmt.Sprintf("unreadable row: %v", err)}
	}
	if s.row == 1 {
		if isBlank(cells) {
			return loc, nil, unreadable{loc: loc, reason: fmt.Sprintf("row 1 of the worksheet %q is empty: the header must be in row 1 of the first worksheet", s.sheet)}
		}
		s.width = len(cells)
		return loc, cells, nil
	}
	for i := s.width; i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return loc, nil, badRow{fmt.Sprintf("cell %s%d has a value but column %s has no header", col, s.row, col)}
		}
	}
	return loc, cells, nil
}

func (s *xlsxSheet) cells() cellReader { return s.reader }

func (s *xlsxSheet) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// excelCells reads the raw values of a workbook: numbers as Excel stores them (binary floating point written
// out in up to 17 significant digits) and dates as serial day numbers.
type excelCells struct{ date1904 bool }

// number keeps a number as Excel shows it: to 15 significant digits, Excel's own precision, so that a value
// typed as 580832.25 but stored as 580832.24999999988 reads as what the user sees. Shorter numbers and text
// pass unchanged; the decimal text is never rounded beyond that.
func (c excelCells) number(text string) string {
	// Fifteen digits need at least fifteen characters: most cells stop here.
	if len(text) <= 15 || significantDigits(text) <= 15 || !floatText.MatchString(text) {
		return text
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return text
	}
	return strconv.FormatFloat(v, 'g', 15, 64)
}

var floatText = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// significantDigits counts the digits of a number's mantissa between its first and last non-zero digit.
func significantDigits(text string) int {
	first, last := -1, -1
	n := 0 // digits seen
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == 'e' || c == 'E' {
			break
		}
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			if first < 0 {
				first = n
			}
			last = n
		}
		n++
	}
	if first < 0 {
		return 0
	}
	return last - first + 1
}

// date turns a serial date (days since the workbook's epoch, the fraction being the time of day) into
// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". Dates typed as text pass unchanged.
func (c excelCells) date(text string) string {
	t, ok := excelSerialTime(text, c.date1904)
	if !ok {
		return text
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}

var serialText = regexp.MustCompile(`^(\d{1,7})(\.\d+)?$`)

// maxSerial is 9999-12-31, Excel's last date.
const maxSerial = 2958465

// excelSerialTime converts a serial date exactly, rounding the time of day to the second.
func excelSerialTime(text string, date1904 bool) (time.Time, bool) {
	m := serialText.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}, false
	}
	days, _ := strconv.Atoi(m[1])
	if days > maxSerial {
		return time.Time{}, false
	}
	secs := int64(0)
	if m[2] != "" {
		frac, _ := new(big.Rat).SetString("0" + m[2])
		frac.Mul(frac, big.NewRat(86400, 1))
		frac.Add(frac, big.NewRat(1, 2))
		secs = new(big.Int).Quo(frac.Num(), frac.Denom()).Int64()
	}
	var epoch time.Time
	switch {
	case date1904:
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 61:
		// Excel's 1900 calendar has a 29 February 1900 (serial 60); dates before it are one day off.
		epoch = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	return epoch.AddDate(0, 0, days).Add(time.Duration(secs) * time.Second), true
}
