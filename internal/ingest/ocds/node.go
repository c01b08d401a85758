package ocds

// A decoded JSON value with its path, and the typed reads of it (texts, amounts, dates) that report a bad
// field by its path.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
	"github.com/ules-kz/ules/internal/money"
)

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
	if m > maxMinor {
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
	t, ok := fieldtext.Time(s)
	if !ok {
		return nil, perr(n, "%q is not a date (want an ISO 8601 date-time such as 2016-08-01T10:00:00Z)", s)
	}
	if t.Year() < 1990 || t.Year() > 2100 {
		return nil, perr(n, "%q is outside 1990..2100", s)
	}
	return &t, nil
}
