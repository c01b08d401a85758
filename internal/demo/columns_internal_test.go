package demo

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

// The CSV sink writes a subset of the template's columns in its own order; every one must be a column the
// template defines, so the two cannot drift apart.
func TestCSVColumnsAreTemplateColumns(t *testing.T) {
	t.Parallel()
	for _, name := range csvColumns {
		require.Contains(t, sheet.CSVColumns, name)
	}
}
