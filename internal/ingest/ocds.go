package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/ingest/record"
	"github.com/ules-kz/ules/internal/money"
)

// SourceOCDS is the contracts' source for Open Contracting Data Standard publications.
const SourceOCDS = "ocds"

// The mapping from OCDS to Ules's tables is documented in docs/import-ocds.md; keep the two in step.

const (
	// ocdsHoldBytes bounds the releases held while a document's kind is undecided (see ocdsReader.hold).
	ocdsHoldBytes = 1 << 20
	// ocdsMaxLine bounds one line of a JSON Lines file, which is read whole.
	ocdsMaxLine = 256 << 20
	// ocdsMaxMinor is the largest amount accepted, in minor units (10^14 major units): above it an amount
	// is a typo, and multiplied by an exchange rate it would overflow the stored bigint.
	ocdsMaxMinor = 10_000_000_000_000_000
)

// isOCDSFile reports whether a file in a folder is read as OCDS.
func isOCDSFile(name string) bool {
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
func readOCDS(ctx context.Context, path string, st *stager, errs *errorLog) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !info.IsDir() {
		return readOCDSFile(ctx, path, filepath.Base(path), st, errs)
	}
	files, err := ocdsFiles(path)
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
		if err := readOCDSFile(ctx, f, filepath.ToSlash(rel), st, errs); err != nil {
			return err
		}
	}
	return nil
}

// ocdsFileError is a problem with a whole file: it is reported once, under the file's name, and whatever
// the file staged is dropped.
type ocdsFileError struct{ msg string }

func (e ocdsFileError) Error() string { return e.msg }

func fileErrorf(format string, args ...any) error {
	return ocdsFileError{msg: fmt.Sprintf(format, args...)}
}

// ocdsFiles lists the OCDS files under dir in name order.
func ocdsFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isOCDSFile(d.Name()) {
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

func readOCDSFile(ctx context.Context, path, rel string, st *stager, errs *errorLog) error {
	r, closeInput, err := openInput(path, rel, st, errs)
	if r == nil || err != nil {
		return err
	}
	defer closeInput()
	o := &ocdsReader{ctx: ctx, st: st, errs: errs, rel: rel}
	if isJSONLines(path) {
		err = o.jsonLines(r)
	} else {
		err = o.stream(r)
	}
	var fe ocdsFileError
	if errors.As(err, &fe) {
		errs.add(rel, fe.msg)
		return st.discardFile(ctx, rel)
	}
	return err
}

// ocdsReader reads one file.
type ocdsReader struct {
	ctx   context.Context
	st    *stager
	errs  *errorLog
	rel   string
	lines *lineParser // reads JSON Lines lines; nil: encoding/json does
	// values reads the releases, records and fields that encoding/json's stream hands over as raw bytes:
	// decoding those into maps cost more than reading them as lines are read.
	values *lineParser
}

// decode reads the next value of dec.
func (o *ocdsReader) decode(dec tokenStream) (any, error) {
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
func (o *ocdsReader) loc(path string) string {
	return o.rel + ":" + strings.TrimSuffix(path, ":$")
}

// report files a record error; any other error is returned, as it ends the import.
func (o *ocdsReader) report(err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		o.errs.add(o.loc(pe.path), pe.reason)
		return nil
	}
	return err
}

// stream reads a file of one or more JSON documents (a package, a release, a record, or several of them
// one after another), token by token.
func (o *ocdsReader) stream(r io.Reader) error {
	lr := &lineReader{r: r}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	lastLine := 0
	for doc := 0; ; doc++ {
		if err := o.ctx.Err(); err != nil {
			return err
		}
		lr.advance(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			if doc == 0 {
				return fileErrorf("file is empty")
			}
			return nil
		}
		if err != nil {
			return fileErrorf("%s", streamSyntax(dec, lr, err))
		}
		// The first document's paths start at $; a later one is named by its line ("line 40:$.releases[0]"),
		// and by its position too when it shares the line with another.
		line := lr.lineAt(dec.InputOffset() - 1)
		base := "$"
		switch {
		case doc > 0 && line != lastLine:
			base = fmt.Sprintf("line %d:$", line)
		case doc > 0:
			base = fmt.Sprintf("line %d value %d:$", line, doc+1)
		}
		lastLine = line
		err = o.document(stdStream{dec}, lr, tok, base, doc == 0)
		var se ocdsSyntaxError
		if errors.As(err, &se) {
			return fileErrorf("%s", streamSyntax(dec, lr, se.err))
		}
		if err != nil {
			return err
		}
	}
}

func (o *ocdsReader) jsonLine(line []byte, n int, first bool) error {
	at := fmt.Sprintf("line %d", n)
	base := at + ":$"
	var dec tokenStream
	if o.lines != nil && o.lines.parseLineJSON(line) {
		dec = &lineTokens{toks: o.lines.toks}
	} else {
		std := json.NewDecoder(bytes.NewReader(line))
		std.UseNumber()
		dec = stdStream{std}
	}
	broken := func(err error) error {
		msg := lineSyntax(err)
		if first {
			return fileErrorf("line %d: %s (JSON Lines has one whole JSON document on each line)", n, msg)
		}
		// A line that breaks off may have staged part of a package: drop it with the line.
		if err := o.discardPrefix(o.rel + ":" + at + ":"); err != nil {
			return err
		}
		o.errs.add(o.loc(base), msg)
		return nil
	}
	tok, err := dec.Token()
	if err != nil {
		return broken(err)
	}
	err = o.document(dec, nil, tok, base, first)
	var se ocdsSyntaxError
	if errors.As(err, &se) {
		return broken(se.err)
	}
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return broken(errors.New("more than one JSON value on the line"))
	}
	return nil
}

// discardPrefix drops what was read under one location prefix.
func (o *ocdsReader) discardPrefix(prefix string) error {
	return o.st.discardPrefix(o.ctx, prefix)
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its end into buf.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > ocdsMaxLine {
			return buf, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// ocdsSyntaxError is broken JSON: nothing after it can be read.
type ocdsSyntaxError struct{ err error }

func (e ocdsSyntaxError) Error() string { return e.err.Error() }

// jerr marks an error of the JSON decoder as broken JSON.
func jerr(err error) error {
	if err == nil {
		return nil
	}
	return ocdsSyntaxError{err: err}
}

// streamSyntax describes broken JSON with its line.
func streamSyntax(dec *json.Decoder, lr *lineReader, err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Sprintf("the file ends in the middle of the JSON value that starts at line %d, byte %d (truncated download?)",
			lr.lineAt(dec.InputOffset()), dec.InputOffset())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at line %d, byte %d: %v", lr.lineAt(se.Offset-1), se.Offset, se)
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrNoProgress) {
		return fmt.Sprintf("the gzip stream is corrupt: %v", err)
	}
	return fmt.Sprintf("invalid JSON at line %d, byte %d: %v", lr.lineAt(dec.InputOffset()), dec.InputOffset(), err)
}

func lineSyntax(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return "the line ends in the middle of a JSON value"
	}
	return "invalid JSON: " + err.Error()
}

