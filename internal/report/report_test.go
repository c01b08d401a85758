package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/ules-kz/ules/internal/locale"
	"github.com/ules-kz/ules/internal/pgtest"
	"github.com/ules-kz/ules/internal/report"
	"github.com/ules-kz/ules/internal/share"
	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/testfactory"
	"github.com/ules-kz/ules/internal/tier"
	"github.com/ules-kz/ules/web"
)

// today is the fixed day the tests' reports are made.
var today = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// screenshots is the git-ignored folder the browser test leaves its screenshots in; the reports' first
// pages join them there for a reader to look at.
const screenshots = "../../screenshots"

type bundle struct {
	tx      pgx.Tx
	store   *store.Store
	catalog *locale.Catalog
}

// setup writes, inside the test's transaction, school-uniform purchases of 2026: a domestic producer's
// two items in Almaty (1 800 000 and 1 980 000 tenge, July) bought by a school, a reseller's item in
// Shymkent (4 200 000, August) bought by an akimat, workwear from abroad (not in the category), a
// register entry of the producer, the import that brought them, and two targets: school uniforms at 50 %
// everywhere, and in East Kazakhstan only.
func setup(t *testing.T) bundle {
	t.Helper()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	var batch int64
	require.NoError(t, tx.QueryRow(ctx, `INSERT INTO import_batches (format, source_name, created_by, status, finished_at)
		VALUES ('csv', 'items.csv', 'test', 'committed', '2026-11-20 05:30:00+00') RETURNING id`).Scan(&batch))
	almaty, shymkent, astana := "75", "79", "71"
	school := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{BIN: "100000000001", NameRU: "«Шаһар мектебі» КММ", Type: "education", Region: &almaty})
	akimat := testfactory.Buyer(ctx, t, tx, &testfactory.BuyerOpts{BIN: "100000000002", NameRU: "Акимат Шымкента", Type: "akimat", Region: &shymkent})
	producer := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{BIN: "200000000001", NameRU: "ТОО «Алатау Легпром»", PortalProducer: true})
	reseller := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{BIN: "200000000002", NameRU: "ТОО «Мега Трейд»"})
	foreign := testfactory.Supplier(ctx, t, tx, &testfactory.SupplierOpts{NameRU: "Hangzhou Textile Co.", NonResident: true, Country: "CN"})
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

	c := testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "SU-2026-001", BuyerID: school, SupplierID: producer,
		SignedOn: day(7, 14), Total: 3_780_000_00, BatchID: &batch})
	for _, v := range []int64{1_800_000_00, 1_980_000_00} {
		testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Region: &almaty, Value: v, Tier: tier.DomesticProducer})
	}
	c = testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "SU-2026-002", BuyerID: akimat, SupplierID: reseller,
		SignedOn: day(8, 2), Total: 4_200_000_00, BatchID: &batch})
	testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "school-uniforms", Region: &shymkent, Value: 4_200_000_00, Tier: tier.ResidentSupplier})
	c = testfactory.Contract(ctx, t, tx, &testfactory.ContractOpts{SourceID: "WW-2026-010", SupplierID: foreign,
		SignedOn: day(3, 20), Total: 4_500_000_00, BatchID: &batch})
	testfactory.Item(ctx, t, tx, c, &testfactory.ItemOpts{Category: "workwear", Region: &astana, Value: 4_500_000_00, Tier: tier.NonResident})
	_, err := tx.Exec(ctx, `INSERT INTO producer_register (bin, category_id, valid_from, capacity, capacity_unit, region)
		SELECT '200000000001', id, '2020-01-01', 1000, 'шт', '75' FROM categories WHERE slug = 'school-uniforms'`)
	require.NoError(t, err)

	st := store.New()
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = st.TargetApply(ctx, tx, []share.Target{
		{Slug: "school-uniforms-50", Names: share.Names{KK: "Мектеп формасындағы отандық өндірушілер үлесі кемінде 50%",
			RU: "Доля отечественных производителей в закупках школьной формы не менее 50%", EN: "Domestic producers' share of school uniforms at least 50%"},
			Filter: share.Filter{Category: "school-uniforms"}, Metric: share.MetricValue, Period: share.PeriodCalendarYear,
			Schedule: []share.Threshold{{EffectiveFrom: from, Value: 5000}}},
		{Slug: "east", Names: share.Names{EN: "East"}, Filter: share.Filter{Category: "school-uniforms", Regions: []string{"63"}},
			Metric: share.MetricValue, Period: share.PeriodCalendarYear, Schedule: []share.Threshold{{EffectiveFrom: from, Value: 6000}}},
	})
	require.NoError(t, err)
	catalog, err := locale.Load(web.Translations)
	require.NoError(t, err)
	return bundle{tx: tx, store: st, catalog: catalog}
}

