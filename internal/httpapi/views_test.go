package httpapi

import (
	"bytes"
	"errors"
	"html/template"
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
