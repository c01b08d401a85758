package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The certificates belong to the dataset's domestic producers and cover products they can sell; they are
// read back from the dataset on disk, as the other tests do, not from the generator's internals.
func TestCertificates(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 3, Items: 4000, PageSize: 500}
	dir := t.TempDir()
	_, err := Generate(context.Background(), dir, opts)
	require.NoError(t, err)
	ds := readDataset(t, dir, opts.PageSize)

	producers := map[string]string{} // BIN → name
	for _, s := range ds.items[EndpointSubject] {
		if s.int("mark_patronymic_producer") == 1 {
			producers[s.str("bin")] = s.str("name_ru")
		}
	}
	var codes []string
	for _, p := range ds.items[EndpointPlans] {
		codes = append(codes, strings.ReplaceAll(p.str("ref_enstru_code"), ".", ""))
	}

	certs, err := Certificates(opts)
	require.NoError(t, err)
	again, err := Certificates(opts)
	require.NoError(t, err)
	require.Equal(t, certs, again, "the same options give the same certificates")
	other, err := Certificates(Options{Seed: 4, Items: 4000})
	require.NoError(t, err)
	require.NotEqual(t, certs, other)

	numbers := map[string]bool{}
	holders := map[string]bool{}
	for _, c := range certs {
		require.False(t, numbers[c.Number], "number %s given twice", c.Number)
		numbers[c.Number] = true
		require.Contains(t, producers, c.BIN, "a certificate of a supplier that is no domestic producer")
		holders[c.BIN] = true
		require.Regexp(t, `^[0-9]+$`, c.ENSTRUPrefix)
		require.True(t, hasPrefixIn(codes, c.ENSTRUPrefix), "prefix %s covers no product of the dataset", c.ENSTRUPrefix)
		require.GreaterOrEqual(t, c.LocalContentBP, int64(0))
		require.LessOrEqual(t, c.LocalContentBP, int64(10000))
		require.Equal(t, c.Issued.Year(), c.Expires.Year())
		require.True(t, c.Issued.Before(c.Expires))
		require.GreaterOrEqual(t, c.Issued.Year(), 2016)
		require.LessOrEqual(t, c.Expires.Year(), 2026)
	}
	// Most producers certify their goods, not all: certified local content is the smaller figure.
	require.Greater(t, len(holders), len(producers)/2)
	require.Less(t, len(holders), len(producers))
	var factory bool
	for bin := range holders {
		factory = factory || producers[bin] == "ТОО «Алатау Легпром»"
	}
	require.True(t, factory, "the large factory holds certificates")
}

func hasPrefixIn(codes []string, prefix string) bool {
	for _, c := range codes {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

func TestWriteCertificatesCSV(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	var b bytes.Buffer
	require.NoError(t, WriteCertificatesCSV(&b, []Certificate{
		{Number: "KZ-1", BIN: "100540000005", ENSTRUPrefix: "1413", LocalContentBP: 8450, Issued: day(2016, 1, 1), Expires: day(2016, 12, 31)},
		{Number: "KZ-2", BIN: "100540000005", ENSTRUPrefix: "15201", LocalContentBP: 5, Issued: day(2017, 1, 1), Expires: day(2017, 12, 31)},
	}))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"number", "bin", "enstru_code", "local_content_percent", "issued", "expires"},
		{"KZ-1", "100540000005", "1413", "84.5", "2016-01-01", "2016-12-31"},
		{"KZ-2", "100540000005", "15201", "0.05", "2017-01-01", "2017-12-31"},
	}, rows)
}

func TestPercent(t *testing.T) {
	for bp, want := range map[int64]string{0: "0", 5: "0.05", 50: "0.5", 8400: "84", 8450: "84.5", 8455: "84.55", 10000: "100"} {
		require.Equal(t, want, percent(bp), "%d", bp)
	}
}