// lineReader counts lines as a decoder reads, so that a document's line can be named. It remembers the
// offsets of the newlines the decoder has read but not yet passed, which the decoder's look-ahead bounds.
type lineReader struct {
	r     io.Reader
	off   int64
	nl    []int64
	lines int
}

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.nl = append(l.nl, l.off+int64(i))
		}
	}
	l.off += int64(n)
	return n, err
}

// advance forgets the newlines before off, counting them.
func (l *lineReader) advance(off int64) {
	if l == nil {
		return
	}
	i := 0
	for i < len(l.nl) && l.nl[i] < off {
		i++
	}
	if i > 0 {
		l.lines += i
		l.nl = append(l.nl[:0], l.nl[i:]...)
	}
}

// lineAt returns the 1-based line of the byte at off, which must not be before an earlier advance.
func (l *lineReader) lineAt(off int64) int {
	if l == nil {
		return 1
	}
	l.advance(off)
	return l.lines + 1
}

// ocdsDoc gathers one top-level JSON object while it streams by.
type ocdsDoc struct {
	path   string
	fields *object  // the release's or record's own fields (see ocdsDocFields)
	keys   []string // the other keys, to name what a document that is not OCDS is

	records, releases, versioned bool

	// The releases of a document whose kind is not yet known: a package's releases are staged as they come,
	// a record's are compiled, and a record may name its ocid or compiledRelease after its releases.
	held      []node
	heldBytes int64
	streaming bool
}

// ocdsDocFields are the top-level fields kept for a bare release or record; others are skipped unread.
var ocdsDocFields = map[string]bool{
	"ocid": true, "id": true, "date": true, "tag": true, "buyer": true, "parties": true, "tender": true,
	"awards": true, "contracts": true, "compiledRelease": true,
}

// isRecord reports whether the document is a record rather than a release or a package.
func (d *ocdsDoc) isRecord() bool {
	if d.records {
		return false
	}
	return d.fields.has("compiledRelease") || d.versioned || (d.fields.has("ocid") && d.releases)
}

// isRelease reports whether the document is a bare release: it has an ocid, or the parts of one (an object
// with an id or a date only is not taken for a release).
func (d *ocdsDoc) isRelease() bool {
	for _, k := range []string{"ocid", "tag", "buyer", "parties", "tender", "awards", "contracts"} {
		if d.fields.has(k) {
			return true
		}
	}
	return false
}

// document reads one top-level value whose first token is tok. first is true for a file's first
// document, which decides whether the file is OCDS at all.
func (o *ocdsReader) document(dec tokenStream, lr *lineReader, tok json.Token, base string, first bool) error {
	switch tok {
	case json.Delim('{'):
		return o.object(dec, lr, base, first)
	case json.Delim('['):
		// An array of releases or records, as some tools write them.
		for i := 0; dec.More(); i++ {
			lr.advance(dec.InputOffset())
			t, err := dec.Token()
			if err != nil {
				return jerr(err)
			}
			path := fmt.Sprintf("%s[%d]", base, i)
			if t != json.Delim('{') {
				if err := dec.skipRest(t); err != nil {
					return jerr(err)
				}
				if first && i == 0 {
					return fileErrorf("not OCDS: want a release package, a record package, a release or a record; found an array of %s", kindOfToken(t))
				}
				o.st.counted()
				o.errs.add(o.loc(path), "want a release or a record (a JSON object), got "+kindOfToken(t))
				continue
			}
			if err := o.object(dec, lr, path, first && i == 0); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return jerr(err)
	}
	if first {
		return fileErrorf("not OCDS: want a release package, a record package, a release or a record (a JSON object); found %s", kindOfToken(tok))
	}
	o.st.counted()
	o.errs.add(o.loc(base), "want a release package, a record package, a release or a record (a JSON object), got "+kindOfToken(tok))
	return nil
}

// object streams one JSON object whose '{' was read: a package's releases or records are staged one at a
// time, a bare release's or record's fields are gathered and staged at its end.
func (o *ocdsReader) object(dec tokenStream, lr *lineReader, base string, first bool) error {
	d := &ocdsDoc{path: base, fields: &object{fields: make([]field, 0, len(ocdsDocFields))}}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return jerr(err)
		}
		key, _ := kt.(string)
		switch {
		case key == "records":
			d.records = true
			err = o.each(dec, lr, base+".records", func(n node, _ int64) error {
				return o.record(n)
			})
		case key == "releases":
			d.releases = true
			err = o.each(dec, lr, base+".releases", func(n node, size int64) error {
				return o.hold(d, n, size)
			})
		case key == "versionedRelease":
			d.versioned = true
			err = jerr(skipValue(dec))
		case ocdsDocFields[key]:
			var v any
			if v, err = o.decode(dec); err == nil {
				d.fields.set(key, v)
			}
			err = jerr(err)
		default:
			if len(d.keys) < 8 {
				d.keys = append(d.keys, key)
			}
			err = jerr(skipValue(dec))
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jerr(err)
	}
	return o.finish(d, first)
}

// hold keeps a document's releases until it is known whether they belong to a package or a record. A
// record names its ocid or compiledRelease first in practice, and a package's releases pass straight
// through; past ocdsHoldBytes the document is taken for a package.
func (o *ocdsReader) hold(d *ocdsDoc, n node, size int64) error {
	if d.isRecord() {
		d.held = append(d.held, n)
		return nil
	}
	if d.streaming {
		return o.packageRelease(n)
	}
	d.held = append(d.held, n)
	d.heldBytes += size
	if d.heldBytes <= ocdsHoldBytes {
		return nil
	}
	d.streaming = true
	return o.flushHeld(d)
}

func (o *ocdsReader) flushHeld(d *ocdsDoc) error {
	for _, n := range d.held {
		if err := o.packageRelease(n); err != nil {
			return err
		}
	}
	d.held = nil
	return nil
}

func (o *ocdsReader) finish(d *ocdsDoc, first bool) error {
	switch {
	case d.streaming || d.records:
		return o.flushHeld(d)
	case d.isRecord():
		rec := &object{fields: slices.Clone(d.fields.fields)}
		releases := make([]any, len(d.held))
		for i, n := range d.held {
			releases[i] = n.v
		}
		rec.set("releases", releases)
		if d.versioned {
			rec.set("versionedRelease", true)
		}
		return o.record(at(rec, d.path))
	case d.releases:
		return o.flushHeld(d)
	case d.isRelease():
		return o.packageRelease(at(d.fields, d.path))
	}
	reason := "not OCDS: want a release package, a record package, a release or a record (a JSON object with \"releases\", \"records\" or \"ocid\")"
	switch {
	case slices.Contains(d.keys, "items") && slices.Contains(d.keys, "next_page"):
		reason = "not OCDS: this is a page of the national portal's API ({\"items\": [...], \"next_page\": ...}); import the portal export's folder with --format portal"
	case len(d.keys) > 0:
		reason += "; found an object with " + strings.Join(d.keys, ", ")
	default:
		reason += "; found an empty object"
	}
	if first {
		return fileErrorf("%s", reason)
	}
	o.st.counted()
	o.errs.add(o.loc(d.path), reason)
	return nil
}

