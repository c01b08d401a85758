package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Before its first threshold a target is not in force: said so, never a 500, on the API and the pages.
// A year without purchases is no_data, never "0.0 %, off track".
func TestTargetNotInForceAndWithoutData(t *testing.T) {
	t.Parallel()
	app := setup(t)

	got := getJSON(t, app, "/api/v1/targets/school-uniforms-50/progress?as_of=2015-06-01")
	require.Equal(t, "not_started", got["status"])
	require.Nil(t, got["threshold"])
	require.Nil(t, got["gap_points"])
	require.Nil(t, got["gap_amount"])
	require.Nil(t, got["projected"])
	require.Equal(t, map[string]any{"effective_from": "2016-01-01", "threshold": 50.0}, got["next_threshold"])

	got = getJSON(t, app, "/api/v1/targets/school-uniforms-50/progress?as_of=2020-06-01")
	require.Equal(t, "no_data", got["status"])
	require.Nil(t, got["value"])
	require.Equal(t, 50.0, got["threshold"])
	require.Nil(t, got["gap_amount"])
	require.Nil(t, got["projected"])
	require.Nil(t, got["next_threshold"])

	for _, tc := range []struct{ url, want, not string }{
		{"/targets/school-uniforms-50?as_of=2015-06-01&lang=en", "not yet in force", "off track"},
		{"/targets/school-uniforms-50?as_of=2015-06-01&lang=ru", "Действует с 01.01.2016", "отставание"},
		{"/targets/school-uniforms-50?as_of=2020-06-01&lang=en", "no data", "off track"},
		{"/targets/school-uniforms-50?as_of=2020-06-01&lang=kk", "деректер жоқ", "артта қалу"},
	} {
		status, body := get(t, app, tc.url)
		require.Equal(t, 200, status, tc.url)
		require.Contains(t, body, tc.want, tc.url)
		require.NotContains(t, body, tc.not, tc.url)
	}
}
