package ingest

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		_, err := w.Write([]byte(s))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		return b.String()
	}
	portalPage := `{"items": [{"id": 1}], "next_page": null}`
	dir := t.TempDir()
	files := map[string]string{
		"package.json":            `{"uri": "x", "publisher": {"name": "p"}, "releases": []}`,
		"records.json":            `{"records": []}`,
		"release.json":            `{"id": "1", "tag": ["tender"], "ocid": "ocds-x-1"}`,
		"releases.jsonl":          `{"ocid": "ocds-x-1"}` + "\n" + `{"ocid": "ocds-x-2"}` + "\n",
		"package.json.gz":         gz(`{"releases": []}`),
		"array.json":              `[{"ocid": "ocds-x-1"}]`,
		"items.csv":               "contract_id,signed_on\n",
		"items.xlsx":              "PK",
		"page.json":               portalPage,
		"page-next-first.json":    `{"next_page": 2, "total": 3, "items": []}`,
		"other.json":              `{"name": "report"}`,
		"empty.json":              ``,
		"broken.json":             `<html>`,
		"bad.json.gz":             `{"releases": []}`,
		"notes.txt":               "hello",
		"portal/contract/p.json":  portalPage,
		"portal-one/plans/p.json": portalPage,
		"ocds/a/b/rec.json":       `{"ocid": "ocds-x-1", "compiledRelease": {}}`,
		"ocds-mixed/0-empty.json": ``,
		"ocds-mixed/1.json.gz":    gz(`{"releases": []}`),
		"pages/page-1.json":       portalPage,
		"other-json/x.json":       `{"name": "report"}`,
		"nothing/readme.md":       "# hi",
	}
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	tests := []struct {
		path, want, err string
	}{
		{"package.json", "ocds", ""},
		{"records.json", "ocds", ""},
		{"release.json", "ocds", ""},
		{"releases.jsonl", "ocds", ""},
		{"package.json.gz", "ocds", ""},
		{"array.json", "ocds", ""},
		{"items.csv", "csv", ""},
		{"items.xlsx", "xlsx", ""},
		{"portal", "portal", ""},
		{"portal-one", "portal", ""},
		{"ocds", "ocds", ""},
		{"ocds-mixed", "ocds", ""},
		{"page.json", "", "is a single portal page: import its folder (with subject/, contract/, contract-units/, plans/, plans-kato/) with --format portal"},
		{"page-next-first.json", "", "is a single portal page"},
		{"other.json", "", "is JSON but neither OCDS (releases, records or ocid) nor a portal page; want a portal export folder (--format portal), OCDS .json/.jsonl/.json.gz files or a folder of them (--format ocds), a .csv (--format csv) or a .xlsx file (--format xlsx)"},
		{"empty.json", "", "cannot tell the format of " + filepath.Join(dir, "empty.json") + ": the file is empty"},
		{"broken.json", "", "not JSON: invalid character '<'"},
		{"bad.json.gz", "", "not a gzip file"},
		{"notes.txt", "", "cannot tell the format of " + filepath.Join(dir, "notes.txt") + " from its name; want a portal export folder"},
		{"pages", "", "holds portal pages (" + filepath.Join(dir, "pages", "page-1.json") + ") but not the portal's sub-folders"},
		{"other-json", "", "has JSON files but none is OCDS"},
		{"nothing", "", "it has none of the portal's sub-folders (subject/, contract/, contract-units/, plans/, plans-kato/) and no JSON files"},
		{"missing", "", "no such file or directory"},
	}
	for _, tt := range tests {
		got, err := detectFormat(filepath.Join(dir, tt.path))
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.path)
			require.Empty(t, got)
			continue
		}
		require.NoError(t, err, tt.path)
		require.Equal(t, tt.want, got, tt.path)
	}
	// The repository's own examples.
	for path, want := range map[string]string{
		filepath.Join("testdata", "portal-small"):                         "portal",
		filepath.Join("testdata", "items.csv"):                            "csv",
		filepath.Join("testdata", "ocds-items.json"):                      "ocds",
		filepath.Join("testdata", "ocds-ukraine-releases.jsonl"):          "ocds",
		filepath.Join("testdata", "ocds-paraguay-record-package.json.gz"): "ocds",
	} {
		got, err := detectFormat(path)
		require.NoError(t, err, path)
		require.Equal(t, want, got, path)
	}
}