// each decodes the elements of an array one at a time; fn gets each with its path and size in bytes.
func (o *ocdsReader) each(dec tokenStream, lr *lineReader, path string, fn func(node, int64) error) error {
	t, err := dec.Token()
	if err != nil {
		return jerr(err)
	}
	if t == nil {
		return nil
	}
	if t != json.Delim('[') {
		if err := dec.skipRest(t); err != nil {
			return jerr(err)
		}
		o.st.counted()
		o.errs.add(o.loc(path), "want an array, got "+kindOfToken(t))
		return nil
	}
	for i := 0; dec.More(); i++ {
		if err := o.ctx.Err(); err != nil {
			return err
		}
		lr.advance(dec.InputOffset())
		start := dec.InputOffset()
		v, err := o.decode(dec)
		if err != nil {
			return jerr(err)
		}
		if err := fn(at(v, path+"["+strconv.Itoa(i)+"]"), dec.InputOffset()-start); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return jerr(err)
}

// skipValue reads past the next value without keeping it.
func skipValue(dec tokenStream) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	return dec.skipRest(t)
}

func kindOfToken(t json.Token) string {
	switch t.(type) {
	case json.Delim:
		if t == json.Delim('[') {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// packageRelease stages one release of a package (or a bare release).
func (o *ocdsReader) packageRelease(n node) error {
	o.st.counted()
	return o.report(o.release(n, "", nil))
}

// record stages one record: its compiledRelease, or else its releases compiled here.
func (o *ocdsReader) record(n node) error {
	o.st.counted()
	if _, err := n.object(); err != nil {
		return o.report(err)
	}
	if n.v == nil {
		return o.report(perr(n, "want a record (a JSON object), got null"))
	}
	ocid, err := n.get("ocid").text()
	if err != nil {
		return o.report(err)
	}
	if cr := n.get("compiledRelease"); cr.v != nil {
		return o.report(o.release(cr, ocid, nil))
	}
	rels, err := n.get("releases").list()
	if err != nil {
		return o.report(err)
	}
	var full []node
	linked := false
	for _, r := range rels {
		m, ok := r.v.(*object)
		if !ok {
			return o.report(perr(r, "want a release (a JSON object), got %s", jsonKind(r.v)))
		}
		if isLinkedRelease(m) {
			if releaseHasContracts(m) {
				linked = true
			}
			continue
		}
		full = append(full, r)
	}
	if len(full) == 0 {
		if len(rels) == 0 && n.get("versionedRelease").v != nil {
			return o.report(perr(n, "the record has only a versionedRelease, which Ules does not read: publish the record with its compiledRelease or its releases"))
		}
		if linked {
			return o.report(perr(n, "the record has no compiledRelease and its award and contract releases are only links (url): publish the record with its compiledRelease, or import the releases themselves"))
		}
		return nil // planning and tender releases only: nothing that is contracted yet
	}
	compiled, date := compileReleases(full)
	return o.report(o.release(at(compiled, n.path()+".releases"), ocid, date))
}

// isLinkedRelease reports whether a record's release is a link ({url, date, tag}) rather than the release.
func isLinkedRelease(m *object) bool {
	if !m.has("url") {
		return false
	}
	for _, k := range []string{"ocid", "id", "awards", "contracts", "buyer", "parties", "tender"} {
		if m.has(k) {
			return false
		}
	}
	return true
}

func releaseHasContracts(m *object) bool {
	tag, _ := m.get("tag")
	tags, _ := tag.([]any)
	for _, t := range tags {
		s, _ := asString(t)
		if strings.HasPrefix(s, "award") || strings.HasPrefix(s, "contract") || strings.HasPrefix(s, "implementation") {
			return true
		}
	}
	return false
}

// originKey marks where a compiled object came from, so that errors point into the releases.
const originKey = "\x00origin"

// compileReleases merges a record's releases, oldest first, into one: the latest release that has a
// field wins. buyer and tender are merged field by field; parties, awards and contracts are merged by id
// (position for an element without one), each field by field. Arrays inside those objects (items,
// suppliers, transactions) are replaced whole. A null never erases an earlier value. It returns the
// compiled release and the latest release date.
func compileReleases(rels []node) (*object, *time.Time) {
	dated := make([]struct {
		n node
		t time.Time
	}, len(rels))
	for i, r := range rels {
		dated[i].n = r
		date, _ := r.v.(*object).get("date")
		s, _ := asString(date)
		dated[i].t, _ = parseTime(strings.TrimSpace(s))
	}
	sort.SliceStable(dated, func(i, j int) bool { return dated[i].t.Before(dated[j].t) })
	out := &object{}
	var latest *time.Time
	for _, d := range dated {
		m := d.n.v.(*object)
		if !d.t.IsZero() {
			t := d.t
			latest = &t
		}
		for _, k := range []string{"ocid", "id", "date", "tag"} {
			if v, _ := m.get(k); v != nil {
				out.set(k, v)
			}
		}
		for _, k := range []string{"buyer", "tender"} {
			v, _ := m.get(k)
			prev, _ := out.get(k)
			switch v := v.(type) {
			case nil:
			case *object:
				out.set(k, mergeObject(prev, v, d.n.path()+"."+k))
			default:
				out.set(k, v)
			}
		}
		for _, k := range []string{"parties", "awards", "contracts"} {
			v, _ := m.get(k)
			prev, _ := out.get(k)
			switch v := v.(type) {
			case nil:
			case []any:
				out.set(k, mergeByID(prev, v, d.n.path()+"."+k))
			default:
				out.set(k, v)
			}
		}
	}
	return out, latest
}

// mergeObject merges next's fields over prev's. The origin goes last, where node.origin looks for it.
func mergeObject(prev any, next *object, path string) *object {
	out := &object{}
	if p, ok := prev.(*object); ok {
		for _, f := range p.fields {
			if f.key != originKey {
				out.set(f.key, f.val)
			}
		}
	}
	for _, f := range next.fields {
		// Of a key given twice the later value counts, null or not, as when decoded into a map.
		if v, _ := next.get(f.key); v != nil && f.key != originKey {
			out.set(f.key, v)
		}
	}
	out.fields = append(out.fields, field{originKey, path})
	return out
}

func mergeByID(prev any, next []any, path string) []any {
	old, _ := prev.([]any)
	list := append([]any(nil), old...)
	index := map[string]int{}
	for i, e := range list {
		index[elementID(e, i)] = i
	}
	for i, e := range next {
		obj, ok := e.(*object)
		if !ok {
			list = append(list, e)
			continue
		}
		p := fmt.Sprintf("%s[%d]", path, i)
		id := elementID(obj, i)
		if j, ok := index[id]; ok {
			list[j] = mergeObject(list[j], obj, p)
			continue
		}
		index[id] = len(list)
		list = append(list, mergeObject(nil, obj, p))
	}
	return list
}

func elementID(e any, pos int) string {
	if m, ok := e.(*object); ok {
		id, _ := m.get("id")
		if s, ok := asString(id); ok && s != "" {
			return "id:" + s
		}
		if n, ok := asNumber(id); ok {
			return "id:" + n.String()
		}
	}
	return "#" + strconv.Itoa(pos)
}

// pathError is a bad field of a release: its JSON path and why.
type pathError struct{ path, reason string }

func (e *pathError) Error() string { return e.path + ": " + e.reason }

func perr(n node, format string, args ...any) error {
	return &pathError{path: n.path(), reason: fmt.Sprintf(format, args...)}
}

// node is a decoded JSON value with its path in the file. A field's path is spelled out only when asked
// for (an error, a location): spelling it for every field read cost a tenth of an OCDS import.
type node struct {
	v any
	// The path is spelled out only when asked for (locations, errors): base, then [idx] when idx > 0 (the
	// element index plus one), then each key, as ".key". Reading a field builds no string for three levels.
	base string
	idx  int
	keys [3]string
}

// at is the value v found at path.
func at(v any, path string) node { return node{v: v, base: path} }

func (n node) path() string {
	if n.idx == 0 && n.keys[0] == "" {
		return n.base
	}
	var b strings.Builder
	size := len(n.base) + 12
	for _, k := range n.keys {
		size += len(k) + 1
	}
	b.Grow(size)
	b.WriteString(n.base)
	if n.idx > 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(n.idx - 1))
		b.WriteByte(']')
	}
	for _, k := range n.keys {
		if k == "" {
			break
		}
		b.WriteByte('.')
		b.WriteString(k)
	}
	return b.String()
}

// isZero reports whether n is no node at all (its path is empty), without spelling the path out.
func (n node) isZero() bool { return n.base == "" && n.idx == 0 && n.keys[0] == "" }

// origin is the node of a value the compiler merged: its path names the release it came from.
func (n node) origin() node {
	if m, ok := n.v.(*object); ok {
		if p, ok := m.origin(); ok {
			return at(n.v, p)
		}
	}
	return n
}

// get returns a field of an object; a field of anything else is null.
func (n node) get(key string) node {
	var v any
	if m, ok := n.v.(*object); ok {
		v, _ = m.get(key)
		if o, ok := v.(*object); ok {
			if p, ok := o.origin(); ok {
				return at(v, p)
			}
		}
	}
	// n is the caller's copy: the child is made in it, as node values are large enough for copies to count.
	n.v = v
	for i := range n.keys {
		if n.keys[i] == "" {
			n.keys[i] = key
			return n
		}
	}
	return node{v: v, base: n.path(), keys: [3]string{key}}
}

func jsonKind(v any) string {
	switch v.(type) {
	case *object:
		return "an object"
	case []any:
		return "an array"
	case string, *string:
		return "a string"
	case json.Number, *json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// object checks that n is an object or null.
func (n node) object() (*object, error) {
	switch v := n.v.(type) {
	case nil:
		return nil, nil
	case *object:
		return v, nil
	}
	return nil, perr(n, "want an object, got %s", jsonKind(n.v))
}

// list returns the elements of an array; null is empty.
func (n node) list() ([]node, error) {
	switch v := n.v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]node, len(v))
		base := n.path()
		for i, e := range v {
			out[i] = node{v: e, base: base, idx: i + 1}.origin()
		}
		return out, nil
	}
	return nil, perr(n, "want an array, got %s", jsonKind(n.v))
}