func (b bundle) build(t *testing.T, target, period, region, lang string) (*report.Report, error) {
	t.Helper()
	p, err := report.ParsePeriod(period)
	require.NoError(t, err)
	return report.Build(context.Background(), b.tx, b.store, b.catalog,
		report.Request{Target: target, Period: p, Region: region, Lang: lang, Today: today}, nil)
}

// The report's figures are the store's: the third quarter's purchases, the headline against the 50 %
// threshold, buyers that pull the share down first, and the region narrowing the scope.
func TestBuild(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r, err := b.build(t, "school-uniforms-50", "2026-Q3", "", "en")
	require.NoError(t, err)

	want, _, err := b.store.SharesGet(context.Background(), b.tx, share.Scope{Filter: share.Filter{Category: "school-uniforms"},
		From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)}, "")
	require.NoError(t, err)
	require.Equal(t, want, r.Figures)
	require.Equal(t, int64(7_980_000_00), r.Figures.Total, "workwear is outside the category")
	h := r.Headline
	require.Equal(t, int64(4736), h.ShareValue, "3 780 000 of 7 980 000")
	require.Equal(t, int64(6666), h.ShareCount, "two items of three")
	require.Equal(t, int64(5000), h.Threshold)
	require.True(t, h.InForce)
	require.Equal(t, int64(264), h.GapPoints)
	require.Equal(t, int64(210_000_00), h.GapTenge, "half of 7 980 000 less 3 780 000")
	require.Equal(t, time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), r.AsOf)
	require.Equal(t, time.Date(2026, 11, 20, 5, 30, 0, 0, time.UTC), r.DataAsOf.UTC())
	progress, err := b.store.TargetProgressGet(context.Background(), b.tx, "school-uniforms-50", r.AsOf)
	require.NoError(t, err)
	require.Equal(t, progress.Status, h.Progress.Status)
	require.Equal(t, progress.Projected, h.Progress.Projected)

	require.Equal(t, []string{"100000000002", "100000000001"}, []string{r.Buyers[0].Key, r.Buyers[1].Key},
		"the akimat sent every tenge to a reseller: it pulls the share down, first")
	require.Equal(t, "Акимат Шымкента", r.Buyers[0].Name)
	require.Equal(t, int64(2_100_000_00), r.Buyers[0].ToMove, "half of its 4 200 000")
	require.Len(t, r.Regions, 2)
	require.Equal(t, "75", r.Regions[0].Key)
	require.Equal(t, int64(10000), r.Regions[0].Share)
	require.Len(t, r.BuyerTypes, 2)
	require.Len(t, r.Trend, 3, "July to September")
	require.Equal(t, int64(10000), r.Trend[0].Share)
	require.Equal(t, int64(0), r.Trend[1].Share)
	require.Len(t, r.Producers, 1)
	require.Equal(t, "200000000001", r.Producers[0].BIN)
	require.Len(t, r.Largest, 1)
	require.Equal(t, "SU-2026-002", r.Largest[0].SourceID)
	require.Contains(t, r.Methodology()[4], "Order No. 260 of 20.04.2018")
	require.Contains(t, r.Methodology()[4], "KC = Σ CTi·Ki / S")
	// The quarter is not the window the status is judged on: the window's own value and gap stand beside
	// the quarter's, as the progress API gives them.
	summary := map[string]report.Cell{}
	for _, row := range r.Summary().Rows {
		summary[row[0].Text] = row[1]
	}
	require.Equal(t, progress.Value, summary["Value by the target's metric over that window"].N)
	require.Equal(t, progress.GapPoints, summary["Gap in points over that window"].N)
	require.Equal(t, progress.GapAmount, summary["Gap in tenge over that window"].N)

	r, err = b.build(t, "school-uniforms-50", "2026", "75", "ru")
	require.NoError(t, err)
	require.Equal(t, int64(3_780_000_00), r.Figures.Total, "Almaty alone")
	require.Equal(t, share.StatusMet, r.Headline.Progress.Status, "the region's own progress")
	require.Equal(t, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), r.AsOf, "a year not over runs to today")
	require.Len(t, r.Trend, 11)
	require.Contains(t, r.Scope(), report.Field{Label: "Регионы", Value: "город Алматы"})
	for _, row := range r.Summary().Rows {
		require.NotEqual(t, "Значение по метрике цели за этот срок", row[0].Text, "the year so far is the status's window")
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		target, period, region, lang, want string
	}{
		{"no-such-target", "2026", "", "en", `there is no target "no-such-target": ` + "`ules target list` lists them"},
		{"school-uniforms-50", "2024", "", "en", `target "school-uniforms-50", 2024-01-01 to 2024-12-31: no counted purchases: choose another period or region`},
		{"school-uniforms-50", "2026-Q1", "", "en", "2026-01-01 to 2026-03-31: no counted purchases"},
		{"school-uniforms-50", "2026", "71", "en", `in region 71, 2026-01-01 to 2026-11-25: no counted purchases`},
		{"school-uniforms-50", "2027", "", "en", "period 2027 starts after today (2026-11-25): no counted purchases in it yet"},
		{"school-uniforms-50", "2026", "99", "en", `region "99": want a region's two-digit KATO code`},
		{"east", "2026", "75", "en", `region 75 is outside target "east", which covers regions 63`},
		{"school-uniforms-50", "2026", "", "de", `language "de": want kk, ru, en`},
	} {
		_, err := b.build(t, tc.target, tc.period, tc.region, tc.lang)
		require.ErrorContains(t, err, tc.want, "%+v", tc)
	}
	_, err := b.build(t, "school-uniforms-50", "2024", "", "en")
	require.ErrorIs(t, err, report.ErrNoData)
}

