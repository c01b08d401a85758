package ocds

import (
	"encoding/json"
	"io"
	"unicode/utf8"
)

// tokenStream is what the OCDS reader needs of a JSON decoder: encoding/json's over a stream, or lineTokens
// over a JSON Lines line parsed whole.
type tokenStream interface {
	Token() (json.Token, error)
	More() bool
	Decode(v any) error
	InputOffset() int64
	// skipRest reads past the rest of a value whose first token t was read.
	skipRest(t json.Token) error
}

// stdStream is encoding/json's decoder as a tokenStream.
type stdStream struct{ *json.Decoder }

// Decode decodes the next value, with objects as the reader holds them.
func (s stdStream) Decode(v any) error {
	if err := s.Decoder.Decode(v); err != nil {
		return err
	}
	if p, ok := v.(*any); ok {
		*p = fromStd(*p)
	}
	return nil
}

func (s stdStream) skipRest(t json.Token) error {
	depth := 0
	for {
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if t, err = s.Token(); err != nil {
			return err
		}
	}
}

// lineTokens replays a line that parseLineJSON read whole as the token stream encoding/json would give,
// with the same values (UseNumber) and offsets. Decoding OCDS lines into maps with encoding/json was the
// largest cost of an OCDS import: it scanned each value twice and allocated every key. A line it cannot
// read exactly as encoding/json would (broken JSON, invalid UTF-8, escapes in keys, deep nesting, a
// second value) is left to encoding/json, whose errors the reader reports.
type lineTokens struct {
	toks []lineToken
	next int
}

type lineToken struct {
	kind  byte // '{' '}' '[' ']' '"' (a string or a key) '0' (a number) 't' 'f' 'n'
	text  string
	value any   // a container's, string's or number's value as the tree holds it; a key as a json.Token
	close int32 // a container's closing token
	end   int64 // the offset just past the token (past the whole container for its closing token)
}

func (l *lineTokens) token(t lineToken) json.Token {
	switch t.kind {
	case '{', '}', '[', ']':
		return json.Delim(t.kind)
	case '"', '0':
		switch v := t.value.(type) {
		case *string:
			return *v
		case *json.Number:
			return *v
		}
		return t.value // a key
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

func (l *lineTokens) Token() (json.Token, error) {
	if l.next >= len(l.toks) {
		return nil, io.EOF
	}
	t := l.toks[l.next]
	l.next++
	return l.token(t), nil
}

func (l *lineTokens) More() bool {
	if l.next >= len(l.toks) {
		return false
	}
	k := l.toks[l.next].kind
	return k != '}' && k != ']'
}

func (l *lineTokens) Decode(v any) error {
	*v.(*any) = l.value()
	return nil
}

// value reads the next value, as Decode would.
func (l *lineTokens) value() any {
	t := l.toks[l.next]
	switch t.kind {
	case '{', '[':
		l.next = int(t.close) + 1
		return t.value
	case '"', '0':
		l.next++
		return t.value // as the tree holds it
	}
	l.next++
	return l.token(t)
}

func (l *lineTokens) InputOffset() int64 {
	if l.next == 0 {
		return 0
	}
	return l.toks[l.next-1].end
}

func (l *lineTokens) skipRest(t json.Token) error {
	if d, ok := t.(json.Delim); ok && (d == '{' || d == '[') {
		l.next = int(l.toks[l.next-1].close) + 1
	}
	return nil
}

// lineParser reads one JSON value, strictly, building the values encoding/json would and the token list.
type lineParser struct {
	b    []byte
	i    int
	toks []lineToken
	keys map[string]any // keys repeat on every line: one copy each, boxed
	// The fields and elements of the containers being read; each container takes its own when it closes,
	// rather than growing a map or slice of its own.
	fields []field
	stack  []any // the elements of the arrays being read
	root   any   // the value read
	// A line's values are many and small and live as long as one another, so they are cut from a few
	// allocations of the line's own: fields from one copy of flat, where the objects' fields gather, made
	// when the line ends, and objects, array elements, strings and numbers from slabs that double. A
	// string or a number is held as a pointer into its slab, which an interface holds without an
	// allocation of its own.
	objs  doubling[object]
	flat  []field
	runs  []fieldRun
	elems doubling[any]
	strs  doubling[string]
	nums  doubling[json.Number]
}

// doubling hands out pieces of allocations, each twice the size of the one before.
type doubling[T any] struct {
	free []T
	last int
}

// take returns n zero values; appending to them moves them.
func (d *doubling[T]) take(n int) []T {
	if n > len(d.free) {
		d.last = max(2*d.last, 16)
		d.free = make([]T, max(n, d.last))
	}
	s := d.free[:n:n]
	d.free = d.free[n:]
	return s
}

func (d *doubling[T]) reset() { *d = doubling[T]{} }

// fieldRun is where an object's fields are in flat.
type fieldRun struct {
	o      *object
	off, n int
}

// maxLineDepth keeps deep nesting (which encoding/json refuses past 10,000) for encoding/json to judge.
const maxLineDepth = 1000

// parseValue parses one JSON value; ok is false when encoding/json must.
func (p *lineParser) parseValue(b []byte) (v any, ok bool) {
	if !p.parseLineJSON(b) {
		return nil, false
	}
	return p.root, true
}

// parseLineJSON parses a line holding one JSON value into p's tokens; ok is false when encoding/json must.
func (p *lineParser) parseLineJSON(line []byte) (ok bool) {
	clear(p.toks) // the previous line's, which lineTokens read after parseLineJSON returned
	p.b, p.i, p.toks, p.root = line, 0, p.toks[:0], nil
	if p.keys == nil || len(p.keys) > maxRemembered {
		p.keys = map[string]any{}
	}
	defer p.reset() // of the line, only the tree and its tokens stay, until the next line
	p.space()
	if p.root, ok = p.value(0); !ok {
		return false
	}
	p.space()
	if p.i != len(p.b) {
		return false
	}
	fields := make([]field, len(p.flat))
	copy(fields, p.flat)
	for _, r := range p.runs {
		r.o.fields = fields[r.off : r.off+r.n : r.off+r.n]
	}
	return true
}

// reset forgets the line's containers while they are being read; a line that failed part-way leaves its
// fields and elements behind. The tokens and the root stay for the caller until the next line.
func (p *lineParser) reset() {
	clear(p.fields)
	clear(p.stack)
	clear(p.flat)
	clear(p.runs)
	p.fields, p.stack, p.flat, p.runs = p.fields[:0], p.stack[:0], p.flat[:0], p.runs[:0]
	p.objs.reset()
	p.elems.reset()
	p.strs.reset()
	p.nums.reset()
}

func (p *lineParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *lineParser) value(depth int) (any, bool) {
	if p.i >= len(p.b) || depth > maxLineDepth {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.str()
		if !ok {
			return nil, false
		}
		sp := &p.strs.take(1)[0]
		*sp = s
		var v any = sp
		p.toks = append(p.toks, lineToken{kind: '"', text: s, value: v, end: int64(p.i)})
		return v, true
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := p.number()
		if !ok {
			return nil, false
		}
		np := &p.nums.take(1)[0]
		*np = json.Number(n)
		var v any = np
		p.toks = append(p.toks, lineToken{kind: '0', text: n, value: v, end: int64(p.i)})
		return v, true
	case c == 't':
		return true, p.literal("true", 't')
	case c == 'f':
		return false, p.literal("false", 'f')
	case c == 'n':
		return nil, p.literal("null", 'n')
	}
	return nil, false
}

func (p *lineParser) literal(word string, kind byte) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	p.toks = append(p.toks, lineToken{kind: kind, end: int64(p.i)})
	return true
}

func (p *lineParser) object(depth int) (any, bool) {
	open := len(p.toks)
	p.i++
	p.toks = append(p.toks, lineToken{kind: '{', end: int64(p.i)})
	first := len(p.fields)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		return p.closeContainer(open, '}', p.closeObject(first)), true
	}
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		key, boxed, ok := p.key()
		if !ok {
			return nil, false
		}
		p.toks = append(p.toks, lineToken{kind: '"', text: key, value: boxed, end: int64(p.i)})
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.space()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.fields = append(p.fields, field{key, v})
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case '}':
			return p.closeContainer(open, '}', p.closeObject(first)), true
		default:
			return nil, false
		}
	}
}

