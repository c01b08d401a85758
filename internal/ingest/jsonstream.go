package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// eachJSONItem streams the records of one saved API page: either {"items": [...], ...} or a bare array.
// fn decodes one record from dec at the given JSON path; a record that fails to decode is reported by fn and
// the stream goes on, since encoding/json consumes the whole value first. A syntax error ends the file.
func eachJSONItem(r io.Reader, fn func(path string, dec *json.Decoder) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	tok, err := dec.Token()
	if err == io.EOF {
		return errors.New("file is empty")
	}
	if err != nil {
		return syntaxError(dec, err)
	}
	switch tok {
	case json.Delim('['):
		if err := eachArrayItem(dec, "$", fn); err != nil {
			return err
		}
	case json.Delim('{'):
		seen := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return syntaxError(dec, err)
			}
			if key == "items" {
				seen = true
				t, err := dec.Token()
				if err != nil {
					return syntaxError(dec, err)
				}
				if t == nil {
					continue
				}
				if t != json.Delim('[') {
					return fmt.Errorf("$.items: want an array, got %v", t)
				}
				if err := eachArrayItem(dec, "$.items", fn); err != nil {
					return err
				}
				continue
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntaxError(dec, err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return syntaxError(dec, err)
		}
		if !seen {
			return errors.New(`want a page {"items": [...]} or an array of records: there is no "items" key`)
		}
	default:
		return fmt.Errorf("want a page {\"items\": [...]} or an array of records, got %v", tok)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the end of the page at byte %d", dec.InputOffset())
	}
	return nil
}

func eachArrayItem(dec *json.Decoder, base string, fn func(string, *json.Decoder) error) error {
	for i := 0; dec.More(); i++ {
		if err := fn(fmt.Sprintf("%s[%d]", base, i), dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntaxError(dec, err)
	}
	return nil
}

func syntaxError(dec *json.Decoder, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Errorf("the file ends in the middle of a JSON value (truncated download?) at byte %d", dec.InputOffset())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return fmt.Errorf("invalid JSON at byte %d: %v", dec.InputOffset(), err)
}

// isRecordError reports whether a Decode error concerns only the current record (a wrong type in a field)
// rather than the JSON stream itself.
func isRecordError(err error) bool {
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return false
	}
	return true
}