// Each format, in each language, holds the store's figures in the language's words: the XLSX as typed
// cells with number formats, frozen headers and a native chart its sheet refers to; the PDF's text with
// Kazakh letters, the figures and a page number on every page; the CSV read back.
func TestWriters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, lang := range locale.Languages {
		t.Run(lang, func(t *testing.T) {
			r, err := b.build(t, "school-uniforms-50", "2026", "", lang)
			require.NoError(t, err)
			T := b.catalog.Translator(lang)
			checkXLSX(t, r, T)
			checkCSV(t, r, T, lang)
			checkPDF(t, r, T, lang)
		})
	}
}

func checkXLSX(t *testing.T, r *report.Report, T func(string) string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, r.WriteXLSX(&buf))
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	require.Len(t, sheets, 8, sheets)
	require.Equal(t, T("Summary"), sheets[0])
	require.Equal(t, T("Scope"), sheets[1], "the filter has a sheet of its own")

	// The summary: typed values, the share as a fraction shown with one decimal.
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	values := map[string]string{}
	for i, row := range rows {
		if len(row) == 2 {
			values[row[0]] = row[1]
			if row[0] == T("Share by value") {
				cell, _ := excelize.CoordinatesToCellName(2, i+1)
				requireFormat(t, f, sheets[0], cell, "0.0%")
			}
		}
	}
	require.Equal(t, "7980000", values[T("Purchases")])
	require.Equal(t, "0.4736", values[T("Share by value")], "the year so far: 3 780 000 of 7 980 000")

	scope, err := f.GetRows(sheets[1])
	require.NoError(t, err)
	require.Contains(t, scope[len(scope)-1][1], "20.04.2018", "the methodology ends with local content by Order No. 260")

	regions := sheets[2]
	require.Equal(t, T("By region"), regions)
	panes, err := f.GetPanes(regions)
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 2, panes.YSplit, "the title and header rows stay in view")
	header, err := f.GetRows(regions)
	require.NoError(t, err)
	require.Equal(t, []string{T("Code"), T("Region"), T("Purchases")}, header[1][:3])
	raw, err := f.GetCellValue(regions, "C3", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, "3780000", raw, "Almaty's purchases, a number")
	requireFormat(t, f, regions, "C3", `#,##0.00\ "₸"`)
	raw, err = f.GetCellValue(regions, "F3", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, "1", raw, "Almaty's share: 100 %")
	requireFormat(t, f, regions, "F3", "0.0%")

	buyers, err := f.GetRows(sheets[4])
	require.NoError(t, err)
	require.Equal(t, "100000000002", buyers[2][0], "the buyer that pulls the share down first")

	// The chart: its part is in the file, and the trend's sheet refers to it (excelize writes a chart
	// added after the sheet was streamed without the reference, and Excel then shows none).
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	parts := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		parts[zf.Name] = string(b)
	}
	chart, ok := parts["xl/charts/chart1.xml"]
	require.True(t, ok, "the workbook has a chart")
	chart = html.UnescapeString(chart)
	require.True(t, strings.Contains(chart, "<lineChart>"), "a line chart")
	trend := sheets[7]
	require.Equal(t, T("Monthly trend"), trend)
	require.True(t, strings.Contains(chart, "'"+trend+"'!$D$3:$D$13"), "the chart draws the share of January to November")
	var referring []string
	for name, xml := range parts {
		if strings.HasPrefix(name, "xl/worksheets/sheet") && strings.Contains(xml, "<drawing ") {
			referring = append(referring, name)
			rels := parts["xl/worksheets/_rels/"+strings.TrimPrefix(name, "xl/worksheets/")+".rels"]
			require.Contains(t, rels, "../drawings/drawing1.xml")
		}
	}
	require.Len(t, referring, 1, "one sheet shows the chart")
	require.Contains(t, parts["xl/drawings/_rels/drawing1.xml.rels"], "../charts/chart1.xml")
	months, err := f.GetRows(trend)
	require.NoError(t, err)
	require.Len(t, months, 2+11)
	require.Equal(t, "2026-07", months[2+6][0])
}

