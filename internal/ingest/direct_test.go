package ingest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/demo"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// logBuffer collects an importer's log lines, debug included; it may be read while an import writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var directCount = regexp.MustCompile(`direct_contracts=(\d+)`)

// directContracts sums what the logged imports loaded directly.
func (b *logBuffer) directContracts(t *testing.T) int64 {
	t.Helper()
	var n int64
	for _, m := range directCount.FindAllStringSubmatch(b.String(), -1) {
		v, err := strconv.ParseInt(m[1], 10, 64)
		require.NoError(t, err)
		n += v
	}
	return n
}

// importStep is one import of a scenario.
type importStep struct {
	format, path string
	maxErrors    int64
	portalKept   int // Options.PortalKept
}

// content is every row an import writes, with ids replaced by the natural keys they stand for, so two
// databases that loaded the same data by different paths compare equal.
func content(t *testing.T, ctx context.Context, db *pgx.Conn) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"buyers": `SELECT bin, name_kk, name_ru, name_en, buyer_type, region FROM buyers`,
		"suppliers": `SELECT identifier, bin, name_kk, name_ru, name_en, country, resident, portal_producer,
			portal_supplier, national_company FROM suppliers`,
		"contracts": `SELECT k.source, k.source_id, b.bin, s.identifier, k.signed_on, k.fiscal_year, k.method, k.status,
			k.currency, k.exchange_rate, k.total, k.total_alt, k.local_content_published_bp, k.description, k.deleted,
			k.source_updated_at, k.batch_id
			FROM contracts k JOIN buyers b ON b.id = k.buyer_id JOIN suppliers s ON s.id = k.supplier_id`,
		"items": `SELECT k.source, k.source_id, i.source_id, i.signed_on, i.enstru_code, t.name, t.name_kk,
			t.description, i.quantity, i.unit, i.unit_price, i.value, i.value_alt, i.local_content_bp,
			i.local_content_value, i.kato, i.region, i.category_id, i.tier, i.tier_rule, i.deleted
			FROM contract_items i JOIN contracts k ON k.id = i.contract_id JOIN item_texts t ON t.id = i.text_id`,
		// Each distinct text once, whichever path stored it.
		"texts": `SELECT digest, name, name_kk, description FROM item_texts`,
		"replacements": `SELECT k.source_id, r.batch_id, r.old_batch_id, r.old_updated_at, r.new_updated_at
			FROM contract_replacements r JOIN contracts k ON k.id = r.contract_id`,
		"batches": `SELECT id, format, status, rows_read, rows_loaded, rows_rejected, rows_replaced, rows_unchanged,
			rows_removed, message FROM import_batches`,
		"errors": `SELECT batch_id, location, reason FROM import_errors`,
		// A contract with several rows in the rollup's contracts must have every one marked shared, or the
		// groupings by buyer and supplier count it more than once. Empty on both paths.
		"rollup contracts unmarked": `SELECT k.source_id FROM share_rollup_contracts r JOIN contracts k ON k.id = r.contract_id
			GROUP BY k.source_id HAVING count(*) > 1 AND NOT bool_and(r.shared)`,
		// An initial load builds these after loading, also when it reads its input a second time.
		"indexes": `SELECT pg_get_indexdef(indexrelid) FROM pg_index
			WHERE indrelid IN ('contracts'::regclass, 'contract_items'::regclass)`,
		// The direct load turns the rollup's insert triggers off while it writes (quietInserts): on again
		// once it ends, also when it reads its input a second time.
		"triggers": `SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger
			WHERE NOT tgisinternal AND tgrelid IN ('contracts'::regclass, 'contract_items'::regclass)`,
	}
	out := map[string][]string{}
	for name, q := range queries {
		rows, err := db.Query(ctx, `SELECT t::text FROM (`+q+`) t ORDER BY 1`)
		require.NoError(t, err)
		list, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err, name)
		out[name] = list
	}
	return out
}

// testChunk is the rows the scenarios copy at a time, a tenth of an import's: their inputs are a tenth of
// the size and cross as many chunk boundaries.
const testChunk = 500

