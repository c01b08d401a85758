// Package sheet reads spreadsheets row by row, a CSV file (comma or semicolon, UTF-8 or Windows-1251) or
// the first worksheet of an XLSX workbook, as rows of named columns whose cells read as the field checks
// expect (package fieldtext). The template and the reference lists are sheets.
package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// A Sheet is a spreadsheet read row by row: a CSV file or the first worksheet of an XLSX workbook. Its
// first row is the header.
type Sheet interface {
	// next returns the next row's location (file:line) and cells, and io.EOF after the last row. A badRow
	// error reports the row and reading goes on; an unreadable error reports the location and ends the
	// reading; any other error fails the import.
	next() (loc string, cells []string, err error)
	// cells says how the sheet writes numbers and dates.
	cells() cellReader
	close() error
}

// An Opener opens a file as a sheet. It returns an unreadable error for a file that is not a sheet of
// its kind (reported, not fatal) and any other error when the file cannot be opened at all.
type Opener func(path string, m Meter) (Sheet, error)

// errEmptyFile is a file without a byte.
var errEmptyFile = errors.New("the file is empty")

// badRow is a row that cannot be read; the rows after it can.
type badRow struct{ reason string }

func (e badRow) Error() string { return e.reason }

// unreadable ends the reading of a sheet: nothing after its location can be read.
type unreadable struct{ loc, reason string }

func (e unreadable) Error() string { return e.loc + ": " + e.reason }

// cellReader turns a cell's text into what the shared checks read: numbers with a decimal point, dates in
// one of dateLayouts.
type cellReader interface {
	number(text string) string
	date(text string) string
}

// plainCells are cells written as the checks read them (CSV with ',').
type plainCells struct{}

func (plainCells) number(text string) string { return text }
func (plainCells) date(text string) string   { return text }

// localeCells are the cells of a ';' CSV, as spreadsheets in Russian and Kazakh locales save it: a decimal
// comma and spaces between thousands.
type localeCells struct{}

func (localeCells) number(text string) string {
	return strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(text)
}
func (localeCells) date(text string) string { return text }

// Read reads a sheet's header against cols and hands every non-blank row to item, counting it. Bad rows
// and a broken file are reported to errs; only a failure to read the file at all, or an error of item other
// than a record.Invalid, fails the import.
func Read(ctx context.Context, path string, open Opener, m Meter, cols Columns, counted func(), errs *record.Errors,
	item func(ctx context.Context, loc string, row Row) error,
) error {
	sh, err := open(path, m)
	if errors.Is(err, errEmptyFile) {
		errs.Add(filepath.Base(path), "the file is empty: want a header row (see "+cols.Doc+")")
		return nil
	}
	if err != nil {
		return reportUnreadable(err, errs)
	}
	defer sh.close()
	if n, ok := sh.(interface{ note() string }); ok && n.note() != "" {
		errs.Note(n.note())
	}
	loc, header, err := sh.next()
	if err == io.EOF {
		errs.Add(filepath.Base(path), "the file is empty: want a header row (see "+cols.Doc+")")
		return nil
	}
	if err != nil {
		var bad badRow
		if errors.As(err, &bad) {
			err = unreadable{loc: loc, reason: "cannot read the header row: " + bad.reason}
		}
		return reportUnreadable(err, errs)
	}
	index, err := cols.Header(header)
	if err != nil {
		errs.Add(loc, err.Error())
		return nil
	}
	reader := sh.cells()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		loc, cells, err := sh.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var bad badRow
			if errors.As(err, &bad) {
				errs.Add(loc, bad.reason)
				continue
			}
			return reportUnreadable(err, errs)
		}
		if isBlank(cells) {
			continue
		}
		counted()
		if err := item(ctx, loc, Row{cols: index, cells: cells, reader: reader}); err != nil {
			var re record.Invalid
			if errors.As(err, &re) {
				errs.Add(loc, re.Error())
				continue
			}
			return err
		}
	}
}

// reportUnreadable records an unreadable file or row as a bad record; any other error is returned.
func reportUnreadable(err error, errs *record.Errors) error {
	var u unreadable
	if errors.As(err, &u) {
		errs.Add(u.loc, u.reason)
		return nil
	}
	return err
}

