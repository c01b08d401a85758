package ingest

import (
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// Progress is how far an import has read: records, and bytes of TotalBytes (the input's size on disk;
// compressed files count as stored).
type Progress struct {
	Records, Bytes, TotalBytes int64
	// Read is true once the input is read whole: what is left is the database's (merging, building
	// indexes), for which there is nothing to count.
	Read bool
}

// meter counts the bytes and records an import reads and reports progress. A nil meter counts nothing.
type meter struct {
	bytes  atomic.Int64 // files are read on several goroutines
	total  int64
	report func(Progress)

	mu      sync.Mutex // keeps each report whole, whichever goroutine counts
	records int64
}

func newMeter(report func(Progress), paths ...string) *meter {
	if report == nil {
		return nil
	}
	var total int64
	for _, p := range paths {
		total += inputSize(p)
	}
	return &meter{total: total, report: report}
}

// Reader counts what is read through r (sheet.Meter).
func (m *meter) Reader(r io.Reader) io.Reader {
	if m == nil {
		return r
	}
	return &countingReader{r: r, m: m}
}

// AddFile counts a whole file read by a library that takes a path, excelize (sheet.Meter).
func (m *meter) AddFile(path string) {
	if m == nil {
		return
	}
	if info, err := os.Stat(path); err == nil {
		m.bytes.Add(info.Size())
	}
}

// add counts n more records and reports, one report at a time.
func (m *meter) add(n int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records += n
	m.report(Progress{Records: m.records, Bytes: m.bytes.Load(), TotalBytes: m.total})
}

// read reports the input read whole.
func (m *meter) read() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.report(Progress{Records: m.records, Bytes: max(m.bytes.Load(), m.total), TotalBytes: m.total, Read: true})
}

type countingReader struct {
	r io.Reader
	m *meter
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.m.bytes.Add(int64(n))
	return n, err
}

// inputSize is the size of a file, or of the regular files under a folder; 0 when it cannot tell.
func inputSize(path string) int64 {
	var total int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error { //nolint:errcheck // a size is a hint
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// openInput opens one input file for reading through the meter, gunzipping a .gz. A file that is not the
// gzip its name says is reported in errs and gives a nil reader; the caller closes what it opened.
func openInput(path, rel string, m *meter, errs *errorLog) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	r := m.Reader(f)
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return r, func() { f.Close() }, nil
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		f.Close()
		errs.Addf(rel, "not a gzip file: %v", err)
		return nil, nil, nil
	}
	return gz, func() { gz.Close(); f.Close() }, nil
}
