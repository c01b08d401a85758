package httpapi_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBuyerSupplierAndContractPages follows the links from the target page: the reseller's contract, its
// buyer and its supplier.
func TestBuyerSupplierAndContractPages(t *testing.T) {
	t.Parallel()
	app := setup(t)
	_, body := get(t, app, "/targets/school-uniforms-50?as_of=2026-11-25&lang=en")
	contract := regexp.MustCompile(`href="(/contracts/[0-9]+)\?lang=en">SU-2026-002`).FindStringSubmatch(body)
	require.NotNil(t, contract, "the largest contract to a non-producer links to its page")
	buyer := regexp.MustCompile(`href="(/buyers/[0-9]{12})\?lang=en"`).FindStringSubmatch(body)
	require.NotNil(t, buyer)

	status, body := get(t, app, contract[1]+"?lang=en")
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `<span class="status met">Counted</span>`)
	require.Contains(t, body, "ТОО «Мега Трейд»")
	require.Regexp(t, `4,200,000\x{00a0}₸[\s\S]*Resident supplier <span class="muted">\(resident, not a producer\)</span>`, body)
	supplier := regexp.MustCompile(`href="(/suppliers/[^"?]+)\?lang=en"`).FindStringSubmatch(body)
	require.NotNil(t, supplier)

	status, body = get(t, app, buyer[1]+"?lang=ru&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Contains(t, body, "SU-2026-002")
	require.Contains(t, body, "<b>4\u00a0200\u00a0000\u00a0₸</b>Закупки")

	status, body = get(t, app, supplier[1]+"?lang=kk&from=2026-01-01&to=2026-12-31")
	require.Equal(t, 200, status, body)
	require.Regexp(t, `<td>2026</td><td>Резидент жеткізуші</td><td>резидент, өндіруші емес</td><td class="num">1</td>`, body)
	require.Contains(t, body, "Тізілімде жоқ")

	for url, want := range map[string]int{
		"/buyers/123": 400, "/buyers/999999999999": 404, "/contracts/abc": 400, "/contracts/999999999": 404,
		"/suppliers/no-such-supplier": 404, buyer[1] + "?from=2026-02-30": 400, buyer[1] + "?cursor=zzz": 400,
	} {
		status, _ := get(t, app, url)
		require.Equal(t, want, status, url)
	}
}
