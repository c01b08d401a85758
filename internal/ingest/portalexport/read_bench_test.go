package portalexport

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// benchItems is the size of the generated export the read benchmark parses, as ingest's read benchmarks.
const benchItems = 20_000

// BenchmarkReadPortal parses a generated export into a sink in memory: the work an import does before
// anything reaches PostgreSQL, which shares the machine's cores with it. cpu-ns/item is the CPU time of
// every goroutine per item, the figure to compare; ns/op alone hides the parallel workers.
func BenchmarkReadPortal(b *testing.B) {
	dir := b.TempDir()
	_, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 1, Items: benchItems})
	require.NoError(b, err)
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		m, errs := &memSink{}, &record.Errors{}
		require.NoError(b, newTestReader(b, m, errs, 0).Read(context.Background(), dir))
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
