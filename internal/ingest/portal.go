package ingest

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/ingest/loader"
	"github.com/ules-kz/ules/internal/ingest/portalexport"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// SourcePortal is the contracts' source for data from the national procurement portal.
const SourcePortal = portalexport.Source

// readPortal reads every page of the export under dir into st. Bad records go to errs; an unreadable file
// is one error.
func readPortal(ctx context.Context, dir string, st *stager, errs *errorLog) error {
	return portalReader(st, errs).Read(ctx, dir)
}

// portalReader reads a portal export into st: staged, or into the portal's direct load, whose plan points
// are kept in memory while its contracts wait on PostgreSQL, so plans/ and plans-kato/ are read alongside
// subject/ and contract/ (docs/performance.md).
func portalReader(st *stager, errs *errorLog) *portalexport.Reader {
	sink := portalSink{Rows: st.staged, stager: st}
	direct := st.portal != nil
	if direct {
		sink.Rows = st.portal
	}
	return &portalexport.Reader{Sink: sink, Errs: errs, Rules: st.rules, Classifier: st.classifier, Home: st.home,
		Open: func(path, rel string, errs *record.Errors) (io.Reader, func(), error) {
			return openInput(path, rel, st.meter, errs)
		},
		Chunk: st.chunk, PlansAlongside: direct}
}

// loadPortalRefs takes the names of contract statuses and procurement methods from an export's refs/
// folder, as the portal published them.
func loadPortalRefs(ctx context.Context, tx pgx.Tx, dir string, errs *errorLog) error {
	// A few kilobytes: no progress to report.
	refs := &portalexport.Reader{Errs: errs, Open: func(path, rel string, errs *record.Errors) (io.Reader, func(), error) {
		return openInput(path, rel, nil, errs)
	}}
	statuses, err := refs.ContractStatuses(dir)
	if err != nil {
		return err
	}
	if err := loader.ContractStatusUpsertPortal(ctx, tx, statuses, errs); err != nil {
		return err
	}
	methods, err := refs.TradeMethods(dir)
	if err != nil {
		return err
	}
	return loader.TradeMethodUpsert(ctx, tx, methods)
}

// portalSink hands a portal export's rows on and counts and discards through the stager.
type portalSink struct {
	loader.Rows // the staged ones, or the portal's direct load
	*stager
}

var _ portalexport.Sink = portalSink{}