// runScenario imports the steps into a fresh database, staged or not, and returns what it stored, the
// results and the log.
func runScenario(t *testing.T, steps []importStep, staged bool) (map[string][]string, []ingest.Result, *logBuffer) {
	t.Helper()
	ctx := t.Context()
	pool, url := pgtest.NewDB(t)
	var log logBuffer
	im := ingest.NewImporter(pool, "KZ", log.logger())
	var results []ingest.Result
	for _, s := range steps {
		res, err := im.Import(ctx, ingest.WithChunk(ingest.Options{Format: s.format, Path: s.path, MaxErrors: s.maxErrors,
			Staged: staged, PortalKept: s.portalKept}, testChunk))
		if !ingest.IsTooManyErrors(err) {
			require.NoError(t, err, "%s %s", s.format, s.path)
		}
		res.BatchID = 0
		// The merge reports bad records in no particular order.
		slices.SortFunc(res.Errors, func(a, b ingest.RecordError) int { return strings.Compare(a.String(), b.String()) })
		results = append(results, res)
	}
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	return content(t, ctx, conn), results, &log
}

// requireSameAsStaged runs the steps both ways and requires the same tables and results. It returns the
// direct run's log and tables.
func requireSameAsStaged(t *testing.T, steps []importStep) (*logBuffer, map[string][]string) {
	t.Helper()
	var (
		direct, staged               map[string][]string
		directResults, stagedResults []ingest.Result
		log                          *logBuffer
	)
	// Each way imports into a database of its own, so the two run at once.
	t.Run("both ways", func(t *testing.T) {
		t.Run("direct", func(t *testing.T) {
			t.Parallel()
			direct, directResults, log = runScenario(t, steps, false)
		})
		t.Run("staged", func(t *testing.T) {
			t.Parallel()
			staged, stagedResults, _ = runScenario(t, steps, true)
		})
	})
	if t.Failed() {
		t.FailNow()
	}
	require.Equal(t, stagedResults, directResults)
	for name := range staged {
		require.Equal(t, staged[name], direct[name], "table %s", name)
	}
	require.NotEmpty(t, direct["items"])
	return log, direct
}

// generated writes the demo dataset of n items in a format ("csv" or "ocds") and returns its path.
func generated(t *testing.T, format string, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "items."+format)
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	sink := demo.OCDSSink(f)
	if format == "csv" {
		sink, err = demo.CSVSink(f)
		require.NoError(t, err)
	}
	_, err = demo.Run(context.Background(), sink, demo.Options{Seed: 7, Items: n})
	require.NoError(t, err)
	return path
}

// csvRows reads a CSV file whole.
func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}

func writeCSV(t *testing.T, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "items.csv")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(rows))
	writeFile(t, path, b.String())
	return path
}

func column(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}