func requireFormat(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	require.NoError(t, err)
	style, err := f.GetStyle(id)
	require.NoError(t, err)
	require.NotNil(t, style.CustomNumFmt, "%s!%s", sheet, cell)
	require.Equal(t, want, *style.CustomNumFmt, "%s!%s", sheet, cell)
}

func checkCSV(t *testing.T, r *report.Report, T func(string) string, lang string) {
	t.Helper()
	opts := report.CSVOptions{Separator: ','}
	if lang != "en" {
		opts = report.CSVOptions{Separator: ';', DecimalComma: true}
	}
	var buf bytes.Buffer
	require.NoError(t, r.WriteCSV(&buf, opts))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")), "a byte-order mark for Excel")
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
	cr.Comma, cr.FieldsPerRecord = opts.Separator, -1
	records, err := cr.ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{r.Title(), T("Report")}, records[0])
	values := map[string][]string{}
	for _, rec := range records {
		if len(rec) > 1 {
			values[rec[0]] = rec[1:]
		}
	}
	share, purchases, almaty := "47.4", "7980000.00", "3780000.00"
	if opts.DecimalComma {
		share, purchases, almaty = "47,4", "7980000,00", "3780000,00"
	}
	require.Equal(t, purchases, values[T("Purchases")][0])
	require.Equal(t, share, values[T("Share by value")][0])
	require.Equal(t, almaty, values["75"][1], "Almaty's purchases")
	require.Equal(t, "Акимат Шымкента", values["100000000002"][0], "a buyer's row")

	var bad bytes.Buffer
	require.ErrorContains(t, r.WriteCSV(&bad, report.CSVOptions{Separator: ',', DecimalComma: true}), "a decimal comma needs the separator ';'")
}

