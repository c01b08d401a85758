package ocds

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// traceTokens walks a stream as the OCDS reader does: keys and the tokens down to depth one at a time,
// values below it decoded whole. Each step is written with the offset after it.
func traceTokens(ts tokenStream, decodeAt int) []string {
	var out []string
	var stack []json.Delim
	key := false // the next token in an object is a key
	for range 100_000 {
		if len(stack) == decodeAt && !key && ts.More() {
			var v any
			if err := ts.Decode(&v); err != nil {
				return append(out, "error "+err.Error())
			}
			out = append(out, fmt.Sprintf("value %#v @%d", toStd(v), ts.InputOffset()))
			key = len(stack) > 0 && stack[len(stack)-1] == '{'
			continue
		}
		t, err := ts.Token()
		if err != nil {
			return append(out, "end "+err.Error())
		}
		out = append(out, fmt.Sprintf("%T %v @%d", t, t, ts.InputOffset()))
		switch t {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, t.(json.Delim))
			key = t == json.Delim('{')
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			if key {
				key = false // a value follows
				continue
			}
		}
		key = len(stack) > 0 && stack[len(stack)-1] == '{'
	}
	return out
}

func stdTokens(line []byte) tokenStream {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	return stdStream{dec}
}

// checkLineJSON requires a line the fast parser accepts to read exactly as encoding/json reads it: the same
// tokens, values and offsets however it is walked, and the same whole value.
func checkLineJSON(t *testing.T, p *lineParser, line []byte) bool {
	if !p.parseLineJSON(line) {
		return false
	}
	for _, decodeAt := range []int{0, 1, 2, 3, 1000} {
		want := traceTokens(stdTokens(line), decodeAt)
		got := traceTokens(&lineTokens{toks: p.toks}, decodeAt)
		require.Equal(t, want, got, "walked with values decoded at depth %d: %q", decodeAt, line)
	}
	var want any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&want))
	var got any
	require.NoError(t, (&lineTokens{toks: p.toks}).Decode(&got))
	require.True(t, reflect.DeepEqual(want, toStd(got)), "%q", line)
	return true
}

// toStd turns the reader's values into encoding/json's, keeping the later of repeated keys as it does.
func toStd(v any) any {
	switch v := v.(type) {
	case *object:
		m := make(map[string]any, len(v.fields))
		for _, f := range v.fields {
			m[f.key] = toStd(f.val)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = toStd(e)
		}
		return out
	case *string:
		return *v
	case *json.Number:
		return *v
	}
	return v
}

func TestLineJSONMatchesEncodingJSON(t *testing.T) {
	p := &lineParser{}
	accepted := 0
	files, err := filepath.Glob("../testdata/*.jsonl")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 && checkLineJSON(t, p, bytes.Clone(sc.Bytes())) {
				accepted++
			}
		}
		require.NoError(t, sc.Err())
		fh.Close()
	}
	require.Positive(t, accepted)
	for _, tt := range []struct {
		line string
		ok   bool
	}{
		{`{"a":1,"b":[true,false,null,"x",-0.5e+3,{}],"c":{"d":[]}}`, true},
		{`  [1, 2 ,3]  `, true},
		{`{"a":"Ш\u0041\n"}`, true},
		{`{"a":1,"a":2}`, true},
		{`"text"`, true},
		{`{"\u0061":1}`, false}, // an escaped key: encoding/json reads it
		{`{"a":1}{"b":2}`, false},
		{`{"a":01}`, false},
		{`{"a":1,}`, false},
		{"{\"a\":\"\xff\"}", true}, // invalid UTF-8, replaced as encoding/json does
		{"{\"\xff\":1}", false},    // in a key: encoding/json reads it
		{"{\"a\":\"tab\there\"}", false},
		{`{"a":-}`, false},
		{`[1.]`, false},
		{`{"a" 1}`, false},
		{``, false},
	} {
		require.Equal(t, tt.ok, checkLineJSON(t, p, []byte(tt.line)), "%q", tt.line)
	}
}

// FuzzLineJSON holds the fast line parser to encoding/json on any input it accepts.
func FuzzLineJSON(f *testing.F) {
	for _, s := range []string{`{"ocid":"x","releases":[{"id":"1","awards":[{"value":{"amount":1.5}}]}]}`,
		`[{"a":[]},{"b":{}}]`, `{"a":"\u00e9\ud83d\ude00"}`, `1e5`, `null`, `{"a":[1,[2,[3]]]}`} {
		f.Add([]byte(s))
	}
	p := &lineParser{}
	f.Fuzz(func(t *testing.T, line []byte) {
		if checkLineJSON(t, p, line) {
			return
		}
		// Refused: it must be broken JSON or more than one value, or hold what encoding/json reads other than
		// byte for byte (escapes, invalid UTF-8 in a key), or nest deeper than the parser goes.
		if !json.Valid(line) {
			return
		}
		require.True(t, bytes.Contains(line, []byte(`\`)) || !utf8.Valid(line) ||
			bytes.Count(line, []byte("[")) > maxLineDepth || bytes.Count(line, []byte("{")) > maxLineDepth,
			"valid JSON refused: %q", line)
	})
}

// A tree the parser built stays as it was while the parser reads other lines, and changing it changes no
// other tree: each line's values are cut from allocations of its own.
func TestLineParserTreesOutliveTheLine(t *testing.T) {
	p := &lineParser{}
	first := []byte(`{"a":[1,"x",{"b":"y"}],"c":{"d":[true,null,"z"]},"e":"f"}`)
	require.True(t, p.parseLineJSON(first))
	tree := p.root
	want := toStd(tree)

	require.True(t, p.parseLineJSON([]byte(`{"a":[2,"u",{"b":"v"}],"c":{"d":[false,1,"w"]},"e":"g","h":[[],[{}]]}`)))
	second, secondWant := p.root, toStd(p.root)
	require.False(t, p.parseLineJSON([]byte(`{"a":[3,"t",{"b":`))) // broken off part-way
	require.Equal(t, want, toStd(tree))
	require.Equal(t, secondWant, toStd(second))

	// Growing the first tree's containers moves them rather than writing over the second's.
	o := tree.(*object)
	o.set("new", "value")
	a, _ := o.get("a")
	_ = append(a.([]any), "more", "and more")
	c, _ := o.get("c")
	c.(*object).set("k", "v")
	require.Equal(t, secondWant, toStd(second))
}

// A line's allocations follow its values, not its bytes: braces inside a string make no objects.
func TestLineParserBracesInStrings(t *testing.T) {
	line := []byte(`["` + strings.Repeat("{", 1<<20) + `"]`)
	p := &lineParser{}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.True(t, p.parseLineJSON(line))
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(3*len(line)))
}
