// Package loader writes what the readers read into PostgreSQL. It alone of the import knows the staging
// tables and the sqlc queries: the readers hand it neutral records (package record), which it stages
// (Staged) for the merge (Merge) after the checks (Validate), or loads directly into the final tables
// (Direct, and Portal for a portal export); it also keeps the batch's record and lock and reads the
// lists an import checks against. The import (package ingest) decides the order.
package loader

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/ingest/refdata"
)

// StagingTables are the session-local tables an import of contracts stages its records in.
var StagingTables = []string{"stg_subjects", "stg_contracts", "stg_units", "stg_plans", "stg_plan_katos"}

// WrittenContracts is filled by the contracts merge, so it is analyzed then rather than with the staging
// tables.
const WrittenContracts = "stg_written_contracts"

// CreateStaging makes session-local copies of the staging tables that shadow the public definitions for
// this transaction.
func CreateStaging(ctx context.Context, tx pgx.Tx, tables ...string) error {
	var b strings.Builder
	// The merge sorts and hashes whole staging tables; the default 4 MB would spill them to disk.
	b.WriteString("SET LOCAL work_mem = '256MB';")
	// JIT compiling the merges took longer than running them.
	b.WriteString("SET LOCAL jit = off;")
	for _, t := range tables {
		fmt.Fprintf(&b, "CREATE TEMP TABLE %s (LIKE public.%s INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP;", t, t)
		if t == "stg_contracts" {
			// The direct load looks staged contracts up once a chunk (ContractListSeen), the items' merge
			// once a unit (ContractItemMergeStaged).
			b.WriteString("CREATE INDEX ON stg_contracts (source_id);")
		}
	}
	if _, err := tx.Exec(ctx, b.String()); err != nil {
		return fmt.Errorf("ingest: create staging tables: %w", err)
	}
	return nil
}

// AnalyzeStaging gives the planner real row counts before the merge joins the staging tables.
func AnalyzeStaging(ctx context.Context, tx pgx.Tx, tables ...string) error {
	// A small sample is enough for join planning; the default one cost more than the join saved.
	if _, err := tx.Exec(ctx, "SET LOCAL default_statistics_target = 10; ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("ingest: analyze staging tables: %w", err)
	}
	return nil
}

// Staging copies records into the staging tables of one transaction. Its methods run one at a time, as
// the transaction's statements do.
type Staging struct {
	tx pgx.Tx
	q  *dbq.Queries

	mu sync.Mutex // guards the converted rows, reused from chunk to chunk
	// Each record type has the fields of its sqlc parameters, so a chunk is converted value by value into
	// these slices without allocating.
	parties   []dbq.StageSubjectsCopyFromParams
	contracts []dbq.StageContractsCopyFromParams
	items     []dbq.StageUnitsCopyFromParams
	plans     []dbq.StagePlansCopyFromParams
	katos     []dbq.StagePlanKatosCopyFromParams
}

// NewStaging returns a Staging writing in tx, whose staging tables CreateStaging made.
func NewStaging(tx pgx.Tx) *Staging { return &Staging{tx: tx, q: dbq.New()} }

// Parties stages buyers and suppliers (stg_subjects).
func (s *Staging) Parties(ctx context.Context, rows []record.Party) error {
	return stage(ctx, s, &s.parties, rows, func(r record.Party) dbq.StageSubjectsCopyFromParams { return dbq.StageSubjectsCopyFromParams(r) }, s.q.StageSubjectsCopyFrom, "subjects")
}

// Contracts stages contracts (stg_contracts).
func (s *Staging) Contracts(ctx context.Context, rows []record.Contract) error {
	return stage(ctx, s, &s.contracts, rows, func(r record.Contract) dbq.StageContractsCopyFromParams { return dbq.StageContractsCopyFromParams(r) }, s.q.StageContractsCopyFrom, "contracts")
}

// Items stages contract items (stg_units).
func (s *Staging) Items(ctx context.Context, rows []record.Item) error {
	return stage(ctx, s, &s.items, rows, func(r record.Item) dbq.StageUnitsCopyFromParams { return dbq.StageUnitsCopyFromParams(r) }, s.q.StageUnitsCopyFrom, "contract units")
}

// PlanPoints stages plan points (stg_plans).
func (s *Staging) PlanPoints(ctx context.Context, rows []record.PlanPoint) error {
	return stage(ctx, s, &s.plans, rows, func(r record.PlanPoint) dbq.StagePlansCopyFromParams { return dbq.StagePlansCopyFromParams(r) }, s.q.StagePlansCopyFrom, "plan points")
}

// PlanKATOs stages plan points' KATO codes (stg_plan_katos).
func (s *Staging) PlanKATOs(ctx context.Context, rows []record.PlanKATO) error {
	return stage(ctx, s, &s.katos, rows, func(r record.PlanKATO) dbq.StagePlanKatosCopyFromParams { return dbq.StagePlanKatosCopyFromParams(r) }, s.q.StagePlanKatosCopyFrom, "plan KATO codes")
}

// RegisterEntries stages producer-register entries (stg_register).
func (s *Staging) RegisterEntries(ctx context.Context, rows []refdata.RegisterEntry) error {
	return stage(ctx, s, new([]dbq.RegisterStageCopyFromParams), rows, func(r refdata.RegisterEntry) dbq.RegisterStageCopyFromParams {
		return dbq.RegisterStageCopyFromParams(r)
	}, s.q.RegisterStageCopyFrom, "register entries")
}

// Certificates stages certificates of origin (stg_certificates).
func (s *Staging) Certificates(ctx context.Context, rows []refdata.Certificate) error {
	return stage(ctx, s, new([]dbq.CertificateStageCopyFromParams), rows, func(r refdata.Certificate) dbq.CertificateStageCopyFromParams {
		return dbq.CertificateStageCopyFromParams(r)
	}, s.q.CertificateStageCopyFrom, "certificates")
}

// FXRates stages exchange rates (stg_fx_rates).
func (s *Staging) FXRates(ctx context.Context, rows []refdata.FXRate) error {
	return stage(ctx, s, new([]dbq.FxRateStageCopyFromParams), rows, func(r refdata.FXRate) dbq.FxRateStageCopyFromParams { return dbq.FxRateStageCopyFromParams(r) }, s.q.FxRateStageCopyFrom, "exchange rates")
}

// stage copies rows into a staging table through buf, which the table's method reuses between chunks.
func stage[R, P any](ctx context.Context, s *Staging, buf *[]P, rows []R, conv func(R) P,
	copyFrom func(context.Context, dbq.DBTX, []P) (int64, error), what string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	*buf = (*buf)[:0]
	for _, r := range rows {
		*buf = append(*buf, conv(r))
	}
	_, err := copyFrom(ctx, s.tx, *buf)
	return Wrap(what, err)
}

// Discard deletes every staged row read under a location prefix: a file ("file:") or a line of one.
func (s *Staging) Discard(ctx context.Context, prefix string) error {
	_, err := s.q.StageFileDiscard(ctx, s.tx, prefix)
	return Wrap("discarded file", err)
}

// Wrap names what could not be staged.
func Wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("ingest: stage %s: %w", what, err)
	}
	return nil
}