func checkPDF(t *testing.T, r *report.Report, T func(string) string, lang string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, r.WritePDF(&buf))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing: CI installs poppler-utils (scripts/test.sh)")
		}
		t.Skip("pdftotext is missing (Debian: apt-get install poppler-utils); the PDF's text is not checked")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	// pdftotext gives a non-breaking space as a plain one.
	nbsp := strings.NewReplacer("\u00a0", " ")
	text := nbsp.Replace(string(out))
	require.Contains(t, text, r.Title())
	require.Contains(t, text, T("Who could supply"))
	require.Contains(t, text, nbsp.Replace(locale.Tenge(lang, 7_980_000_00)), "the purchases")
	require.Contains(t, text, nbsp.Replace(locale.Percent(lang, 4736)), "the share")
	require.Contains(t, text, "Акимат Шымкента")
	if lang == "kk" {
		for _, letter := range strings.Split("ә ғ қ ң ө ұ ү һ і", " ") {
			require.Contains(t, text, letter, "the embedded font renders Kazakh %s", letter)
		}
	}
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	for i, page := range pages {
		// pdftotext drops the spaces around the slash of a total fpdf fills in at the end ("1/3").
		require.Regexp(t, regexp.MustCompile(`\b`+strconv.Itoa(i+1)+`\s*/\s*`+strconv.Itoa(len(pages))+`\b`), page, "page %d's number", i+1)
		require.Contains(t, page, T("Data as of"), "page %d's head", i+1)
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		require.NoError(t, os.MkdirAll(screenshots, 0o755))
		require.NoError(t, exec.Command("pdftoppm", "-f", "1", "-l", "1", "-r", "70", "-png", "-singlefile", path,
			filepath.Join(screenshots, "report-"+lang)).Run())
	}
}

// Write writes each of Formats as its own writer does and refuses any other format.
func TestWriteChoosesTheFormat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r, err := b.build(t, "school-uniforms-50", "2026", "", "ru")
	require.NoError(t, err)
	o := report.CSVOptions{Separator: ';', DecimalComma: true}
	var got, want bytes.Buffer
	require.NoError(t, r.Write(&got, "csv", o))
	require.NoError(t, r.WriteCSV(&want, o))
	require.Equal(t, want.String(), got.String())
	for _, format := range report.Formats {
		got.Reset()
		require.NoError(t, r.Write(&got, format, o), format)
		require.NotZero(t, got.Len(), format)
	}
	require.ErrorContains(t, r.Write(&got, "docx", o), `format "docx": want xlsx, pdf or csv`)
}

// The PDF lists the buyers that pull the share down most and says how many the other formats list: a
// year's 12,000 buyers made a PDF of hundreds of pages.
func TestPDFCutsTheBuyers(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is missing (Debian: apt-get install poppler-utils)")
	}
	b := setup(t)
	r, err := b.build(t, "school-uniforms-50", "2026", "", "en")
	require.NoError(t, err)
	r.Buyers = nil
	for i := range 250 {
		r.Buyers = append(r.Buyers, report.Row{Key: fmt.Sprintf("9900%08d", i), Name: fmt.Sprintf("Buyer number %03d", i)})
	}
	var buf bytes.Buffer
	require.NoError(t, r.WritePDF(&buf))
	path := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	out, err := exec.Command("pdftotext", path, "-").Output()
	require.NoError(t, err)
	text := strings.Join(strings.Fields(string(out)), " ")
	require.Contains(t, text, "The 200 buyers that pull the share down most; the XLSX and CSV reports list all 250.")
	require.Contains(t, text, "Buyer number 199")
	require.NotContains(t, text, "Buyer number 200")

	buf.Reset()
	require.NoError(t, r.WriteCSV(&buf, report.CSVOptions{Separator: ','}))
	require.Contains(t, buf.String(), "Buyer number 249", "the CSV lists every buyer")
}

// Every word the report asks the catalogs for is in them, in every language (the pages' catalog test
// holds the languages to the same keys).
func TestCatalogHasEveryKeyTheReportUses(t *testing.T) {
	t.Parallel()
	catalog, err := locale.Load(web.Translations)
	require.NoError(t, err)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	key := regexp.MustCompile(`\bT\("([^"]+)"\)`)
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			require.True(t, catalog.Has(m[1]), "%s: the catalogs have no %q", name, m[1])
			found++
		}
	}
	require.Greater(t, found, 40, "the scan finds the keys")
	for _, k := range append(share.Metrics, "education", "akimat", string(share.StatusOffTrack), string(share.StatusNotStarted)) {
		require.True(t, catalog.Has(k), "a key made from data: %q", k)
	}
}