func (p *lineParser) array(depth int) (any, bool) {
	open := len(p.toks)
	p.i++
	p.toks = append(p.toks, lineToken{kind: '[', end: int64(p.i)})
	first := len(p.stack)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		return p.closeContainer(open, ']', []any{}), true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case ']':
			a := p.elems.take(len(p.stack) - first)
			copy(a, p.stack[first:])
			clear(p.stack[first:])
			p.stack = p.stack[:first]
			return p.closeContainer(open, ']', a), true
		default:
			return nil, false
		}
	}
}

// closeObject takes the next object of the slab, whose fields, those on the stack from first on, move to
// flat until the line ends.
func (p *lineParser) closeObject(first int) *object {
	o := &p.objs.take(1)[0]
	p.runs = append(p.runs, fieldRun{o: o, off: len(p.flat), n: len(p.fields) - first})
	p.flat = append(p.flat, p.fields[first:]...)
	clear(p.fields[first:])
	p.fields = p.fields[:first]
	return o
}

func (p *lineParser) closeContainer(open int, kind byte, v any) any {
	p.i++
	p.toks = append(p.toks, lineToken{kind: kind, end: int64(p.i)})
	p.toks[open].value = v
	p.toks[open].close = int32(len(p.toks) - 1)
	return v
}

// key reads an object key, one copy per distinct key, also as a json.Token.
func (p *lineParser) key() (string, any, bool) {
	start, end, ok := p.plainString()
	if !ok {
		return "", nil, false
	}
	raw := p.b[start:end]
	if k, found := p.keys[string(raw)]; found {
		return k.(string), k, true
	}
	var k any = string(raw)
	p.keys[k.(string)] = k
	return k.(string), k, true
}

// str reads a string value; one with escapes is read by encoding/json itself.
func (p *lineParser) str() (string, bool) {
	start := p.i
	if s, e, ok := p.plainString(); ok {
		return string(p.b[s:e]), true
	}
	p.i = start
	end, ok := p.stringEnd()
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(p.b[start:end], &s) != nil {
		return "", false
	}
	p.i = end
	return s, true
}

// plainString reads a string without escapes, of valid UTF-8 and no control characters, and returns the
// bounds of its contents.
func (p *lineParser) plainString() (start, end int, ok bool) {
	start = p.i + 1
	ascii := true
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(p.b[start:j]) {
				return 0, 0, false // encoding/json replaces invalid bytes; let it
			}
			p.i = j + 1
			return start, j, true
		case c == '\\' || c < 0x20:
			return 0, 0, false
		case c >= 0x80:
			ascii = false
		}
	}
	return 0, 0, false
}

// stringEnd finds the end of a string with escapes, past its closing quote.
func (p *lineParser) stringEnd() (int, bool) {
	for j := p.i + 1; j < len(p.b); j++ {
		switch p.b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *lineParser) number() (string, bool) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && p.b[p.i] >= '1' && p.b[p.i] <= '9':
		p.digits()
	default:
		return "", false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return "", false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return "", false
		}
	}
	return string(p.b[start:p.i]), true
}

func (p *lineParser) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}