// listOrOne is list, also taking a lone object as a list of one (some publishers' contract suppliers).
func (n node) listOrOne() ([]node, error) {
	if _, ok := n.v.(*object); ok {
		return []node{n}, nil
	}
	return n.list()
}

// objects is list, requiring every element to be an object.
func (n node) objects() ([]node, error) {
	l, err := n.list()
	if err != nil {
		return nil, err
	}
	for _, e := range l {
		if _, ok := e.v.(*object); !ok {
			return nil, perr(e, "want an object, got %s", jsonKind(e.v))
		}
	}
	return l, nil
}

// text returns a string (trimmed) or a number as written; null is "".
func (n node) text() (string, error) {
	if n.v == nil {
		return "", nil
	}
	if s, ok := asString(n.v); ok {
		return strings.TrimSpace(s), nil
	}
	if v, ok := asNumber(n.v); ok {
		return v.String(), nil
	}
	return "", perr(n, "want a string, got %s", jsonKind(n.v))
}

// amount is a money amount: exact text and minor units.
type amount struct {
	text  string
	minor int64
}

// amountAt reads an amount (a number, or a string holding one); nil when absent.
func amountAt(n node) (*amount, error) {
	var s string
	if n.v == nil {
		return nil, nil
	}
	if v, ok := asNumber(n.v); ok {
		s = v.String()
	} else if v, ok := asString(n.v); ok {
		if s = strings.TrimSpace(v); s == "" {
			return nil, nil
		}
	} else {
		return nil, perr(n, "want a number, got %s", jsonKind(n.v))
	}
	m, err := money.ParseMinor(s)
	if err != nil {
		cause := "invalid number"
		if errors.Is(err, money.ErrRange) {
			cause = "out of range"
		}
		return nil, perr(n, "%q is not an amount: %s", s, cause)
	}
	if m < 0 {
		return nil, perr(n, "%s is negative", s)
	}
	if m > ocdsMaxMinor {
		return nil, perr(n, "%s is implausibly large", s)
	}
	return &amount{text: s, minor: m}, nil
}

// value is an OCDS Value object.
type value struct {
	amount   *amount
	currency string
	node     node // the Value object
}

func valueAt(n node) (value, error) {
	if _, err := n.object(); err != nil {
		return value{}, err
	}
	a, err := amountAt(n.get("amount"))
	if err != nil {
		return value{}, err
	}
	c, err := n.get("currency").text()
	if err != nil {
		return value{}, err
	}
	if c != "" {
		c = strings.ToUpper(c)
		if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return value{}, perr(n.get("currency"), "%q is not an ISO 4217 currency code", c)
		}
	}
	return value{amount: a, currency: c, node: n}, nil
}

// dateAt reads an OCDS date-time; nil when absent. The day is the one written, in its own offset.
func dateAt(n node) (*time.Time, error) {
	s, err := n.text()
	if err != nil || s == "" {
		return nil, err
	}
	t, ok := parseTime(s)
	if !ok {
		return nil, perr(n, "%q is not a date (want an ISO 8601 date-time such as 2016-08-01T10:00:00Z)", s)
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		return nil, perr(n, "%q is outside 1990..2100", s)
	}
	return &t, nil
}

// ocdsOrg is a buyer or supplier as staged.
type ocdsOrg struct {
	key, bin, name, country string
	path                    string
}

// ocdsRelease is one release (or compiled record) being staged.
type ocdsRelease struct {
	o       *ocdsReader
	n       node
	ocid    string
	prefix  string // the publisher's ocid prefix, which scopes identifiers without a scheme
	updated *time.Time
	method  string
	tender  node
	parties map[string]node
	order   []node
	awards  []node
	cons    []node

	buyer     *ocdsOrg
	buyerErr  error
	buyerDone bool
}

