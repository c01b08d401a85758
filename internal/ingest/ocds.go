package ingest

import (
	"context"
	"io"

	"github.com/ules-kz/ules/internal/ingest/ocds"
)

// SourceOCDS is the contracts' source for Open Contracting Data Standard publications.
const SourceOCDS = ocds.Source

// ocdsReader reads OCDS inputs into st, reporting bad records to errs.
func ocdsReader(st *stager, errs *errorLog) *ocds.Reader {
	return &ocds.Reader{Sink: st, Errs: errs, Classifier: st.classifier, Home: st.home, Rules: st.rules,
		Open: func(path, rel string) (io.Reader, func(), error) { return openInput(path, rel, st.meter, errs) }}
}

// readOCDS reads an OCDS file, or a folder of them.
func readOCDS(ctx context.Context, path string, st *stager, errs *errorLog) error {
	return ocdsReader(st, errs).Read(ctx, path)
}
