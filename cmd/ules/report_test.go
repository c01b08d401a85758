package main

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/money"
	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
)

// ules report writes each format from the demo data, and the figures are the store's: a yearly report in
// English as XLSX, a quarter in Russian as CSV for Excel (';', decimal comma), one region in Kazakh as PDF.
// A report that cannot be made says why and leaves no file.
func TestReportOnDemo(t *testing.T) {
	t.Parallel()
	pool, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	code, _, stderr := runCLI(t, env, "demo", "--items", "3000")
	require.Equal(t, 0, code, stderr)
	dir := t.TempDir()
	base := []string{"report", "--target", "school-uniforms-50", "--as-of", "2026-11-25"}

	xlsx := filepath.Join(dir, "year.xlsx")
	code, out, stderr := runCLI(t, env, append(base, "--period", "2026", "--lang", "en", "--out", xlsx)...)
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `^wrote .*year.xlsx \(xlsx, en, [0-9]+ bytes\) in `, out)
	want, _, err := store.New().SharesGet(context.Background(), pool, share.Scope{Filter: share.Filter{Category: "school-uniforms"},
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, "")
	require.NoError(t, err)
	require.Positive(t, want.Total)
	f, err := excelize.OpenFile(xlsx)
	require.NoError(t, err)
	rows, err := f.GetRows("Summary", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	f.Close()
	summary := map[string]string{}
	for _, r := range rows {
		if len(r) == 2 {
			summary[r[0]] = r[1]
		}
	}
	require.Equal(t, strings.TrimSuffix(strings.TrimRight(money.FormatMajor(want.Total), "0"), "."), summary["Purchases"])
	require.Equal(t, strconv.FormatInt(want.Items, 10), summary["Items"])

	csvPath := filepath.Join(dir, "q3.csv")
	code, _, stderr = runCLI(t, env, append(base, "--period", "2026-Q3", "--lang", "ru", "--separator", ";", "--out", csvPath)...)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF")))
	r.Comma, r.FieldsPerRecord = ';', -1
	records, err := r.ReadAll()
	require.NoError(t, err)
	var purchases string
	for _, rec := range records {
		if len(rec) == 2 && rec[0] == "Закупки" {
			purchases = rec[1]
		}
	}
	require.Regexp(t, `^[0-9]+,[0-9]{2}$`, purchases, "tenge with a decimal comma")

	pdf := filepath.Join(dir, "almaty.pdf")
	code, _, stderr = runCLI(t, env, append(base, "--period", "2026", "--region", "75", "--lang", "kk", "--out", pdf)...)
	require.Equal(t, 0, code, stderr)
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", pdf, "-").Output()
		require.NoError(t, err)
		require.Contains(t, string(text), "Алматы")
		require.Contains(t, string(text), "Отандық өндірушілер үлесі")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "no-such", "--period", "2026"}, "there is no target \"no-such\""},
		{[]string{"--target", "school-uniforms-50", "--period", "2010"}, "no counted purchases: choose another period or region"},
	} {
		out := filepath.Join(dir, "bad.pdf")
		code, _, stderr := runCLI(t, env, append([]string{"report", "--as-of", "2026-11-25", "--out", out}, tc.args...)...)
		require.Equal(t, 1, code)
		require.Contains(t, stderr, tc.want)
		_, err := os.Stat(out)
		require.True(t, os.IsNotExist(err), "no file is left behind")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3, "no temporary file is left behind")
}
