package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/ules-kz/ules/internal/store"
	"github.com/ules-kz/ules/internal/tier"
)

// views renders each page inside the layout. Every page is parsed once at start-up, and a page is executed
// into a buffer first, so a template error becomes a 500 instead of half a page sent with 200.
type views struct {
	pages map[string]*template.Template
}

func loadViews(files fs.FS, funcs template.FuncMap) (*views, error) {
	names, err := fs.Glob(files, "*.html")
	if err != nil {
		return nil, fmt.Errorf("httpapi: templates: %w", err)
	}
	// Files named _*.html hold templates several pages use; every page is parsed with them.
	partials, err := fs.Glob(files, "_*.html")
	if err != nil {
		return nil, fmt.Errorf("httpapi: templates: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New("").Funcs(funcs).ParseFS(files, append([]string{"layout.html", name}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("httpapi: template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("httpapi: template %s defines no \"content\"", name)
		}
		v.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return v, nil
}

// Load satisfies fiber.Views; the templates were parsed by loadViews.
func (v *views) Load() error { return nil }

// Render executes page name inside the layout.
func (v *views) Render(w io.Writer, name string, data any, _ ...string) error {
	t, ok := v.pages[name]
	if !ok {
		return fmt.Errorf("httpapi: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("httpapi: render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// dict builds a map from key, value pairs, so a template can hand a sub-template several values.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// list makes a slice of its arguments, for a template's range over a few fixed values.
func list(values ...string) []string { return values }

// hasTier says whether tiers holds the tier written as v ("1", "2", "3").
func hasTier(tiers []tier.SupplierTier, v string) bool {
	return slices.ContainsFunc(tiers, func(t tier.SupplierTier) bool { return strconv.Itoa(int(t)) == v })
}

// tierNumber is a tier as the catalog keys and URLs write it.
func tierNumber(t tier.SupplierTier) int { return int(t) }

func widen(v int32) int64 { return int64(v) }

// deref is what p points to; templates call it only after checking p.
func deref[T any](p *T) T { return *p }

// loadOf is a producer's load in bp for templates, which cannot take two results: -1 without a capacity.
func loadOf(c store.Capacity) int64 {
	if bp, ok := c.Load(); ok {
		return bp
	}
	return -1
}
