package httpapi

import (
	"bytes"
	"errors"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestViews(t *testing.T) {
	t.Parallel()
	funcs := template.FuncMap{"fail": func() (string, error) { return "", errors.New("boom") }}
	files := fstest.MapFS{
		"layout.html": {Data: []byte(`<main>{{template "content" .}}</main>`)},
		"ok.html":     {Data: []byte(`{{define "content"}}hello {{.}}{{end}}`)},
		"broken.html": {Data: []byte(`{{define "content"}}half {{fail}}{{end}}`)},
	}
	v, err := loadViews(files, funcs)
	require.NoError(t, err)

	var out bytes.Buffer
	require.NoError(t, v.Render(&out, "ok", "world"))
	require.Equal(t, "<main>hello world</main>", out.String())

	out.Reset()
	require.ErrorContains(t, v.Render(&out, "broken", nil), "boom")
	require.Empty(t, out.String(), "a failed page writes nothing")
	require.ErrorContains(t, v.Render(&out, "missing", nil), `no template "missing"`)

	_, err = loadViews(fstest.MapFS{"layout.html": files["layout.html"], "bare.html": {Data: []byte(`no define`)}}, funcs)
	require.ErrorContains(t, err, `defines no "content"`)
	_, err = loadViews(fstest.MapFS{"layout.html": files["layout.html"], "bad.html": {Data: []byte(`{{define "content"}}{{end`)}}, funcs)
	require.ErrorContains(t, err, "template bad.html")
}

// Every word of the pages exists in Kazakh, Russian and English.
func TestMessagesInEveryLanguage(t *testing.T) {
	t.Parallel()
	for key, m := range messages {
		for i, lang := range []string{"kk", "ru", "en"} {
			require.NotEmpty(t, strings.TrimSpace(m[i]), "%q has no %s", key, lang)
		}
	}
}

func TestTranslateReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lang, in, want string }{
		{"ru", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" — не 12 цифр"},
		{"kk", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" — 12 цифр емес"},
		{"en", "buyer_bin: \"12\" is not 12 digits", "buyer_bin: \"12\" is not 12 digits"},
		{"ru", "a reason no pattern knows", "a reason no pattern knows"},
		{"ru", "3 skipped: plan points marked deleted (is_deleted): not used for any item; note: x.csv is not UTF-8: it was read as Windows-1251 (Excel's \"CSV\" in Russian and Kazakh) and converted",
			"3 пропущено: пункты плана, помеченные удалёнными (is_deleted), ни для одной позиции не используются; примечание: x.csv не в UTF-8: прочитан как Windows-1251 и преобразован (так Excel на русском и казахском сохраняет «CSV»)"},
	} {
		require.Equal(t, tc.want, translateReason(tc.lang, tc.in), tc.in)
	}
	for _, p := range reasonPatterns {
		require.NotEmpty(t, p.kk, p.re.String())
		require.NotEmpty(t, p.ru, p.re.String())
	}
}
