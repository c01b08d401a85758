package loader

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
)

// The direct load finds an item's texts by a digest it computes in Go; the staged merge by item_text_digest.
// The two must agree, or one product would be stored twice and its items would differ by path.
func TestItemTextDigestMatchesSQL(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	for _, text := range []itemText{
		{},
		{"Школьная форма для девочек", "Қыздарға арналған мектеп формасы", ""},
		{"a", "bc", "d"},
		{"ab", "c", "d"}, // the same bytes split otherwise
		{"Ткань \"люкс\"", "", "100% хлопок\nплотность 200 г/м²"},
	} {
		var sql []byte
		require.NoError(t, pool.QueryRow(t.Context(), "SELECT item_text_digest($1, $2, $3)", text.name, text.nameKk, text.description).Scan(&sql))
		require.Equal(t, sql, itemTextDigest(text), "%q", text)
	}
	require.NotEqual(t, itemTextDigest(itemText{"a", "bc", "d"}), itemTextDigest(itemText{"ab", "c", "d"}))
}
