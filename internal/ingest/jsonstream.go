package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
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

// flatFields maps the JSON names of a record struct whose fields are all scalars to their indexes.
func flatFields[T any]() map[string]int {
	t := reflect.TypeFor[T]()
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		fields[name] = i
	}
	return fields
}

// decodeFlat reads one record, an object of strings, numbers, booleans and nulls, into the scalar fields
// of rec. A record of the wrong shape is a recordError and the stream goes on; broken JSON is a streamError.
func decodeFlat[T any](dec *jsontext.Decoder, fields map[string]int, rec *T) error {
	if k := dec.PeekKind(); k != '{' {
		if _, err := dec.ReadValue(); err != nil {
			return streamError{syntaxError(dec, err)}
		}
		return recordError{fmt.Errorf("want an object, got %s", kindName(k))}
	}
	if _, err := dec.ReadToken(); err != nil {
		return streamError{syntaxError(dec, err)}
	}
	v := reflect.ValueOf(rec).Elem()
	var bad error
	for dec.PeekKind() != '}' {
		raw, err := dec.ReadValue() // only valid until the next read
		if err != nil {
			return streamError{syntaxError(dec, err)}
		}
		i, known := fields[string(raw[1:len(raw)-1])] // looked up without a copy
		var name string
		if bytes.IndexByte(raw, '\\') >= 0 {
			if name, err = unquote(raw); err != nil {
				return streamError{syntaxError(dec, err)}
			}
			i, known = fields[name]
		} else if known {
			name = string(raw[1 : len(raw)-1])
		}
		switch k := dec.PeekKind(); k {
		case '{', '[':
			if err := dec.SkipValue(); err != nil {
				return streamError{syntaxError(dec, err)}
			}
			if known && bad == nil {
				bad = recordError{fmt.Errorf("%s: want a string or number, got %s", name, strings.TrimPrefix(strings.TrimPrefix(kindName(k), "an "), "a "))}
			}
		default:
			if !known {
				if err := dec.SkipValue(); err != nil {
					return streamError{syntaxError(dec, err)}
				}
				continue
			}
			raw, err := dec.ReadValue()
			if err != nil {
				return streamError{syntaxError(dec, err)}
			}
			s := v.Field(i).Addr().Interface().(*scalar)
			switch k {
			case 'n':
				*s = scalar{}
			case '"':
				text, err := unquote(raw)
				if err != nil {
					return streamError{syntaxError(dec, err)}
				}
				*s = scalar{text: strings.TrimSpace(text), valid: true}
			default:
				*s = scalar{text: string(raw), valid: true}
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return streamError{syntaxError(dec, err)}
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
