package classify_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/classify"
)

// A Memo answers as the Classifier does, the first time and again.
func TestMemoAnswersAsClassify(t *testing.T) {
	t.Parallel()
	c, err := classify.New(shippedRules())
	require.NoError(t, err)
	m := classify.NewMemo(c)
	for _, item := range [][]string{
		{"141211.500.000008", "Форма школьная"}, {"", "школьная форма для девочек"}, {"", "бумага"},
		{"", "a", "b", "c", "d"}, {"141211.500.000008", "Форма школьная"},
	} {
		id, _, ok := c.Classify(item[0], item[1:]...)
		got := m.Category(item[0], item[1:]...)
		if !ok {
			require.Nil(t, got, item)
			continue
		}
		require.NotNil(t, got, item)
		require.Equal(t, int32(id), *got, item)
	}
}