// TestDirectLoadMatchesStaged loads demo data with new contracts written straight into the final tables and
// again with every record staged and merged, and requires the same tables, results and errors, in the
// cases where the direct load must hand records to the merge or start over.
func TestDirectLoadMatchesStaged(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("imports 1,200 items two dozen times")
	}
	const n = 1_200 // two chunks of testChunk and more
	csvPath := generated(t, "csv", n)
	rows := csvRows(t, csvPath)
	// The demo writes no exchange_rate column; an empty one changes nothing.
	header, body := append(rows[0], "exchange_rate"), rows[1:]
	for i := range body {
		body[i] = append(body[i], "")
	}
	contractCol, supplierCol := column(t, header, "contract_id"), column(t, header, "supplier_id")
	producerCol, updatedCol := column(t, header, "supplier_domestic_producer"), column(t, header, "updated_at")
	valueCol, currencyCol := column(t, header, "value"), column(t, header, "currency")
	rateCol, supplierNameCol := column(t, header, "exchange_rate"), column(t, header, "supplier_name")
	with := func(edit func(body [][]string) [][]string) string {
		copied := make([][]string, len(body))
		for i, r := range body {
			copied[i] = append([]string(nil), r...)
		}
		return writeCSV(t, append([][]string{header}, edit(copied)...))
	}

	// Suppliers of the first rows go on the register, so item_tier_rule decides their items' tiers.
	var register strings.Builder
	register.WriteString("bin,enstru_prefix,category,valid_from,valid_to,capacity,capacity_unit,source\n")
	onRegister := map[string]bool{}
	for _, r := range body {
		if id := r[supplierCol]; len(id) == 12 && !onRegister[id] && len(onRegister) < 3 {
			onRegister[id] = true
			fmt.Fprintf(&register, "%s,,,2015-01-01,,,,test\n", id)
		}
	}
	registerPath := filepath.Join(t.TempDir(), "register.csv")
	writeFile(t, registerPath, register.String())

	firstContract := body[0][contractCol]
	var firstRows [][]string
	for _, r := range body {
		if r[contractCol] == firstContract {
			firstRows = append(firstRows, r)
		}
	}

	runDirectCases(t, []directCase{
		{name: "as generated", steps: []importStep{{format: "csv", path: csvPath}}},
		{name: "OCDS JSON Lines", steps: []importStep{{format: "ocds", path: generated(t, "ocds", n)}}},
		{name: "suppliers on the register", steps: []importStep{{format: "register", path: registerPath}, {format: "csv", path: csvPath}}},
		{name: "half stored before", steps: []importStep{
			{format: "csv", path: with(func(b [][]string) [][]string { return b[:len(b)/2] })},
			{format: "csv", path: with(func(b [][]string) [][]string {
				for _, r := range b[len(b)/3:] {
					r[updatedCol] = "2030-01-01 00:00:00"
				}
				return b
			})},
		}},
		{name: "same file twice", steps: []importStep{{format: "csv", path: csvPath}, {format: "csv", path: csvPath}}},
		{name: "a contract repeated at the end, newer", restart: true, steps: []importStep{{format: "csv", path: with(func(b [][]string) [][]string {
			for _, r := range firstRows {
				r = append([]string(nil), r...)
				r[updatedCol] = "2030-01-01 00:00:00"
				r[valueCol] = "1"
				b = append(b, r)
			}
			return b
		})}}},
		// Staged for its currency, then again in tenge two chunks later: the later copy is staged as well.
		{name: "a staged contract repeated at the end, newer", steps: []importStep{{format: "csv", path: with(func(b [][]string) [][]string {
			var again [][]string
			for _, r := range b {
				if r[contractCol] == firstContract {
					r[currencyCol], r[rateCol] = "USD", "470.5"
					r = append([]string(nil), r...)
					r[currencyCol], r[rateCol], r[updatedCol] = "KZT", "", "2030-01-01 00:00:00"
					again = append(again, r)
				}
			}
			return append(b, again...)
		})}}},
		{name: "a contract's rows apart in one chunk", steps: []importStep{{format: "csv", path: with(func(b [][]string) [][]string {
			// The first contract's first row moves behind the next contract's rows, still in the first chunk.
			return append(append(b[1:20:20], b[0]), b[20:]...)
		})}}},
		// One file may not give a supplier both flags (TestCSVBadInput); a later import may change it.
		{name: "a supplier's producer flag changes", steps: []importStep{{format: "csv", path: csvPath}, {format: "csv", path: with(func(b [][]string) [][]string {
			supplier := b[0][supplierCol]
			for _, r := range b {
				if r[supplierCol] == supplier {
					r[producerCol] = map[string]string{"0": "1", "1": "0", "": "1"}[r[producerCol]]
				}
			}
			return b
		})}}},
		{name: "a supplier renamed after it was staged", steps: []importStep{{format: "csv", path: with(func(b [][]string) [][]string {
			supplier := b[0][supplierCol]
			for i, r := range b {
				if r[supplierCol] != supplier {
					continue
				}
				if i < len(b)/2 {
					r[currencyCol], r[rateCol] = "USD", "470.5" // staged
				} else {
					r[supplierNameCol] = "ТОО «Новое имя»" // loaded directly, later
				}
			}
			return b
		})}}},
		{name: "foreign currency and bad rows", steps: []importStep{{format: "csv", maxErrors: 200, path: with(func(b [][]string) [][]string {
			for _, r := range b[10:20] {
				r[currencyCol], r[rateCol] = "USD", "470.5"
			}
			b[700][valueCol] = "many"
			b[900][currencyCol] = "EUR" // no rate given, none loaded
			return b
		})}}},
	})
}

// directCase is a scenario the direct load must import as the staged merge does; restart says it must
// end up reading the input again staged.
type directCase struct {
	name    string
	steps   []importStep
	restart bool
	direct  int64 // when set, the contracts that must be loaded directly
}

func runDirectCases(t *testing.T, cases []directCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each case imports into databases of its own
			log, tables := requireSameAsStaged(t, c.steps)
			requireRegisterRule(t, c.steps, tables)
			if !c.restart {
				require.Positive(t, log.directContracts(t), "some contracts are loaded directly")
			}
			if c.direct != 0 {
				require.Equal(t, c.direct, log.directContracts(t))
			}
			require.Equal(t, c.restart, strings.Contains(log.String(), "reading the input again"), log.String())
		})
	}
}

// requireRegisterRule requires, when the steps load a producer register, items whose tier it decided: a
// register that failed to load would make the comparison pass without testing it.
func requireRegisterRule(t *testing.T, steps []importStep, tables map[string][]string) {
	t.Helper()
	if !slices.ContainsFunc(steps, func(s importStep) bool { return s.format == "register" }) {
		return
	}
	require.True(t, slices.ContainsFunc(tables["items"], func(row string) bool { return strings.Contains(row, ",register,") }),
		"no item has its tier from the register")
}
