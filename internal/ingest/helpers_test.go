package ingest_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// env is one test's database and importer.
type env struct {
	ctx  context.Context
	pool *pgxpool.Pool
	im   *ingest.Importer
}

func setup(t *testing.T) env {
	t.Helper()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return env{ctx: t.Context(), pool: pool, im: ingest.NewImporter(pool, "KZ", log)}
}

// setupImported is setup with the portal export in dir imported.
func setupImported(t *testing.T, dir string) env {
	t.Helper()
	e := setup(t)
	_, err := e.importPortal(t, dir, 0)
	require.NoError(t, err)
	return e
}

func (e env) importPortal(t *testing.T, dir string, maxErrors int64) (ingest.Result, error) {
	t.Helper()
	return e.im.Import(e.ctx, ingest.Options{Format: "portal", Path: dir, MaxErrors: maxErrors, CreatedBy: "test"})
}

func (e env) importCSV(t *testing.T, path string, maxErrors int64) (ingest.Result, error) {
	t.Helper()
	return e.im.Import(e.ctx, ingest.Options{Format: "csv", Path: path, MaxErrors: maxErrors, CreatedBy: "test"})
}

// itemRow is one stored contract item with everything a share depends on, keyed by source ids.
type itemRow struct {
	Contract      string
	Item          string
	SignedOn      string
	Enstru        string
	Name          string
	NameKK        string
	Quantity      string
	UnitPrice     pgtype.Int8
	Value         int64
	ValueAlt      pgtype.Int8
	LocalBp       pgtype.Int4
	LocalValue    int64
	KATO          string
	Region        string
	Category      string
	Tier          int16
	TierRule      string
	Deleted       bool
	ContractDel   bool
	SupplierIdent string
}

func (e env) items(t *testing.T) []itemRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT k.source_id, i.source_id, i.signed_on::text, i.enstru_code, t.name, t.name_kk, i.quantity::text,
		       i.unit_price, i.value, i.value_alt, i.local_content_bp, i.local_content_value, i.kato,
		       coalesce(i.region, ''), coalesce(c.slug, ''), i.tier, i.tier_rule, i.deleted, k.deleted, s.identifier
		FROM contract_items i
		JOIN item_texts t ON t.id = i.text_id
		JOIN contracts k ON k.id = i.contract_id
		JOIN suppliers s ON s.id = k.supplier_id
		LEFT JOIN categories c ON c.id = i.category_id
		ORDER BY k.source_id, i.source_id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[itemRow])
	require.NoError(t, err)
	return out
}

// contractRow is one stored contract.
type contractRow struct {
	SourceID     string
	Source       string
	Buyer        string
	Supplier     string
	SignedOn     string
	FiscalYear   pgtype.Int4
	Method       string
	Status       string
	Currency     string
	ExchangeRate string
	Total        int64
	TotalAlt     pgtype.Int8
	LocalBp      pgtype.Int4
	Description  string
	Deleted      bool
	UpdatedAt    string
}

func (e env) contracts(t *testing.T) []contractRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `
		SELECT k.source_id, k.source, b.bin, s.identifier, k.signed_on::text, k.fiscal_year, k.method, k.status,
		       k.currency, coalesce(k.exchange_rate::text, ''), k.total, k.total_alt, k.local_content_published_bp,
		       k.description, k.deleted,
		       coalesce(to_char(k.source_updated_at AT TIME ZONE 'Asia/Almaty', 'YYYY-MM-DD HH24:MI:SS'), '')
		FROM contracts k
		JOIN buyers b ON b.id = k.buyer_id
		JOIN suppliers s ON s.id = k.supplier_id
		ORDER BY k.source_id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[contractRow])
	require.NoError(t, err)
	return out
}

type buyerRow struct {
	BIN       string
	NameRU    string
	NameKK    string
	BuyerType string
	Region    string
}

func (e env) buyers(t *testing.T) []buyerRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT bin, name_ru, name_kk, buyer_type, coalesce(region, '') FROM buyers ORDER BY bin`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[buyerRow])
	require.NoError(t, err)
	return out
}

type supplierRow struct {
	Identifier string
	BIN        pgtype.Text
	NameRU     string
	Country    string
	Resident   bool
	Producer   bool
}

