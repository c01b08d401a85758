package ocds

import "encoding/json"

// object is a JSON object as the OCDS reader holds it: its fields in the order read. OCDS objects have a
// handful of fields each, which a scan finds faster than a map hashes them, and a map cost the reader more
// to build than anything else it did (a third of its allocations).
type object struct{ fields []field }

type field struct {
	key string
	val any
}

// get returns a field's value; of a key given twice, the later one, as encoding/json keeps it.
func (o *object) get(key string) (any, bool) {
	for i := len(o.fields) - 1; i >= 0; i-- {
		if o.fields[i].key == key {
			return o.fields[i].val, true
		}
	}
	return nil, false
}

// origin is the path mergeObject gave a compiled object, which it puts last.
func (o *object) origin() (string, bool) {
	if n := len(o.fields); n > 0 && o.fields[n-1].key == originKey {
		p, ok := o.fields[n-1].val.(string)
		return p, ok
	}
	return "", false
}

func (o *object) has(key string) bool {
	_, ok := o.get(key)
	return ok
}

// set replaces a field's value, or adds the field.
func (o *object) set(key string, v any) {
	for i := len(o.fields) - 1; i >= 0; i-- {
		if o.fields[i].key == key {
			o.fields[i].val = v
			return
		}
	}
	o.fields = append(o.fields, field{key, v})
}

// asString returns a JSON string value, as encoding/json decodes it or as the line parser holds it.
func asString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case *string:
		return *v, true
	}
	return "", false
}

// asNumber returns a JSON number value, as encoding/json decodes it or as the line parser holds it.
func asNumber(v any) (json.Number, bool) {
	switch v := v.(type) {
	case json.Number:
		return v, true
	case *json.Number:
		return *v, true
	}
	return "", false
}

// fromStd turns what encoding/json decoded into the reader's values: objects for its maps.
func fromStd(v any) any {
	switch v := v.(type) {
	case map[string]any:
		o := &object{fields: make([]field, 0, len(v))}
		for k, e := range v {
			o.fields = append(o.fields, field{k, fromStd(e)})
		}
		return o
	case []any:
		for i, e := range v {
			v[i] = fromStd(e)
		}
	}
	return v
}