// A report of a filter without a target (the explorer's) holds the store's figures of that filter and no
// threshold, gap or status; the category's lists come only where the filter is one they answer.
func TestBuildFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, err := report.ParsePeriod("2026-01-01..2026-12-31")
	require.NoError(t, err)
	build := func(f share.Filter, region string) (*report.Report, error) {
		return report.Build(context.Background(), b.tx, b.store, b.catalog,
			report.Request{Filter: f, Period: p, Region: region, Lang: "en", Today: today}, nil)
	}
	f := share.Filter{Category: "school-uniforms", Regions: []string{"75", "79"}}
	r, err := build(f, "")
	require.NoError(t, err)
	want, _, err := b.store.SharesGet(context.Background(), b.tx, share.Scope{Filter: f, From: p.From, To: today}, "")
	require.NoError(t, err)
	require.Equal(t, want, r.Figures)
	require.False(t, r.HasTarget())
	require.True(t, r.Ranked())
	require.Equal(t, int64(4736), r.Headline.ShareValue)
	require.Zero(t, r.Headline.Threshold)
	require.False(t, r.Headline.InForce)
	require.Equal(t, "Domestic producers' share: School uniforms", r.Title())
	T := b.catalog.Translator("en")
	for _, row := range r.Summary().Rows {
		require.NotContains(t, []string{T("Threshold in force"), T("Status"), T("Target metric")}, row[0].Text)
	}
	require.NotContains(t, r.Scope(), report.Field{Label: T("Target metric"), Value: T(share.MetricValue)})
	require.Len(t, r.Producers, 1, "the category's registered producer")
	for _, table := range r.Tables() {
		for _, c := range table.Columns {
			require.NotEqual(t, T("To move"), c.Header, "%s: nothing to move without a threshold", table.ID)
		}
	}

	r, err = build(share.Filter{Category: "school-uniforms", Tiers: []tier.SupplierTier{tier.ResidentSupplier}}, "")
	require.NoError(t, err)
	require.Equal(t, int64(4_200_000_00), r.Figures.Total)
	require.False(t, r.Ranked(), "the producers' list knows no tiers")
	require.Empty(t, r.Producers)
	require.Contains(t, r.Scope(), report.Field{Label: T("Supplier tier"), Value: T("tier 2")})

	r, err = build(share.Filter{}, "")
	require.NoError(t, err)
	require.Equal(t, int64(12_480_000_00), r.Figures.Total, "every category: workwear too")
	require.Equal(t, "Domestic producers' share: All categories", r.Title())
	var buf bytes.Buffer
	require.NoError(t, r.WriteXLSX(&buf))
	require.NoError(t, r.WritePDF(&buf))
	buf.Reset()
	require.NoError(t, r.WriteCSV(&buf, report.CSVOptions{}))
	// The lists a category's report has are empty here, and the CSV says why, as PDF and XLSX do.
	require.Regexp(t, regexp.QuoteMeta(T("Who could supply"))+`\n"?`+regexp.QuoteMeta(T("Report lists need one category"))+`"?\n`, buf.String())

	var ae *report.ArgumentError
	_, err = build(share.Filter{Category: "hats"}, "")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "category", ae.Argument)
	_, err = build(f, "75")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "region", ae.Argument)
	_, err = build(share.Filter{Category: "workwear", Regions: []string{"75"}}, "")
	require.ErrorIs(t, err, report.ErrNoData)
	require.ErrorContains(t, err, "the filter, 2026-01-01 to 2026-11-25: no counted purchases: widen the filter")
}

// A spreadsheet opening the CSV runs none of its text, a buyer's name from the data for one; a lone sign
// stays as it is, and numbers are no text.
func TestCSVTextIsNoFormula(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r, err := b.build(t, "school-uniforms-50", "2026", "", "en")
	require.NoError(t, err)
	require.NotEmpty(t, r.Buyers)
	r.Buyers[0].Name = `=HYPERLINK("http://example.invalid","click")`
	var buf bytes.Buffer
	require.NoError(t, r.WriteCSV(&buf, report.CSVOptions{Separator: ','}))
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
	cr.FieldsPerRecord = -1 // the filter, then each table with its own columns
	recs, err := cr.ReadAll()
	require.NoError(t, err)
	var names []string
	for _, rec := range recs {
		for _, f := range rec {
			if strings.Contains(f, "HYPERLINK") {
				names = append(names, f)
			}
		}
	}
	require.Equal(t, []string{`'=HYPERLINK("http://example.invalid","click")`}, names)
	for in, want := range map[string]string{"=1+2": "'=1+2", "+7 701": "'+7 701", "-x": "'-x", "@a": "'@a", "\tx": "'\tx",
		"\rx": "'\rx", "-": "-", "=": "=", "": "", "ТОО «=»": "ТОО «=»", "42": "42"} {
		require.Equal(t, want, report.FormulaSafe(in), "%q", in)
	}
}