func (e env) suppliers(t *testing.T) []supplierRow {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT identifier, bin, name_ru, country, resident, portal_producer FROM suppliers ORDER BY identifier`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[supplierRow])
	require.NoError(t, err)
	return out
}

// figures are the school-uniform figures of 2016 computed straight from counted_items, the one definition
// of what counts, domestic meaning tier 1. Amounts are tiyn.
type figures struct {
	Total, Domestic, LocalContent int64
	Items                         int64
}

func (e env) schoolUniforms2016(t *testing.T) figures {
	t.Helper()
	var f figures
	err := e.pool.QueryRow(e.ctx, `
		SELECT coalesce(sum(i.value), 0)::bigint,
		       coalesce(sum(i.value) FILTER (WHERE i.tier = 1), 0)::bigint,
		       coalesce(sum(i.local_content_value), 0)::bigint,
		       count(*)
		FROM counted_items i
		JOIN categories c ON c.id = i.category_id
		WHERE c.slug = 'school-uniforms'
		  AND i.signed_on BETWEEN DATE '2016-01-01' AND DATE '2016-12-31'`).Scan(&f.Total, &f.Domestic, &f.LocalContent, &f.Items)
	require.NoError(t, err)
	return f
}

// checksums fingerprints every table an import writes, so two states can be compared exactly.
func (e env) checksums(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"buyers", "suppliers", "contracts", "contract_items", "contract_replacements"} {
		var sum string
		err := e.pool.QueryRow(e.ctx, `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM `+
			pgx.Identifier{table}.Sanitize()+` t`).Scan(&sum)
		require.NoError(t, err)
		out[table] = sum
	}
	return out
}

// counts returns the number of rows of the tables an import writes.
func (e env) counts(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"buyers", "suppliers", "contracts", "contract_items", "contract_replacements"} {
		var n int64
		require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n))
		out[table] = n
	}
	return out
}

func emptyCounts() map[string]int64 {
	return map[string]int64{"buyers": 0, "suppliers": 0, "contracts": 0, "contract_items": 0, "contract_replacements": 0}
}

type batchRow struct {
	Format    string
	Status    string
	Read      int64
	Loaded    int64
	Rejected  int64
	Replaced  int64
	Unchanged int64
	Removed   int64
	Message   string
}

func (e env) batch(t *testing.T, id int64) batchRow {
	t.Helper()
	var b batchRow
	err := e.pool.QueryRow(e.ctx, `
		SELECT format, status, rows_read, rows_loaded, rows_rejected, rows_replaced, rows_unchanged, rows_removed,
		       message
		FROM import_batches WHERE id = $1`, id).
		Scan(&b.Format, &b.Status, &b.Read, &b.Loaded, &b.Rejected, &b.Replaced, &b.Unchanged, &b.Removed, &b.Message)
	require.NoError(t, err)
	return b
}

func (e env) storedErrors(t *testing.T, batchID int64) []ingest.RecordError {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT location, reason FROM import_errors WHERE batch_id = $1 ORDER BY id`, batchID)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ingest.RecordError])
	require.NoError(t, err)
	return out
}

// requireErrors checks that got holds exactly the wanted errors, in any order: the same location and a
// reason containing the wanted text.
func requireErrors(t *testing.T, want, got []ingest.RecordError) {
	t.Helper()
	require.Len(t, got, len(want), "errors: %v", got)
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && g.Location == w.Location && strings.Contains(g.Reason, w.Reason) {
				used[i], found = true, true
				break
			}
		}
		require.True(t, found, "no error at %s containing %q among %v", w.Location, w.Reason, got)
	}
}

// writeTree creates files (relative path → content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// copyTree copies a testdata folder to a temporary directory, so a test can add files to it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	require.NoError(t, err)
	return dir
}

func i8(v int64) pgtype.Int8   { return pgtype.Int8{Int64: v, Valid: true} }
func i4(v int32) pgtype.Int4   { return pgtype.Int4{Int32: v, Valid: true} }
func txt(v string) pgtype.Text { return pgtype.Text{String: v, Valid: true} }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// exampleSuppliers are the suppliers of the small examples (testdata/items.csv, testdata/portal-small), as stored.
func exampleSuppliers() []supplierRow {
	return []supplierRow{
		{Identifier: producerBIN, BIN: txt(producerBIN), NameRU: "ТОО «Казахстанская швейная фабрика»", Country: "KZ", Resident: true, Producer: true},
		{Identifier: resellerBIN, BIN: txt(resellerBIN), NameRU: "ТОО «Торговый дом Алем»", Country: "KZ", Resident: true},
		{Identifier: chineseINN, NameRU: "Zhejiang Huafang Textile Co., Ltd.", Country: "CN"},
	}
}
