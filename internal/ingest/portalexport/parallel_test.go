package portalexport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// writePages writes n contract pages of three records each into dir/contract; the pages listed in broken
// break off after their first record, and record 1 of every fifth page lacks its id.
func writePages(t *testing.T, dir string, n int, broken map[int]bool) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "contract"), 0o755))
	for p := 1; p <= n; p++ {
		var recs []string
		for r := range 3 {
			id := fmt.Sprintf(`"id":%d,`, p*10+r)
			if p%5 == 0 && r == 1 {
				id = ""
			}
			recs = append(recs, fmt.Sprintf(`{%s"customer_bin":"100140000001","supplier_biin":"100240000003","sign_date":"2016-08-01","contract_sum_wnds":%d}`, id, p*100+r))
		}
		page := `{"items":[` + strings.Join(recs, ",\n") + `]}`
		if broken[p] {
			page = page[:strings.Index(page, "\n")+20]
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "contract", fmt.Sprintf("page-%06d.json", p)), []byte(page), 0o644))
	}
}

// Reading on several goroutines hands on the same rows in the same order, with the same errors in the same
// order, as reading one file after the other; a broken page is dropped whole either way.
func TestReadFilesParallelMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	writePages(t, dir, 23, map[int]bool{4: true, 11: true, 12: true, 23: true})

	read := func(workers int) (*memSink, *record.Errors) {
		m, errs := &memSink{}, &record.Errors{}
		require.NoError(t, newTestReader(t, m, errs, workers).Read(context.Background(), dir))
		return m, errs
	}
	seqRows, seqErrs := read(1)
	require.Len(t, seqRows.contracts, 19*3-4, "19 whole pages, one record without id on pages 5, 10, 15, 20")
	require.Equal(t, int64(8), seqErrs.Count(), "4 broken pages and 4 records without id")
	for _, workers := range []int{2, 3, 8} {
		rows, errs := read(workers)
		require.Equal(t, seqRows, rows, "workers=%d", workers)
		require.Equal(t, seqErrs, errs, "workers=%d", workers)
	}
}

// A cancelled import stops its workers and reports the cancellation.
func TestReadFilesCancelled(t *testing.T) {
	dir := t.TempDir()
	writePages(t, dir, 40, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newTestReader(t, &memSink{}, &record.Errors{}, 4).Read(ctx, dir)
	require.ErrorIs(t, err, context.Canceled)
}

// Reading plans/ and plans-kato/ alongside subject/ and contract/ hands on the same rows of each kind, and
// reports the same errors in the same order, as reading the folders one after the other; broken pages
// are dropped whole on either side.
func TestReadPlansAlongside(t *testing.T) {
	dir := t.TempDir()
	_, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 1, Items: 3000, PageSize: 100})
	require.NoError(t, err)
	for _, page := range []string{"contract/page-000002.json", "plans/page-000003.json", "plans-kato/page-000001.json"} {
		path := filepath.Join(dir, filepath.FromSlash(page))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b[:len(b)/2], 0o644))
	}
	read := func(alongside bool) (*memSink, *record.Errors) {
		m, errs := &memSink{}, &record.Errors{}
		rd := newTestReader(t, m, errs, 2)
		rd.PlansAlongside = alongside
		require.NoError(t, rd.Read(context.Background(), dir))
		return m, errs
	}
	inOrder, inOrderErrs := read(false)
	require.NotEmpty(t, inOrder.units)
	require.Equal(t, int64(3), inOrderErrs.Count(), "the three broken pages")
	for range 3 {
		alongside, errs := read(true)
		require.Equal(t, inOrder, alongside)
		require.Equal(t, inOrderErrs, errs)
	}
}