// withdraw says that this release, a version of the contract stored as sourceID, no longer counts it: a
// contract cancelled in a newer release than the one that counted it stops counting.
func (r *ocdsRelease) withdraw(n node, sourceID string) error {
	if r.updated == nil {
		return nil // without a version, nothing says this release is the newer one
	}
	return r.o.st.contract(r.o.ctx, &contractRecord{withdrawn: true, copies: []record.Contract{{
		Loc: r.o.loc(n.path()), SourceID: sourceID, Status: "cancelled", UpdatedAt: r.updated,
	}}})
}

// release stages the active and terminated contracts of one release. ocid stands in when the release has
// none (a record's compiledRelease); date, when given, is the version (a release compiled here).
func (o *ocdsReader) release(n node, ocid string, date *time.Time) error {
	if n.v == nil {
		return perr(n, "want a release (a JSON object), got null")
	}
	if _, err := n.object(); err != nil {
		return err
	}
	r := &ocdsRelease{o: o, n: n, parties: map[string]node{}}
	own, err := n.get("ocid").text()
	if err != nil {
		return err
	}
	if own != "" {
		ocid = own
	}
	if ocid == "" {
		return perr(n.get("ocid"), "required: every release and record has an ocid")
	}
	r.ocid, r.prefix = ocid, ocidPrefix(ocid)
	if date != nil {
		r.updated = date
	} else if r.updated, err = dateAt(n.get("date")); err != nil {
		return err
	}
	if r.order, err = n.get("parties").objects(); err != nil {
		return err
	}
	for _, p := range r.order {
		id, err := p.get("id").text()
		if err != nil {
			return err
		}
		if _, dup := r.parties[id]; id != "" && !dup {
			r.parties[id] = p
		}
	}
	r.tender = n.get("tender")
	if _, err := r.tender.object(); err != nil {
		return err
	}
	if r.method, err = r.tender.get("procurementMethod").text(); err != nil {
		return err
	}
	if r.awards, err = n.get("awards").objects(); err != nil {
		return err
	}
	if r.cons, err = n.get("contracts").objects(); err != nil {
		return err
	}
	return r.stage()
}

// ocidPrefix is the publisher's prefix of an ocid ("ocds-be6bcu" of "ocds-be6bcu-UA-2016-…").
func ocidPrefix(ocid string) string {
	parts := strings.SplitN(strings.ToLower(ocid), "-", 3)
	if len(parts) >= 2 && parts[0] == "ocds" {
		return parts[0] + "-" + parts[1]
	}
	return strings.ToLower(ocid)
}

func countable(status string, contract bool) bool {
	switch strings.ToLower(status) {
	case "active":
		return true
	case "terminated":
		return contract
	}
	return false
}

// skipUncounted reports a status outside the OCDS codelists (contractStatus, awardStatus), which is
// usually a publisher's own word for one of them: its records are not counted, and the user should know.
func (r *ocdsRelease) skipUncounted(status string, contract bool) {
	switch s := strings.ToLower(status); {
	case s == "pending" || s == "cancelled" || (contract && s == "terminated") || (!contract && s == "unsuccessful"):
		return
	case contract:
		r.o.errs.skip(fmt.Sprintf("contracts whose status %q is not in the OCDS codelist (active and terminated ones are counted)", status))
	case status == "":
		r.o.errs.skip("awards without contracts and without a status (active ones are counted)")
	default:
		r.o.errs.skip(fmt.Sprintf("awards without contracts whose status %q is not in the OCDS codelist (active ones are counted)", status))
	}
}

// stage decides which awards and contracts are counted and stages them.
func (r *ocdsRelease) stage() error {
	awardIDs := make([]string, len(r.awards))
	awardByID := map[string]int{}
	for i, a := range r.awards {
		id, err := a.get("id").text()
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			awardIDs[i] = "\x00bad"
			continue
		}
		awardIDs[i] = id
		if _, dup := awardByID[id]; id != "" && !dup {
			awardByID[id] = i
		}
	}
	contractsOf := map[string]int{}  // award id → number of contracts
	firstCounted := map[string]int{} // award id → its first counted contract
	links := make([]string, len(r.cons))
	statuses := make([]string, len(r.cons))
	bad := make([]bool, len(r.cons))
	for j, c := range r.cons {
		aid, err := c.get("awardID").text()
		if err == nil {
			statuses[j], err = c.get("status").text()
		}
		if err != nil {
			bad[j] = true
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		links[j] = aid
		if _, ok := awardByID[aid]; !ok || aid == "" {
			continue
		}
		contractsOf[aid]++
		if _, seen := firstCounted[aid]; !seen && countable(statuses[j], true) {
			firstCounted[aid] = j
		}
	}
	for j, c := range r.cons {
		if bad[j] {
			continue
		}
		if !countable(statuses[j], true) {
			r.skipUncounted(statuses[j], true)
			if strings.EqualFold(statuses[j], "cancelled") {
				// Whichever id an earlier version counted it under: its own, or its award's when it was the
				// award's first counted contract.
				id, _ := c.get("id").text()
				if id != "" {
					if err := r.withdraw(c, r.ocid+"/"+id); err != nil {
						return err
					}
				}
				if _, counted := firstCounted[links[j]]; links[j] != "" && !counted {
					if err := r.withdraw(c, r.ocid+"/"+links[j]); err != nil {
						return err
					}
				}
			}
			continue
		}
		d := deal{main: c, contract: &r.cons[j], status: strings.ToLower(statuses[j]), awardID: links[j]}
		if i, ok := awardByID[links[j]]; ok && links[j] != "" {
			d.award = &r.awards[i]
			d.sole = contractsOf[links[j]] == 1
			if firstCounted[links[j]] == j {
				d.sourceID = r.ocid + "/" + links[j]
			}
		}
		// A contract that extends or amends another (extendsContractID) borrows its supplier and award.
		ext, err := c.get("extendsContractID").text()
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		if ext != "" {
			for k, e := range r.cons {
				if id, _ := e.get("id").text(); id == ext && k != j {
					d.extends = &r.cons[k]
					if i, ok := awardByID[links[k]]; ok && d.award == nil && links[k] != "" {
						d.award = &r.awards[i]
					}
					break
				}
			}
		}
		if d.sourceID == "" {
			id, err := c.get("id").text()
			if err == nil && id == "" {
				err = perr(c.get("id"), "required: a contract has an id")
			}
			if err != nil {
				if err := r.o.report(err); err != nil {
					return err
				}
				continue
			}
			d.sourceID = r.ocid + "/" + id
		}
		if err := r.o.report(r.stageDeal(d)); err != nil {
			return err
		}
	}
	for i, a := range r.awards {
		id := awardIDs[i]
		if id == "\x00bad" || contractsOf[id] > 0 {
			continue
		}
		status, err := a.get("status").text()
		if err == nil && countable(status, false) && id == "" {
			err = perr(a.get("id"), "required: an award has an id")
		}
		if err != nil {
			if err := r.o.report(err); err != nil {
				return err
			}
			continue
		}
		if !countable(status, false) {
			r.skipUncounted(status, false)
			if s := strings.ToLower(status); (s == "cancelled" || s == "unsuccessful") && id != "" {
				if err := r.withdraw(a, r.ocid+"/"+id); err != nil {
					return err
				}
			}
			continue
		}
		d := deal{main: a, award: &r.awards[i], sole: true, status: "active", sourceID: r.ocid + "/" + id}
		if err := r.o.report(r.stageDeal(d)); err != nil {
			return err
		}
	}
	return nil
}

