package ocds

// Records and packages: linked releases compiled into one, as OCDS's merge rules say.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ules-kz/ules/internal/ingest/fieldtext"
)

// packageRelease stages one release of a package (or a bare release).
func (o *fileReader) packageRelease(n node) error {
	o.sink.Counted(1)
	return o.report(o.release(n, "", nil))
}

// record stages one record: its compiledRelease, or else its releases compiled here.
func (o *fileReader) record(n node) error {
	o.sink.Counted(1)
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
		dated[i].t, _ = fieldtext.Time(strings.TrimSpace(s))
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
