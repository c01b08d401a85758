package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// Progress ends with every byte of the input read and every record counted, for files and folders.
func TestProgressCountsBytesAndRecords(t *testing.T) {
	t.Parallel()
	size := func(path string) int64 {
		var total int64
		require.NoError(t, filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
			if err == nil && info.Mode().IsRegular() {
				total += info.Size()
			}
			return err
		}))
		return total
	}
	tests := []struct {
		format, path string
		records      int64
	}{
		{"csv", "testdata/items.csv", 8},
		{"portal", "testdata/portal-small", 0},
		{"ocds", "testdata/ocds-ukraine-releases.jsonl", 0},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			pool, _ := pgtest.NewDB(t)
			var last ingest.Progress
			res, err := ingest.NewImporter(pool, "KZ", slog.New(slog.NewTextHandler(io.Discard, nil))).Import(context.Background(),
				ingest.Options{Format: tt.format, Path: tt.path, MaxErrors: 100, Progress: func(p ingest.Progress) { last = p }})
			require.NoError(t, err)
			require.Equal(t, size(tt.path), last.TotalBytes)
			require.Equal(t, last.TotalBytes, last.Bytes, "the whole input was read")
			require.Equal(t, res.Read, last.Records)
			if tt.records > 0 {
				require.Equal(t, tt.records, last.Records)
			}
		})
	}
}
