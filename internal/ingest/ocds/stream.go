package ocds

// Reading a file's JSON: documents one after another, or JSON Lines, token by token, with the line of
// each error.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// stream reads a file of one or more JSON documents (a package, a release, a record, or several of them
// one after another), token by token.
func (o *fileReader) stream(r io.Reader) error {
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
		var se syntaxError
		if errors.As(err, &se) {
			return fileErrorf("%s", streamSyntax(dec, lr, se.err))
		}
		if err != nil {
			return err
		}
	}
}

func (o *fileReader) jsonLine(line []byte, n int, first bool) error {
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
		o.errs.Add(o.loc(base), msg)
		return nil
	}
	tok, err := dec.Token()
	if err != nil {
		return broken(err)
	}
	err = o.document(dec, nil, tok, base, first)
	var se syntaxError
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
func (o *fileReader) discardPrefix(prefix string) error {
	return o.sink.Discard(o.ctx, prefix)
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its end into buf.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return buf, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// syntaxError is broken JSON: nothing after it can be read.
type syntaxError struct{ err error }

func (e syntaxError) Error() string { return e.err.Error() }

// jerr marks an error of the JSON decoder as broken JSON.
func jerr(err error) error {
	if err == nil {
		return nil
	}
	return syntaxError{err: err}
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

// topDoc gathers one top-level JSON object while it streams by.
type topDoc struct {
	path   string
	fields *object  // the release's or record's own fields (see topDocFields)
	keys   []string // the other keys, to name what a document that is not OCDS is

	records, releases, versioned bool

	// The releases of a document whose kind is not yet known: a package's releases are staged as they come,
	// a record's are compiled, and a record may name its ocid or compiledRelease after its releases.
	held      []node
	heldBytes int64
	streaming bool
}

// topDocFields are the top-level fields kept for a bare release or record; others are skipped unread.
var topDocFields = map[string]bool{
	"ocid": true, "id": true, "date": true, "tag": true, "buyer": true, "parties": true, "tender": true,
	"awards": true, "contracts": true, "compiledRelease": true,
}

// isRecord reports whether the document is a record rather than a release or a package.
func (d *topDoc) isRecord() bool {
	if d.records {
		return false
	}
	return d.fields.has("compiledRelease") || d.versioned || (d.fields.has("ocid") && d.releases)
}

// isRelease reports whether the document is a bare release: it has an ocid, or the parts of one (an object
// with an id or a date only is not taken for a release).
func (d *topDoc) isRelease() bool {
	for _, k := range []string{"ocid", "tag", "buyer", "parties", "tender", "awards", "contracts"} {
		if d.fields.has(k) {
			return true
		}
	}
	return false
}

// document reads one top-level value whose first token is tok. first is true for a file's first
// document, which decides whether the file is OCDS at all.
func (o *fileReader) document(dec tokenStream, lr *lineReader, tok json.Token, base string, first bool) error {
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
				o.sink.Counted(1)
				o.errs.Add(o.loc(path), "want a release or a record (a JSON object), got "+kindOfToken(t))
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
	o.sink.Counted(1)
	o.errs.Add(o.loc(base), "want a release package, a record package, a release or a record (a JSON object), got "+kindOfToken(tok))
	return nil
}

// object streams one JSON object whose '{' was read: a package's releases or records are staged one at a
// time, a bare release's or record's fields are gathered and staged at its end.
func (o *fileReader) object(dec tokenStream, lr *lineReader, base string, first bool) error {
	d := &topDoc{path: base, fields: &object{fields: make([]field, 0, len(topDocFields))}}
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
		case topDocFields[key]:
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
// through; past holdBytes the document is taken for a package.
func (o *fileReader) hold(d *topDoc, n node, size int64) error {
	if d.isRecord() {
		d.held = append(d.held, n)
		return nil
	}
	if d.streaming {
		return o.packageRelease(n)
	}
	d.held = append(d.held, n)
	d.heldBytes += size
	if d.heldBytes <= holdBytes {
		return nil
	}
	d.streaming = true
	return o.flushHeld(d)
}

func (o *fileReader) flushHeld(d *topDoc) error {
	for _, n := range d.held {
		if err := o.packageRelease(n); err != nil {
			return err
		}
	}
	d.held = nil
	return nil
}

func (o *fileReader) finish(d *topDoc, first bool) error {
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
	o.sink.Counted(1)
	o.errs.Add(o.loc(d.path), reason)
	return nil
}

// each decodes the elements of an array one at a time; fn gets each with its path and size in bytes.
func (o *fileReader) each(dec tokenStream, lr *lineReader, path string, fn func(node, int64) error) error {
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
		o.sink.Counted(1)
		o.errs.Add(o.loc(path), "want an array, got "+kindOfToken(t))
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