// deal is one contract to stage: an OCDS contract with its award, or an award without contracts.
type deal struct {
	main     node  // the contract, or the award
	contract *node // nil for an award alone
	award    *node // the contract's award, when the release has it
	extends  *node // the contract this one amends (extendsContractID), when the release has it
	awardID  string
	sole     bool // the award has this one contract (its value and items are the contract's)
	status   string
	sourceID string
}

func (d deal) what() string {
	if d.contract != nil {
		return "contract"
	}
	return "award"
}

// ocdsItem is one item, checked.
type ocdsItem struct {
	path     string
	id       string
	enstru   string
	name     string
	desc     string
	unit     string
	quantity string
	price    *amount
	currency node
	value    *int64 // quantity × unit price, or the item's share of the contract value
	category *int32
}

func (r *ocdsRelease) stageDeal(d deal) error {
	// An amendment without a value or items of its own (a longer term, say) adds no money: it is not counted.
	if d.contract != nil && d.contract.get("extendsContractID").v != nil {
		v, err := valueAt(d.contract.get("value"))
		if err != nil {
			return err
		}
		if items, _ := d.contract.get("items").list(); v.amount == nil && len(items) == 0 {
			return nil
		}
	}
	// Supplier: the contract's own (the contract suppliers extension), or the amended contract's, or else
	// the award's; the first one when several are named.
	var supRef *node
	for _, c := range []*node{d.contract, d.extends} {
		if c == nil || supRef != nil {
			continue
		}
		refs, err := c.get("suppliers").listOrOne()
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			supRef = &refs[0]
		}
	}
	if supRef == nil && d.award != nil {
		refs, err := d.award.get("suppliers").list()
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			supRef = &refs[0]
		}
	}
	if supRef == nil {
		if d.contract != nil && d.award == nil && d.awardID == "" {
			return perr(d.main, "no supplier: the contract names none and has no awardID")
		}
		if d.contract != nil && d.award == nil {
			return perr(d.main, "no supplier: the contract names none and its award %s is not in the release", d.awardID)
		}
		if d.contract == nil {
			return perr(d.main, "no supplier: the award names none")
		}
		return perr(d.main, "no supplier: neither the contract nor its award names one")
	}
	supplier, err := r.org(*supRef)
	if err != nil {
		return err
	}
	buyer, err := r.buyerOrg()
	if err != nil {
		return err
	}
	if buyer == nil {
		return perr(d.main, "no buyer: the release has no buyer, no party with the role buyer and no tender.procuringEntity")
	}

	// Value: the contract's, or its award's when the award has no other contract.
	var val value
	if d.contract != nil {
		if val, err = valueAt(d.contract.get("value")); err != nil {
			return err
		}
	}
	if val.amount == nil && d.award != nil && d.sole {
		av, err := valueAt(d.award.get("value"))
		if err != nil {
			return err
		}
		if av.amount != nil {
			val = av
		}
	}
	valueNode := d.main.get("value")
	if !val.node.isZero() {
		valueNode = val.node
	}
	total, currency := val.amount, val.currency
	currencyNode := valueNode.get("currency")
	if d.status == "terminated" {
		paid, cur, curNode, err := transactions(d.contract.get("implementation").get("transactions"), currency)
		if err != nil {
			return err
		}
		if paid != nil {
			total, currency, currencyNode = paid, cur, curNode
		}
	}

	// Signing date: the contract's, or its award's.
	var signed *time.Time
	signedNode := d.main.get("date")
	if d.contract != nil {
		signedNode = d.contract.get("dateSigned")
		if signed, err = dateAt(signedNode); err != nil {
			return err
		}
	}
	if signed == nil && d.award != nil {
		if signed, err = dateAt(d.award.get("date")); err != nil {
			return err
		}
	}
	if signed == nil {
		if d.contract != nil {
			return perr(signedNode, "required: neither the contract's dateSigned nor its award's date is given")
		}
		return perr(signedNode, "required: the award has no date")
	}

	// Items: the contract's, or its award's when the award has no other contract.
	var itemNodes []node
	if d.contract != nil {
		if itemNodes, err = d.contract.get("items").objects(); err != nil {
			return err
		}
	}
	if len(itemNodes) == 0 && d.award != nil && d.sole {
		if itemNodes, err = d.award.get("items").objects(); err != nil {
			return err
		}
	}
	items := make([]ocdsItem, 0, len(itemNodes))
	seen := map[string]bool{}
	for i, n := range itemNodes {
		it, err := r.item(n, i)
		if err != nil {
			return err
		}
		if seen[it.id] {
			it.id = fmt.Sprintf("%s#%d", it.id, i+1)
		}
		seen[it.id] = true
		items = append(items, it)
	}

	// Currency and total: a contract without a value is the sum of its items when all have a price.
	allPriced := len(items) > 0
	var sum int64
	for _, it := range items {
		if it.value == nil {
			allPriced = false
			continue
		}
		sum += *it.value
		if sum > ocdsMaxMinor {
			return perr(it.currency, "the items add up to an implausibly large amount")
		}
		if c, _ := it.currency.text(); c != "" {
			c = strings.ToUpper(c)
			if currency == "" {
				currency, currencyNode = c, it.currency
			} else if c != currency {
				return perr(it.currency, "%s differs from the %s's currency %s", c, d.what(), currency)
			}
		}
	}
	if total == nil {
		if !allPriced {
			why := "and not all of its items have a unit price"
			if len(items) == 0 {
				why = "and no items"
			}
			if d.contract != nil && d.award != nil && !d.sole {
				why += ", and its award's value covers several contracts"
			}
			return perr(valueNode.get("amount"), "required: the %s has no value %s", d.what(), why)
		}
		total = &amount{minor: sum}
	}
	if currency == "" {
		return perr(currencyNode, "required: the %s's value has no currency", d.what())
	}

	// Items without a price share what the priced ones leave of the total, equally.
	var unpriced []int
	for i, it := range items {
		if it.value == nil {
			unpriced = append(unpriced, i)
		}
	}
	if len(unpriced) > 0 {
		rest := max(total.minor-sum, 0)
		share := rest / int64(len(unpriced))
		for k, i := range unpriced {
			v := share
			if k == len(unpriced)-1 {
				v = rest - share*int64(len(unpriced)-1)
			}
			items[i].value = &v
		}
	}

	description := r.description(d)
	rec := &contractRecord{
		subjects: []record.Party{r.subject(buyer), r.subject(supplier)},
		plans:    make([]record.PlanPoint, 0, len(items)),
		units:    make([]record.Item, 0, len(items)),
	}
	for _, it := range items {
		loc := r.o.loc(it.path)
		rec.plans = append(rec.plans, record.PlanPoint{
			Loc: loc, PlanID: loc, EnstruCode: it.enstru, Name: it.name, Description: it.desc, Unit: it.unit,
			CategoryID: it.category,
		})
		quantity := it.quantity
		if quantity == "" {
			quantity = "0"
		}
		var price *int64
		if it.price != nil {
			price = &it.price.minor
		}
		rec.units = append(rec.units, record.Item{
			Loc: loc, SourceID: it.id, ContractSourceID: d.sourceID, PlanID: loc, Quantity: quantity,
			UnitPrice: price, Value: *it.value, Version: r.updated,
		})
	}
	t := total.minor
	rec.copies = []record.Contract{{
		Loc:         r.o.loc(d.main.path()),
		SourceID:    d.sourceID,
		CustomerBin: buyer.key,
		SupplierKey: supplier.key,
		SignedOn:    *signed,
		Method:      r.method,
		Status:      d.status,
		Currency:    currency,
		Total:       &t,
		Description: description,
		UpdatedAt:   r.updated,
		// OCDS replaces an items array whole: a newer version's items are the contract's items.
		CarriesItems:  true,
		ReplacesItems: true,
	}}
	return r.o.st.contract(r.o.ctx, rec)
}