// csvSheet reads a CSV file.
type csvSheet struct {
	f      *os.File
	r      *csv.Reader
	name   string
	reader cellReader
	fields int // the header's, which every row must have
	rows   int
	// converted: the file was Windows-1251 and is read converted to UTF-8.
	converted bool
}

func (s *csvSheet) note() string {
	if !s.converted {
		return ""
	}
	return s.name + " is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted"
}

// openCSV opens a CSV file, detecting its delimiter from the header.
func OpenCSV(path string, m Meter) (Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	name := filepath.Base(path)
	br := bufio.NewReaderSize(m.Reader(f), 1<<16)
	if b, _ := br.Peek(4); bytes.Equal(b, []byte("PK\x03\x04")) {
		f.Close()
		return nil, unreadable{loc: name, reason: "the file is an XLSX workbook (or another zip archive), not CSV: " +
			"save it as CSV or import it as XLSX"}
	}
	converted := false
	if windows1251(br) {
		// Excel in Russian and Kazakh locales saves "CSV" in the ANSI code page, Windows-1251.
		br = bufio.NewReaderSize(charmap.Windows1251.NewDecoder().Reader(br), 1<<16)
		converted = true
	}
	delim, err := sniffDelimiter(br)
	if err != nil {
		f.Close()
		if errors.Is(err, errEmptyFile) {
			return nil, err
		}
		return nil, unreadable{loc: name, reason: err.Error()}
	}
	r := csv.NewReader(br)
	r.Comma = delim
	// The header fixes the field count; a row with another count is an error of its own.
	r.FieldsPerRecord = 0
	var reader cellReader = plainCells{}
	if delim == ';' {
		reader = localeCells{}
	}
	return &csvSheet{f: f, r: r, name: name, reader: reader, converted: converted}, nil
}

// windows1251 tells a file in Windows-1251 from one in UTF-8 by its first 64 KiB: Cyrillic in Windows-1251
// is bytes 0xC0-0xFF, which UTF-8 never writes alone, so text that is not valid UTF-8 is taken as 1251.
func windows1251(br *bufio.Reader) bool {
	head, _ := br.Peek(1 << 16)
	if len(head) == 1<<16 { // a character the peek cut in two is no evidence
		for i := 1; i <= utf8.UTFMax && i <= len(head); i++ {
			if utf8.RuneStart(head[len(head)-i]) {
				if !utf8.FullRune(head[len(head)-i:]) {
					head = head[:len(head)-i]
				}
				break
			}
		}
	}
	return !utf8.Valid(head)
}

func (s *csvSheet) next() (string, []string, error) {
	rec, err := s.r.Read()
	s.rows++
	if err == io.EOF {
		return "", nil, io.EOF
	}
	if s.rows == 1 {
		if err != nil {
			return s.name + ":1", nil, unreadable{loc: s.name + ":1", reason: fmt.Sprintf("cannot read the header row: %v", err)}
		}
		s.fields = len(rec)
		return s.name + ":1", rec, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return "", nil, fmt.Errorf("ingest: read %s: %w", s.name, err)
		}
		loc := s.name + ":" + strconv.Itoa(pe.StartLine)
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return loc, nil, badRow{fmt.Sprintf("wrong number of fields: %d, the header has %d", len(rec), s.fields)}
		}
		// After a quoting error the reader cannot tell where rows start again.
		return loc, nil, unreadable{loc: loc, reason: fmt.Sprintf("unreadable CSV: %v; nothing after this line was read", pe.Err)}
	}
	line, _ := s.r.FieldPos(0)
	loc := s.name + ":" + strconv.Itoa(line)
	for _, field := range rec {
		if !utf8.ValidString(field) {
			return loc, nil, badRow{"the line is not UTF-8 text (the file's start is): save the file as \"CSV UTF-8\" and import it again"}
		}
	}
	return loc, rec, nil
}

func (s *csvSheet) cells() cellReader { return s.reader }
func (s *csvSheet) close() error      { return s.f.Close() }

