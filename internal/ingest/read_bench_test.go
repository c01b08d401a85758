package ingest

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
)

// benchItems is the size of the generated inputs the read benchmarks parse.
const benchItems = 20_000

// The read benchmarks parse generated inputs into in-memory staging: the work an import does before
// anything reaches PostgreSQL, which shares the machine's cores with it. cpu-ns/item is the CPU time of
// every goroutine per item, the figure to compare; ns/op alone hides the parallel workers.
func BenchmarkReadOCDSLines(b *testing.B) {
	path := filepath.Join(b.TempDir(), "releases.jsonl")
	f, err := os.Create(path)
	require.NoError(b, err)
	_, err = demo.Run(context.Background(), demo.OCDSSink(f), demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	require.NoError(b, f.Close())
	benchRead(b, func(st *stager, errs *errorLog) error {
		return readOCDSFile(context.Background(), path, "releases.jsonl", st, errs)
	})
}

func BenchmarkReadPortal(b *testing.B) {
	dir := b.TempDir()
	_, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	benchRead(b, func(st *stager, errs *errorLog) error {
		return readPortal(context.Background(), dir, st, errs)
	})
}

func benchRead(b *testing.B, read func(*stager, *errorLog) error) {
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		st, m := newMemStager(b)
		errs := &errorLog{}
		require.NoError(b, read(st, errs))
		require.NoError(b, st.drain(context.Background()))
		require.Empty(b, errs.list)
		require.NotEmpty(b, m.units)
	}
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N*benchItems), "cpu-ns/item")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
