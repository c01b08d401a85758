package ingest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
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
			e := setup(t)
			var last ingest.Progress
			res, err := e.im.Import(e.ctx, ingest.Options{Format: tt.format, Path: tt.path, MaxErrors: 100,
				Progress: func(p ingest.Progress) { last = p }})
			require.NoError(t, err)
			require.Equal(t, size(tt.path), last.TotalBytes)
			require.Equal(t, last.TotalBytes, last.Bytes, "the whole input was read")
			require.Equal(t, res.Read, last.Records)
			require.True(t, last.Read, "the last report says the input is read and the rest is storing it")
			if tt.records > 0 {
				require.Equal(t, tt.records, last.Records)
			}
		})
	}
}
