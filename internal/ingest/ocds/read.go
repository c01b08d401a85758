// Package ocds reads Open Contracting Data Standard publications (release and record packages, bare
// releases and records, JSON Lines of any of them, gzipped or not) into neutral records: a contract with
// its parties and items for each award or contract that counts. The mapping to Ules's tables is documented
// in docs/import-ocds.md.
package ocds

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/ules-kz/ules/internal/classify"
	"github.com/ules-kz/ules/internal/ingest/buyertype"
	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// Source is the contracts' source for Open Contracting Data Standard publications.
const Source = "ocds"

// The mapping from OCDS to Ules's tables is documented in docs/import-ocds.md; keep the two in step.

const (
	// holdBytes bounds the releases held while a document's kind is undecided (see fileReader.hold).
	holdBytes = 1 << 20
	// maxLine bounds one line of a JSON Lines file, which is read whole.
	maxLine = 256 << 20
	// maxMinor is the largest amount accepted, in minor units (10^14 major units): above it an amount
	// is a typo, and multiplied by an exchange rate it would overflow the stored bigint.
	maxMinor = 10_000_000_000_000_000
)

// IsFile reports whether a file in a folder is read as OCDS, by its name.
func IsFile(name string) bool {
	for _, ext := range []string{".json", ".jsonl", ".json.gz", ".jsonl.gz"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

func isJSONLines(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(name, ".jsonl")
}

// readOCDS stages OCDS data from a file, or from every .json, .jsonl, .json.gz and .jsonl.gz file under a
// folder (recursively, in name order). Each file is streamed: one release or record is held at a time.
// Reader reads OCDS inputs into a sink.
type Reader struct {
	Sink       record.Sink
	Errs       *record.Errors // where bad records are reported
	Classifier *classify.Classifier
	Home       string // the deployment's country (ISO alpha-2): a supplier there is resident
	// Rules name the portal's procurement methods; nil keeps every method as published.
	Rules *fieldtext.Rules
	// Open opens one input, counting its bytes for progress and unpacking .gz; a nil reader means it reported
	// why it cannot.
	Open func(path, rel string) (io.Reader, func(), error)
}

// Read reads a file, or every OCDS file under a folder in name order.
func (rd *Reader) Read(ctx context.Context, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !info.IsDir() {
		return rd.ReadFile(ctx, path, filepath.Base(path))
	}
	files, err := Files(path)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("ingest: %s has no .json, .jsonl, .json.gz or .jsonl.gz files: is it an OCDS folder?", path)
	}
	for _, f := range files {
		rel, err := filepath.Rel(path, f)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		if err := rd.ReadFile(ctx, f, filepath.ToSlash(rel)); err != nil {
			return err
		}
	}
	return nil
}

// fileError is a problem with a whole file: it is reported once, under the file's name, and whatever
// the file staged is dropped.
type fileError struct{ msg string }

func (e fileError) Error() string { return e.msg }

func fileErrorf(format string, args ...any) error {
	return fileError{msg: fmt.Sprintf(format, args...)}
}

// Files lists the OCDS files under dir in name order.
func Files(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && IsFile(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// ReadFile reads one file, rel naming it in locations.
func (rd *Reader) ReadFile(ctx context.Context, path, rel string) error {
	r, closeInput, err := rd.Open(path, rel)
	if r == nil || err != nil {
		return err
	}
	defer closeInput()
	o := &fileReader{ctx: ctx, sink: rd.Sink, errs: rd.Errs, rel: rel, look: newLookups(rd.Classifier, rd.Home, rd.Rules)}
	if isJSONLines(path) {
		err = o.jsonLines(r)
	} else {
		err = o.stream(r)
	}
	var fe fileError
	if errors.As(err, &fe) {
		rd.Errs.Add(rel, fe.msg)
		return rd.Sink.Discard(ctx, rel+":")
	}
	return err
}

// fileReader reads one file.
type fileReader struct {
	ctx   context.Context
	sink  record.Sink
	errs  *record.Errors
	look  *lookups
	rel   string
	lines *lineParser // reads JSON Lines lines; nil: encoding/json does
	// values reads the releases, records and fields that encoding/json's stream hands over as raw bytes:
	// decoding those into maps cost more than reading them as lines are read.
	values *lineParser
}

// decode reads the next value of dec.
func (o *fileReader) decode(dec tokenStream) (any, error) {
	std, ok := dec.(stdStream)
	if !ok {
		return dec.(*lineTokens).value(), nil
	}
	var raw json.RawMessage
	if err := std.Decoder.Decode(&raw); err != nil {
		return nil, err
	}
	if o.values == nil {
		o.values = &lineParser{}
	}
	if v, ok := o.values.parseValue(raw); ok {
		return v, nil
	}
	inner := json.NewDecoder(bytes.NewReader(raw))
	inner.UseNumber()
	var v any
	err := stdStream{inner}.Decode(&v)
	return v, err
}

// loc turns a JSON path into an error location: "file:$.releases[3].date", or "file:line 17" and
// "file:line 17:$.awards[0]" for a document that starts on line 17.
func (o *fileReader) loc(path string) string {
	return o.rel + ":" + strings.TrimSuffix(path, ":$")
}

// report files a record error; any other error is returned, as it ends the import.
func (o *fileReader) report(err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		o.errs.Add(o.loc(pe.path), pe.reason)
		return nil
	}
	return err
}

// lookups are the answers a reader remembers, since an input names the same products, countries and buyers
// again and again. A goroutine has its own.
type lookups struct {
	classifier *classify.Classifier
	home       string
	categories *classify.Memo
	countries  map[string]string
	buyerTypes buyertype.Memo
	rules      *fieldtext.Rules
}

func newLookups(c *classify.Classifier, home string, rules *fieldtext.Rules) *lookups {
	return &lookups{classifier: c, home: home, categories: classify.NewMemo(c), rules: rules}
}

// method is the portal's code when the publisher's own name of the method (procurementMethodDetails)
// names one, so that a target scoped to a method counts every source's contracts of it; otherwise OCDS's
// coarser procurementMethod (open, selective, limited, direct), as published.
func (l *lookups) method(published, details string) string {
	if code, ok := l.rules.MethodCode(details); ok {
		return code
	}
	if code, ok := l.rules.MethodCode(published); ok {
		return code
	}
	return strings.TrimSpace(published)
}

// countryOf is countryFromName, remembered.
func (l *lookups) countryOf(name string) string {
	if c, ok := l.countries[name]; ok {
		return c
	}
	c := countryFromName(name)
	if l.countries == nil || len(l.countries) >= maxRemembered {
		l.countries = make(map[string]string)
	}
	l.countries[strings.Clone(name)] = c // a name may share its record's memory
	return c
}

// maxRemembered bounds each memory of answers whatever the input's variety.
const maxRemembered = 50_000

// parseWorkers is how many goroutines parse JSON Lines.
func parseWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// Sniff reads the top-level keys of a JSON file's first document (through gzip for .gz): "ocds" when
// it has releases, records, ocid or compiledRelease, "portal" for a portal page (items and next_page),
// otherwise "". It stops as soon as a key decides, and skips values without keeping them.
func Sniff(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return "", fmt.Errorf("not a gzip file: %w", err)
		}
		defer gz.Close()
		r = gz
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	tok, err := dec.Token()
	if err == io.EOF {
		return "", errors.New("the file is empty")
	}
	if err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	if tok == json.Delim('[') {
		// An array of releases or records: its first element decides.
		if !dec.More() {
			return "", nil
		}
		if tok, err = dec.Token(); err != nil {
			return "", fmt.Errorf("not JSON: %w", err)
		}
	}
	if tok != json.Delim('{') {
		return "", nil
	}
	items, next := false, false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("not JSON: %w", err)
		}
		switch kt {
		case "releases", "records", "ocid", "compiledRelease", "versionedRelease":
			return "ocds", nil
		case "items":
			items = true
		case "next_page":
			next = true
		}
		if items && next {
			return "portal", nil
		}
		if err := skipValue(stdStream{dec}); err != nil {
			return "", fmt.Errorf("not JSON: %w", err)
		}
	}
	return "", nil
}