// transactions sums a terminated contract's payments; nil when it has none.
func transactions(n node, currency string) (*amount, string, node, error) {
	txs, err := n.objects()
	if err != nil || len(txs) == 0 {
		return nil, "", node{}, err
	}
	var sum int64
	var curNode node
	for _, tx := range txs {
		// OCDS 1.1 writes a transaction's value as "value", OCDS 1.0 as "amount".
		vn := tx.get("value")
		if vn.v == nil {
			vn = tx.get("amount")
		}
		v, err := valueAt(vn)
		if err != nil {
			return nil, "", node{}, err
		}
		if v.amount == nil {
			return nil, "", node{}, perr(vn.get("amount"), "required: a transaction has an amount")
		}
		if v.currency != "" {
			if currency != "" && v.currency != currency {
				return nil, "", node{}, perr(vn.get("currency"), "%s differs from the contract's currency %s", v.currency, currency)
			}
			currency, curNode = v.currency, vn.get("currency")
		}
		if sum += v.amount.minor; sum > ocdsMaxMinor {
			return nil, "", node{}, perr(vn.get("amount"), "the transactions add up to an implausibly large amount")
		}
	}
	if curNode.isZero() {
		curNode = txs[0].get("value").get("currency")
	}
	return &amount{minor: sum}, currency, curNode, nil
}

// item checks one item and works out its value when it has a unit price.
func (r *ocdsRelease) item(n node, pos int) (ocdsItem, error) {
	it := ocdsItem{path: n.path()}
	var err error
	if it.id, err = n.get("id").text(); err != nil {
		return it, err
	}
	if it.id == "" {
		it.id = "#" + strconv.Itoa(pos+1)
	}
	if it.name, err = n.get("description").text(); err != nil {
		return it, err
	}
	// The classification: an ENSTRU code is kept as such (from the main or an additional classification);
	// another scheme's code and title go into the description, where the keyword rules still see them.
	class := n.get("classification")
	if _, err := class.object(); err != nil {
		return it, err
	}
	scheme, id, title, err := classification(class)
	if err != nil {
		return it, err
	}
	if isENSTRU(scheme) {
		if err := checkEnstru("classification.id", id); err != nil {
			return it, perr(class.get("id"), "%q is not an ENSTRU code (want XXXXXX.XXX.XXXXXX)", id)
		}
		it.enstru, it.desc = id, title
	} else {
		extra, err := n.get("additionalClassifications").objects()
		if err != nil {
			return it, err
		}
		for _, a := range extra {
			s, aid, atitle, err := classification(a)
			if err != nil {
				return it, err
			}
			if isENSTRU(s) && checkEnstru("", aid) == nil && aid != "" {
				it.enstru = aid
				if title == "" {
					title = atitle
				}
				break
			}
		}
		var parts []string
		if id != "" {
			parts = append(parts, strings.TrimSpace(scheme+":"+id))
		}
		if title != "" {
			parts = append(parts, title)
		}
		it.desc = strings.Join(parts, " ")
	}
	if it.name == "" {
		it.name = title
	}
	q := n.get("quantity")
	if it.quantity, err = q.text(); err != nil {
		return it, err
	}
	if it.quantity != "" && !isDecimal(it.quantity) {
		return it, perr(q, "%q is not a non-negative number", it.quantity)
	}
	if it.quantity, err = money.Plain(it.quantity); err != nil {
		return it, perr(q, "%v", err)
	}
	unit := n.get("unit")
	if _, err := unit.object(); err != nil {
		return it, err
	}
	if it.unit, err = unit.get("name").text(); err != nil {
		return it, err
	}
	if it.unit == "" {
		if it.unit, err = unit.get("id").text(); err != nil {
			return it, err
		}
	}
	price, err := valueAt(unit.get("value"))
	if err != nil {
		return it, err
	}
	it.price, it.currency = price.amount, unit.get("value").get("currency")
	if it.price != nil && it.quantity != "" {
		// The exact price is used (1000.005 × 5 = 5000.03, not 1000.01 × 5), unless it is written with an
		// exponent, whose size would make exact arithmetic arbitrarily slow: then its value in tiyn.
		exact := it.price.text
		if strings.ContainsAny(exact, "eE") {
			exact = money.FormatMajor(it.price.minor)
		}
		v, ok := times(it.quantity, exact)
		if !ok {
			return it, perr(q, "quantity %s × unit price %s is implausibly large", it.quantity, it.price.text)
		}
		it.value = &v
	}
	it.category = r.o.st.category(it.enstru, it.name, it.desc)
	return it, nil
}

// classification reads an OCDS Classification; "schema" is a misspelling some publishers use for "scheme".
func classification(n node) (scheme, id, title string, err error) {
	if scheme, err = n.get("scheme").text(); err != nil {
		return
	}
	if scheme == "" {
		if scheme, err = n.get("schema").text(); err != nil {
			return
		}
	}
	if id, err = n.get("id").text(); err != nil {
		return
	}
	title, err = n.get("description").text()
	return
}

func isENSTRU(scheme string) bool {
	switch strings.ToUpper(strings.TrimSpace(scheme)) {
	case "ENSTRU", "KZ-ENSTRU", "ЕНС ТРУ", "ЕНСТРУ", "KZ ENSTRU":
		return true
	}
	return false
}

// times multiplies a quantity by a price exactly, in minor units rounded half away from zero.
func times(quantity, price string) (int64, bool) {
	if v, ok, exact := timesSmall(quantity, price); exact {
		return v, ok
	}
	return timesBig(quantity, price)
}

