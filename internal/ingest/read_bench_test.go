package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/demo"
)

// benchItems is the size of the generated inputs the read benchmarks parse.
const benchItems = 20_000

// The read benchmarks parse generated inputs into in-memory staging: the work an import does before
// anything reaches PostgreSQL, which shares the machine's cores with it. cpu-ns/item is the CPU time of
// every goroutine per item, the figure to compare; ns/op alone hides the parallel workers.
func BenchmarkReadOCDSLines(b *testing.B) {
	path := filepath.Join(b.TempDir(), "releases.jsonl")
	require.NoError(b, os.WriteFile(path, generatedReleases(b), 0o600))
	benchRead(b, func(st *stager, errs *errorLog) error {
		return ocdsReader(st, errs).ReadFile(context.Background(), path, "releases.jsonl")
	})
}

// BenchmarkReadOCDSPackage reads the same releases as one release package, which encoding/json decodes.
func BenchmarkReadOCDSPackage(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(generatedReleases(b)), []byte("\n"))
	path := filepath.Join(b.TempDir(), "package.json")
	content := append(append([]byte(`{"uri": "x", "releases": [`), bytes.Join(lines, []byte(",\n"))...), "]}"...)
	require.NoError(b, os.WriteFile(path, content, 0o600))
	benchRead(b, func(st *stager, errs *errorLog) error {
		return ocdsReader(st, errs).ReadFile(context.Background(), path, "package.json")
	})
}

// generatedReleases are benchItems items of generated OCDS releases, as JSON Lines.
func generatedReleases(b *testing.B) []byte {
	var buf bytes.Buffer
	_, err := demo.Run(context.Background(), demo.OCDSSink(&buf), demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	return buf.Bytes()
}

func BenchmarkReadPortal(b *testing.B) {
	dir := b.TempDir()
	_, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	benchRead(b, func(st *stager, errs *errorLog) error {
		return readPortal(context.Background(), dir, st, errs)
	})
}

// BenchmarkReadCSV and BenchmarkReadXLSX read the same generated template rows as CSV and as a workbook.
func BenchmarkReadCSV(b *testing.B) {
	path := filepath.Join(b.TempDir(), "items.csv")
	require.NoError(b, os.WriteFile(path, generatedTemplate(b), 0o600))
	benchRead(b, func(st *stager, errs *errorLog) error {
		return readCSV(context.Background(), path, st, errs)
	})
}

func BenchmarkReadXLSX(b *testing.B) {
	rows, err := csv.NewReader(bytes.NewReader(generatedTemplate(b))).ReadAll()
	require.NoError(b, err)
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	require.NoError(b, err)
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(b, err)
		require.NoError(b, sw.SetRow(cell, cells))
	}
	require.NoError(b, sw.Flush())
	path := filepath.Join(b.TempDir(), "items.xlsx")
	require.NoError(b, f.SaveAs(path))
	benchRead(b, func(st *stager, errs *errorLog) error {
		return readXLSX(context.Background(), path, st, errs)
	})
}

// generatedTemplate is benchItems items of generated template rows, as CSV.
func generatedTemplate(b *testing.B) []byte {
	var buf bytes.Buffer
	sink, err := demo.CSVSink(&buf)
	require.NoError(b, err)
	_, err = demo.Run(context.Background(), sink, demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	return buf.Bytes()
}

func benchRead(b *testing.B, read func(*stager, *errorLog) error) {
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		st, m := newMemStager(b)
		errs := &errorLog{}
		require.NoError(b, read(st, errs))
		require.NoError(b, st.flush(context.Background()))
		require.Empty(b, errs.List())
		require.NotEmpty(b, m.units)
	}
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N*benchItems), "cpu-ns/item")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
