package portalexport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/ingest/record"
)

// pageOptions read saved API pages as encoding/json would: a repeated key keeps its last value and invalid
// UTF-8 becomes U+FFFD, rather than failing the page.
var pageOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// eachJSONItem streams the records of one saved API page: either {"items": [...], ...} or a bare array.
// fn decodes one record from dec at the given location, file+":"+JSON path; a record that fails to decode is
// reported by fn and the stream goes on. A syntax error ends the file.
func eachJSONItem(r io.Reader, file string, fn func(loc string, dec *jsontext.Decoder) error) error {
	dec := jsontext.NewDecoder(r, pageOptions...)
	tok, err := dec.ReadToken()
	if err == io.EOF {
		return errors.New("file is empty")
	}
	if err != nil {
		return syntaxError(dec, err)
	}
	switch tok.Kind() {
	case '[':
		if err := eachArrayItem(dec, file+":$", fn); err != nil {
			return err
		}
	case '{':
		seen := false
		for dec.PeekKind() != '}' {
			key, err := dec.ReadToken()
			if err != nil {
				return syntaxError(dec, err)
			}
			if key.String() != "items" {
				if err := dec.SkipValue(); err != nil {
					return syntaxError(dec, err)
				}
				continue
			}
			seen = true
			switch dec.PeekKind() {
			case 'n':
				if _, err := dec.ReadToken(); err != nil {
					return syntaxError(dec, err)
				}
			case '[':
				if _, err := dec.ReadToken(); err != nil {
					return syntaxError(dec, err)
				}
				if err := eachArrayItem(dec, file+":$.items", fn); err != nil {
					return err
				}
			default:
				v, err := dec.ReadValue()
				if err != nil {
					return syntaxError(dec, err)
				}
				return fmt.Errorf("$.items: want an array, got %s", kindName(v.Kind()))
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return syntaxError(dec, err)
		}
		if !seen {
			return errors.New(`want a page {"items": [...]} or an array of records: there is no "items" key`)
		}
	default:
		return fmt.Errorf(`want a page {"items": [...]} or an array of records, got %s`, kindName(tok.Kind()))
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return fmt.Errorf("unexpected data after the end of the page at byte %d", dec.InputOffset())
	}
	return nil
}

func eachArrayItem(dec *jsontext.Decoder, base string, fn func(string, *jsontext.Decoder) error) error {
	loc := []byte(base + "[")
	for i := 0; ; i++ {
		switch dec.PeekKind() {
		case ']':
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(dec, err)
			}
			return nil
		case 0: // the stream is broken here: reading says how
			_, err := dec.ReadToken()
			return syntaxError(dec, err)
		}
		loc = append(strconv.AppendInt(loc[:len(base)+1], int64(i), 10), ']')
		if err := fn(string(loc), dec); err != nil {
			return err
		}
	}
}

func syntaxError(dec *jsontext.Decoder, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Errorf("the file ends in the middle of a JSON value (truncated download?) at byte %d", dec.InputOffset())
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.ByteOffset+1, se.Err)
	}
	return fmt.Errorf("invalid JSON at byte %d: %v", dec.InputOffset(), err)
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}

// flatSchema is a record struct whose fields are all scalars: the JSON names of its fields and their indexes.
type flatSchema struct {
	id     int // index into flatReader.keys and .next
	fields map[string]int
}

// flatSchemas bounds the schemas flatFields describes: the portal's five endpoints.
const flatSchemas = 5

var schemasDescribed int // flatFields runs during package initialisation only

// flatFields describes T for decodeFlat.
func flatFields[T any]() *flatSchema {
	if schemasDescribed == flatSchemas {
		panic("portalexport: raise flatSchemas")
	}
	t := reflect.TypeFor[T]()
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		fields[name] = i
	}
	schemasDescribed++
	return &flatSchema{id: schemasDescribed - 1, fields: fields}
}

// A flatReader is one goroutine's state for decodeFlat. A page repeats its keys in the same order, so each
// schema's keys in the record before are tried first, before hashing; a record's values are gathered in buf
// and become one string, which its fields share, instead of a string each.
type flatReader struct {
	keys, next [flatSchemas][]flatKey
	buf        []byte
	spans      []flatSpan
}