func timesBig(quantity, price string) (int64, bool) {
	q, ok := new(big.Rat).SetString(strings.TrimPrefix(quantity, "+"))
	if !ok {
		return 0, false
	}
	p, ok := new(big.Rat).SetString(strings.TrimPrefix(price, "+"))
	if !ok {
		return 0, false
	}
	v := new(big.Rat).Mul(q, p)
	v.Mul(v, big.NewRat(100, 1))
	n := new(big.Int).Quo(v.Num(), v.Denom())
	rem := new(big.Rat).Sub(v, new(big.Rat).SetInt(n))
	if rem.Cmp(big.NewRat(1, 2)) >= 0 {
		n.Add(n, big.NewInt(1))
	}
	if !n.IsInt64() || n.Int64() > ocdsMaxMinor {
		return 0, false
	}
	return n.Int64(), true
}

// timesSmall is times in 128-bit integers for the usual inputs, plain non-negative decimals of up to 18
// digits; exact is false for any other, which math/big then takes (it cost a tenth of an OCDS import).
func timesSmall(quantity, price string) (v int64, ok, exact bool) {
	qm, qs, okQ := smallDecimal(quantity)
	pm, ps, okP := smallDecimal(price)
	if !okQ || !okP || qs+ps > 19 {
		return 0, false, false
	}
	hi, lo := bits.Mul64(qm, pm)
	// × 100 for minor units
	hi100, lo100 := bits.Mul64(lo, 100)
	hiHi, hiLo := bits.Mul64(hi, 100)
	if hiHi != 0 {
		return 0, false, true // far beyond any amount
	}
	hi, carry := bits.Add64(hiLo, hi100, 0)
	if carry != 0 {
		return 0, false, true
	}
	lo = lo100
	d := pow10u(qs + ps)
	if hi >= d {
		return 0, false, true // the quotient overflows 64 bits
	}
	n, rem := bits.Div64(hi, lo, d)
	if rem >= d-rem { // rem/d ≥ 1/2
		n++
	}
	if n > ocdsMaxMinor {
		return 0, false, true
	}
	return int64(n), true, true
}

// smallDecimal reads [+]digits[.digits] of at most 18 digits as mantissa and scale.
func smallDecimal(s string) (mantissa uint64, scale int, ok bool) {
	s = strings.TrimPrefix(s, "+")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(whole)+len(frac) > 18 {
		return 0, 0, false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, 0, false
			}
			mantissa = mantissa*10 + uint64(c-'0')
		}
	}
	return mantissa, len(frac), true
}

func pow10u(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// description is the contract's title, or its description, or its award's, or the tender's.
func (r *ocdsRelease) description(d deal) string {
	for _, n := range [...]*node{d.contract, d.award, &r.tender} {
		if n == nil {
			continue
		}
		for _, key := range [...]string{"title", "description"} {
			if s, err := n.get(key).text(); err == nil && s != "" {
				return s
			}
		}
	}
	return ""
}

// buyerOrg finds the buyer: buyer, else the party with the role buyer, else tender.procuringEntity, else
// the party with the role procuringEntity. It is nil when the release names none.
func (r *ocdsRelease) buyerOrg() (*ocdsOrg, error) {
	if r.buyerDone {
		return r.buyer, r.buyerErr
	}
	r.buyerDone = true
	refs := []func() (node, bool){
		func() (node, bool) { b := r.n.get("buyer"); return b, b.v != nil },
		func() (node, bool) { return r.partyWithRole("buyer") },
		func() (node, bool) { p := r.tender.get("procuringEntity"); return p, p.v != nil },
		func() (node, bool) { return r.partyWithRole("procuringEntity") },
	}
	for _, ref := range refs {
		if n, ok := ref(); ok {
			r.buyer, r.buyerErr = r.org(n)
			return r.buyer, r.buyerErr
		}
	}
	return nil, nil
}

func (r *ocdsRelease) partyWithRole(role string) (node, bool) {
	for _, p := range r.order {
		roles, err := p.get("roles").list()
		if err != nil {
			continue
		}
		for _, x := range roles {
			if s, _ := asString(x.v); strings.EqualFold(strings.TrimSpace(s), role) {
				return p, true
			}
		}
	}
	return node{}, false
}

// org resolves an organization reference: the party it names by id, completed by what the reference
// itself carries (OCDS 1.0 writes the organization in place). The key it is stored under is, in order:
// a Kazakh BIN/IIN as such; "SCHEME-ID" from its identifier; otherwise the publisher's ocid prefix with the
// identifier's id, the party id or, last, the name ("ocds-03ad3f/Name").
func (r *ocdsRelease) org(ref node) (*ocdsOrg, error) {
	if _, err := ref.object(); err != nil {
		return nil, err
	}
	id, err := ref.get("id").text()
	if err != nil {
		return nil, err
	}
	src := ref
	if p, ok := r.parties[id]; ok && id != "" {
		src = p
	}
	pick := func(field string) (node, error) {
		n := src.get(field)
		if n.v == nil {
			n = ref.get(field)
		}
		_, err := n.object()
		return n, err
	}
	ident, err := pick("identifier")
	if err != nil {
		return nil, err
	}
	addr, err := pick("address")
	if err != nil {
		return nil, err
	}
	var texts [6]string // name, scheme, iid, legal, code, countryName
	for i, n := range [...]node{src.get("name"), ident.get("scheme"), ident.get("id"), ident.get("legalName"),
		addr.get("country"), addr.get("countryName")} {
		if texts[i], err = n.text(); err != nil {
			return nil, err
		}
	}
	name, scheme, iid, legal, code, countryName := texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]
	if name == "" {
		if name, err = ref.get("name").text(); err != nil {
			return nil, err
		}
	}
	if name == "" {
		name = legal
	}
	org := &ocdsOrg{name: name, path: src.path()}
	org.country = countryFromCode(code)
	if org.country == "" {
		org.country = r.o.st.countryOf(countryName)
	}
	if org.country == "" {
		org.country = countryFromScheme(scheme)
	}
	canon := canonicalScheme(scheme)
	switch {
	case iid != "" && (canon == "KZ-BIN" || canon == "KZ-IIN" || canon == "KZ-BIIN") && len(iid) == 12 && digitsOnly(iid):
		org.key, org.bin = iid, iid
	case iid != "" && canon != "":
		org.key = canon + "-" + iid
	case iid != "":
		org.key = r.prefix + "/" + iid
	case id != "":
		org.key = r.prefix + "/" + id
	case name != "":
		org.key = r.prefix + "/" + name
	default:
		return nil, perr(ref, "want an organization with an identifier, an id or a name")
	}
	return org, nil
}

// subject is a buyer or supplier as staged.
func (r *ocdsRelease) subject(org *ocdsOrg) record.Party {
	var bin *string
	if org.bin != "" {
		b := org.bin
		bin = &b
	}
	return record.Party{
		Loc:        r.o.loc(org.path),
		Identifier: org.key,
		BIN:        bin,
		NameRu:     org.name,
		Country:    org.country,
		Resident:   r.o.st.residentOf(nil, org.country),
		BuyerType:  r.o.st.buyerTypes.of(org.name, ""),
	}
}