// The register gives BINs only: a producer never on record as a supplier has no name, and its row says so
// rather than leave the cell empty.
func TestProducerWithoutAName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.tx.Exec(context.Background(), `INSERT INTO producer_register (bin, category_id, valid_from)
		SELECT '300000000009', id, '2020-01-01' FROM categories WHERE slug = 'school-uniforms'`)
	require.NoError(t, err)
	r, err := b.build(t, "school-uniforms-50", "2026-Q3", "", "en")
	require.NoError(t, err)
	var names []string
	for _, table := range r.Tables() {
		if table.ID != "producers" {
			continue
		}
		for _, row := range table.Rows {
			if row[0].Text == "300000000009" {
				names = append(names, row[1].Text)
			}
		}
	}
	require.Equal(t, []string{"Not on record as a supplier"}, names)
}

// A year that is over, short of its threshold, reads "not met" rather than a projection's "off track".
func TestAYearOverIsNotMet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, err := report.ParsePeriod("2026")
	require.NoError(t, err)
	r, err := report.Build(context.Background(), b.tx, b.store, b.catalog, report.Request{Target: "school-uniforms-50",
		Period: p, Lang: "ru", Today: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)}, nil)
	require.NoError(t, err)
	require.Equal(t, share.StatusNotMet, r.Headline.Progress.Shown(), "47.36 % of 50 % by 31 December")
	summary := map[string]string{}
	for _, row := range r.Summary().Rows {
		summary[row[0].Text] = row[1].Text
	}
	require.Equal(t, "не выполнено", summary["Статус"])
}

// A report warns, among its scope, of contracts that two sources may both hold in its period, which the
// figures then count twice; without them it says nothing of it.
func TestReportWarnsOfContractsInTwoSources(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r, err := b.build(t, "school-uniforms-50", "2026", "", "en")
	require.NoError(t, err)
	for _, f := range r.Scope() {
		require.NotEqual(t, "Contracts from two sources", f.Label)
	}

	// The portal's copy of the spreadsheet's SU-2026-002.
	ctx := context.Background()
	copyOf := testfactory.ContractOpts{Source: "portal", SourceID: "80002", Status: "190"}
	require.NoError(t, b.tx.QueryRow(ctx, `SELECT buyer_id, supplier_id, signed_on, total FROM contracts
		WHERE source_id = 'SU-2026-002'`).Scan(&copyOf.BuyerID, &copyOf.SupplierID, &copyOf.SignedOn, &copyOf.Total))
	testfactory.Purchase(ctx, t, b.tx, copyOf, testfactory.ItemOpts{Category: "school-uniforms", Value: copyOf.Total})
	r, err = b.build(t, "school-uniforms-50", "2026", "", "en")
	require.NoError(t, err)
	require.Equal(t, int64(1), r.TwoSources)
	require.Equal(t, int64(4_200_000_00), r.TwiceTotal)
	require.Contains(t, r.Scope(), report.Field{Label: "Contracts from two sources",
		Value: "Rows on the data-quality page for this period (every category): 1; up to 4,200,000\u00a0₸ may count twice. Check them before filing."})
	r, err = b.build(t, "school-uniforms-50", "2026-Q3", "", "ru")
	require.NoError(t, err)
	require.Contains(t, r.Scope(), report.Field{Label: "Договоры из двух источников",
		Value: "Строк на странице качества данных за этот период (все категории): 1; дважды может быть учтено до 4\u00a0200\u00a0000\u00a0₸. Проверьте их перед подачей отчёта."})
}
