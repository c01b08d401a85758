// Package portalexport reads a portal export, the folder `ules portal fetch` saves (subject/, contract/,
// contract-units/, plans/, plans-kato/ and refs/, one page of the API a file), into neutral records. It
// knows the pages' JSON shapes and checks every record's fields; a bad record is reported with its file and
// JSON path, a page that breaks off is dropped whole. The records go to a Sink in batches, in the order of
// reading the files one after the other, however many goroutines parse them. It is not the API client
// (package portal), and it knows nothing of the database.
package portalexport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/sync/errgroup"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// Source is the contracts' source for data from the national procurement portal.
const Source = "portal"

// Sink takes what a Reader reads, in batches and in reading order. A batch is the sink's to keep: the
// reader does not touch it again.
type Sink interface {
	Parties(ctx context.Context, rows []record.Party) error        // subject/, a row per identifier
	Contracts(ctx context.Context, rows []record.Contract) error   // contract/
	Items(ctx context.Context, rows []record.Item) error           // contract-units/
	PlanPoints(ctx context.Context, rows []record.PlanPoint) error // plans/
	PlanKATOs(ctx context.Context, rows []record.PlanKATO) error   // plans-kato/
	// Discard drops what was taken from a file that broke off, under its location prefix ("file:").
	Discard(ctx context.Context, prefix string) error
	// Counted adds n records read, for progress.
	Counted(n int64)
}

// Reader reads portal exports into a sink.
type Reader struct {
	Sink       Sink
	Errs       *record.Errors   // where bad records are reported
	Rules      *fieldtext.Rules // nil: fields are not checked against the reference lists
	Classifier *classify.Classifier
	Home       string // the deployment's country (ISO alpha-2): a subject there without a mark is resident
	// Open opens one page file, counting its bytes for progress and unpacking .gz; a nil reader means it
	// reported in errs why it cannot.
	Open func(path, rel string, errs *record.Errors) (io.Reader, func(), error)
	// Workers is how many files are parsed at once; 0 is the cores, at most four (parseWorkers).
	Workers int
	// Chunk is how many rows of a file are handed on at once at most; 0 is 5,000.
	Chunk int
	// PlansAlongside reads plans/ and plans-kato/ while subject/ and contract/ are read, and contract-units/
	// after both, when more than one file is parsed at once: a sink that keeps plan points in memory while
	// its contracts wait on a database starts on the units sooner. The sink's PlanPoints and PlanKATOs may
	// then run at the same time as its Parties and Contracts; Counted and Discard still run one at a time.
	PlansAlongside bool
}

// defaultChunk bounds the rows a file holds before handing them on, so memory stays bounded whatever a
// page's size.
const defaultChunk = 5000

// endpoints are the sub-folders of a saved portal export, one per OWS v3 REST endpoint, in reading order.
var endpoints = []endpoint{
	{"subject", (*parser).subject},
	{"contract", (*parser).contract},
	{"plans", (*parser).plan},
	{"plans-kato", (*parser).planKATO},
	{"contract-units", (*parser).unit},
}

// endpoint is one folder of an export and the parser of its records.
type endpoint struct {
	dir   string
	parse func(p *parser, ctx context.Context, loc string, dec *jsontext.Decoder) error
}

// IsExport reports whether dir has any of a portal export's endpoint folders.
func IsExport(dir string) bool {
	for _, ep := range endpoints {
		if info, err := os.Stat(filepath.Join(dir, ep.dir)); err == nil && info.IsDir() {
			return true
		}
	}
	return false
}

// Read reads every page under dir. Bad records go to the reader's Errs; an unreadable file is one error.
func (rd *Reader) Read(ctx context.Context, dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("ingest: %s is not a directory: --format portal reads a folder with subject/, contract/, contract-units/, plans/ and plans-kato/", dir)
	}
	found := 0
	var files []pageFile
	byDir := map[string][]pageFile{}
	for i := range endpoints {
		ep := &endpoints[i]
		paths, err := pageFiles(filepath.Join(dir, ep.dir))
		if err != nil {
			return err
		}
		if paths != nil {
			found++
		}
		for _, path := range paths {
			f := pageFile{path: path, rel: filepath.ToSlash(filepath.Join(ep.dir, filepath.Base(path))), endpoint: ep}
			files = append(files, f)
			byDir[ep.dir] = append(byDir[ep.dir], f)
		}
	}
	if found == 0 {
		return fmt.Errorf("ingest: %s has none of the folders subject/, contract/, contract-units/, plans/, plans-kato/: is it a portal export?", dir)
	}
	workers := cmp.Or(rd.Workers, parseWorkers())
	if !rd.PlansAlongside || workers < 2 {
		return rd.readFiles(ctx, files, rd.Sink, rd.Errs, workers)
	}
	sink := &oneAtATime{Sink: rd.Sink}
	sideErrs := &record.Errors{}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return rd.readFiles(gctx, slices.Concat(byDir["subject"], byDir["contract"]), sink, rd.Errs, workers)
	})
	g.Go(func() error {
		return rd.readFiles(gctx, slices.Concat(byDir["plans"], byDir["plans-kato"]), sink, sideErrs, workers)
	})
	err = g.Wait()
	rd.Errs.Merge(sideErrs) // in the order of reading the folders one after the other
	if err != nil {
		return err
	}
	return rd.readFiles(ctx, byDir["contract-units"], rd.Sink, rd.Errs, workers)
}