// sniffDelimiter picks ',' or ';' (spreadsheets saved in Russian or Kazakh locales use ';') from the header.
func sniffDelimiter(br *bufio.Reader) (rune, error) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) //nolint:errcheck // Peek just saw these bytes
	}
	head, _ := br.Peek(br.Buffered())
	if len(head) == 0 {
		var err error
		head, err = br.Peek(1)
		if len(head) == 0 {
			if err == io.EOF {
				return 0, errEmptyFile
			}
			return 0, err
		}
		head, _ = br.Peek(br.Buffered())
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	switch {
	case bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}):
		return ';', nil
	case bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}):
		return '\t', nil
	}
	return ',', nil
}

// Columns is the columns a sheet may have: all of them in their documented order, the required ones, and
// the document that lists them.
type Columns struct {
	All, Required []string
	Doc           string // the document that lists them, named in errors
}

// Header maps the header's column names (trimmed, case-insensitive) to their positions.
func (c Columns) Header(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(c.All, h) {
			return nil, fmt.Errorf("unknown column %q (columns are listed in %s)", header[i], c.Doc)
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		cols[h] = i
	}
	var missing []string
	for _, r := range c.Required {
		if _, ok := cols[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing required column(s): %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Row is one row of a sheet, its cells found by column name.
type Row struct {
	cols   map[string]int
	cells  []string
	reader cellReader
}

func (r Row) Get(col string) fieldtext.Value {
	i, ok := r.cols[col]
	if !ok || i >= len(r.cells) {
		return fieldtext.Value{}
	}
	text := strings.TrimSpace(r.cells[i])
	return fieldtext.Value{Text: text, Valid: text != ""}
}

// Has says whether the file has the column, whatever this row's cell holds.
func (r Row) Has(col string) bool {
	_, ok := r.cols[col]
	return ok
}

// number reads a numeric cell as decimal text with a decimal point.
func (r Row) Number(col string) fieldtext.Value {
	s := r.Get(col)
	if s.Present() {
		s.Text = r.reader.number(s.Text)
	}
	return s
}

// date reads a date cell as text in one of dateLayouts.
func (r Row) Date(col string) fieldtext.Value {
	s := r.Get(col)
	if s.Present() {
		s.Text = r.reader.date(s.Text)
	}
	return s
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

// OpenXLSX opens a workbook's first worksheet.
func OpenXLSX(path string, m Meter) (Sheet, error) {
	m.AddFile(path) // excelize reads the file itself
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
	if len(text) <= 15 || SignificantDigits(text) <= 15 || !floatText.MatchString(text) {
		return text
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return text
	}
	return strconv.FormatFloat(v, 'g', 15, 64)
}

var floatText = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// SignificantDigits counts the digits of a number's mantissa between its first and last non-zero digit:
// a workbook's number cell keeps 15.
func SignificantDigits(text string) int {
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

// Meter counts the bytes a sheet reads, for progress.
type Meter interface {
	Reader(r io.Reader) io.Reader // counts what is read through r
	AddFile(path string)          // counts a whole file read by a library that takes a path
}

// IsNumberText reports whether text is a number as a workbook's number cell can hold it.
func IsNumberText(text string) bool { return floatText.MatchString(text) }

// IsSerialText reports whether text is a workbook's day number, a date cell read without its format.
func IsSerialText(text string) bool { return serialText.MatchString(text) }

// Cells says how a sheet writes numbers and dates.
type Cells int

const (
	PlainCells  Cells = iota // as the checks read them: a CSV with ','
	LocaleCells              // a CSV with ';' from a Russian or Kazakh locale: decimal comma, spaced thousands
	ExcelCells               // a workbook's cells: floating-point numbers and day numbers
)

// NewRow is a row of cells under a header's column positions, its cells written as style says.
func NewRow(cols map[string]int, cells []string, style Cells) Row {
	var reader cellReader
	switch style {
	case LocaleCells:
		reader = localeCells{}
	case ExcelCells:
		reader = excelCells{}
	default:
		reader = plainCells{}
	}
	return Row{cols: cols, cells: cells, reader: reader}
}