type flatKey struct {
	raw   string // as written, quotes and escapes included: the same bytes are the same key
	field int    // -1: not a field of the schema
}

// flatSpan is one value read: a field and its bytes in buf, or null.
type flatSpan struct {
	field      int
	start, end int
	null       bool
}

// decodeFlat reads one record, an object of strings, numbers, booleans and nulls, into the fieldtext.Value fields
// of rec. A record of the wrong shape is a record.Invalid and the stream goes on; broken JSON is a streamError.
// Later keys win over earlier ones, as in encoding/json.
func decodeFlat[T any](dec *jsontext.Decoder, r *flatReader, schema *flatSchema, rec *T) error {
	if k := dec.PeekKind(); k != '{' {
		if _, err := dec.ReadValue(); err != nil {
			return streamError{syntaxError(dec, err)}
		}
		return record.Invalidf("want an object, got %s", kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return streamError{syntaxError(dec, err)}
	}
	prev, keys := r.keys[schema.id], r.next[schema.id][:0]
	r.buf, r.spans = r.buf[:0], r.spans[:0]
	var bad error
	for n := 0; dec.PeekKind() != '}'; n++ {
		raw, err := dec.ReadValue() // only valid until the next read
		if err != nil {
			return streamError{syntaxError(dec, err)}
		}
		var key flatKey
		if n < len(prev) && prev[n].raw == string(raw) {
			key = prev[n]
		} else {
			name := string(raw[1 : len(raw)-1])
			if bytes.IndexByte(raw, '\\') >= 0 {
				if name, err = unquote(raw); err != nil {
					return streamError{syntaxError(dec, err)}
				}
			}
			key = flatKey{raw: string(raw), field: -1}
			if i, ok := schema.fields[name]; ok {
				key.field = i
			}
		}
		keys = append(keys, key)
		switch k := dec.PeekKind(); {
		case k == '{' || k == '[':
			if err := dec.SkipValue(); err != nil {
				return streamError{syntaxError(dec, err)}
			}
			if key.field >= 0 && bad == nil {
				name, _ := unquote(jsontext.Value(key.raw))
				bad = record.Invalidf("%s: want a string or number, got %s", name, strings.TrimPrefix(strings.TrimPrefix(kindName(k), "an "), "a "))
			}
		case key.field < 0:
			if err := dec.SkipValue(); err != nil {
				return streamError{syntaxError(dec, err)}
			}
		default:
			raw, err := dec.ReadValue()
			if err != nil {
				return streamError{syntaxError(dec, err)}
			}
			span := flatSpan{field: key.field, start: len(r.buf), null: k == 'n'}
			switch k {
			case 'n':
			case '"':
				if bytes.IndexByte(raw, '\\') < 0 {
					r.buf = append(r.buf, raw[1:len(raw)-1]...)
				} else if r.buf, err = jsontext.AppendUnquote(r.buf, raw); err != nil {
					return streamError{syntaxError(dec, err)}
				}
				value := r.buf[span.start:]
				trimmed := bytes.TrimSpace(value)
				if len(trimmed) > 0 {
					span.start += cap(value) - cap(trimmed) // trimmed lies within value
				}
				r.buf = r.buf[:span.start+len(trimmed)]
			default:
				r.buf = append(r.buf, raw...)
			}
			span.end = len(r.buf)
			r.spans = append(r.spans, span)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return streamError{syntaxError(dec, err)}
	}
	r.keys[schema.id], r.next[schema.id] = keys, prev
	values := string(r.buf)
	v := reflect.ValueOf(rec).Elem()
	for _, span := range r.spans {
		s := v.Field(span.field).Addr().Interface().(*fieldtext.Value)
		if span.null {
			*s = fieldtext.Value{}
		} else {
			*s = fieldtext.Value{Text: values[span.start:span.end], Valid: true}
		}
	}
	return bad
}

// unquote reads a JSON string the decoder has checked; most have no escapes and are copied as they are.
func unquote(raw jsontext.Value) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	b, err := jsontext.AppendUnquote(nil, raw)
	return string(b), err
}