// oneAtATime is a sink read from two goroutines at once whose Counted and Discard run one at a time.
type oneAtATime struct {
	Sink
	mu sync.Mutex
}

func (s *oneAtATime) Counted(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Sink.Counted(n)
}

func (s *oneAtATime) Discard(ctx context.Context, prefix string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Sink.Discard(ctx, prefix)
}

// pageFile is one page of an export.
type pageFile struct {
	path, rel string // rel, the path under the export's folder, starts every location read from the file
	endpoint  *endpoint
}

// pageFiles lists the JSON pages of one endpoint folder in name order; nil when the folder is absent.
func pageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	files := []string{}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && (strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json.gz")) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	sort.Strings(files)
	return files, nil
}

// parser is one goroutine's state for reading files: its JSON decoding state, its memory of categories,
// and the rows of the file being read that were not handed on yet.
type parser struct {
	rd         *Reader
	chunk      int
	flat       flatReader
	categories *classify.Memo
	rows       batch
	// handOn passes a batch on: to the sink, or to the goroutine that calls the sink.
	handOn func(ctx context.Context, b *batch) error
}

func (rd *Reader) newParser(handOn func(context.Context, *batch) error) *parser {
	return &parser{rd: rd, chunk: cmp.Or(rd.Chunk, defaultChunk), categories: classify.NewMemo(rd.Classifier), handOn: handOn}
}

// add gathers one row of a file and hands the file's rows on when there are a chunk of them.
func add[T any](ctx context.Context, p *parser, rows *[]T, row T) error {
	*rows = append(*rows, row)
	if len(*rows) < p.chunk {
		return nil
	}
	return p.handOnRows(ctx)
}

// handOnRows passes on the rows gathered and the records read since the last batch.
func (p *parser) handOnRows(ctx context.Context) error {
	b := p.rows
	p.rows = batch{}
	return p.handOn(ctx, &b)
}

// readFile reads one page file, handing its rows on as they gather; the end says how the file went and
// carries its last rows.
func (p *parser) readFile(ctx context.Context, f pageFile) *batch {
	end := &fileEnd{errs: &record.Errors{}}
	end.fatal = p.parseFile(ctx, f, end)
	if end.fatal != nil || end.broken {
		p.rows = batch{records: p.rows.records} // what a broken file did not hand on yet is never handed on
	}
	last := p.rows
	p.rows = batch{}
	last.end = end
	return &last
}

// parseFile reads a file's records; a record that is bad is reported in end.errs and reading goes on, a
// file that breaks off is reported there and marked broken. It returns what stops the import.
func (p *parser) parseFile(ctx context.Context, f pageFile, end *fileEnd) error {
	r, closeInput, err := p.rd.Open(f.path, f.rel, end.errs)
	if r == nil || err != nil {
		return err
	}
	defer closeInput()
	var fatal error
	err = eachJSONItem(r, f.rel, func(loc string, dec *jsontext.Decoder) error {
		if err := ctx.Err(); err != nil {
			fatal = err
			return err
		}
		err := f.endpoint.parse(p, ctx, loc, dec)
		if err == nil {
			p.rows.records++
			return nil
		}
		// Past the common case: the targets of errors.As escape, an allocation each.
		var rec record.Invalid
		var skipped skipRecord
		var broken streamError
		switch {
		case errors.As(err, &rec):
			p.rows.records++
			end.errs.Add(loc, rec.Error())
		case errors.As(err, &skipped):
			p.rows.records++
			end.errs.Skip(skipped.reason)
		case errors.As(err, &broken):
			return broken
		default:
			fatal = err
			return err
		}
		return nil
	})
	if fatal != nil {
		return fatal
	}
	if err != nil {
		end.errs.Add(f.rel, err.Error())
		end.broken = true
	}
	return nil
}

// residentOf decides residency: the source's own mark when it has one, otherwise the deployment's home country.
func (p *parser) residentOf(mark *bool, country string) bool {
	if mark != nil {
		return *mark
	}
	return country == p.rd.Home
}

// skipRecord is a record read and deliberately not used, for a reason the import's summary counts.
type skipRecord struct{ reason string }

func (s skipRecord) Error() string { return s.reason }

// streamError is broken JSON: the rest of the file cannot be read, but other files can.
type streamError struct{ error }
