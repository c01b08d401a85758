package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ules-kz/ules/"

// imports maps each package of the module (by its path below the module, e.g. "internal/store") to what
// its non-test files import, module packages by their path below the module and others in full.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		for _, spec := range f.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			p = strings.TrimPrefix(p, module)
			if !slices.Contains(pkgs[pkg], p) {
				pkgs[pkg] = append(pkgs[pkg], p)
			}
		}
		if _, ok := pkgs[pkg]; !ok {
			pkgs[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read the module's imports: %v", err)
	}
	return pkgs
}

// under says whether path is pkg or a package below it.
func under(path, pkg string) bool { return path == pkg || strings.HasPrefix(path, pkg+"/") }

func TestImportDirections(t *testing.T) {
	t.Parallel()
	pkgs := imports(t)
	for _, must := range []string{"internal/store", "internal/share", "internal/httpapi", "internal/dbq"} {
		if _, ok := pkgs[must]; !ok {
			t.Fatalf("package %s not found: the test reads the wrong tree", must)
		}
	}

	// Computation and parsing know nothing of the database or HTTP.
	pure := []string{"internal/share", "internal/tier", "internal/money", "internal/classify", "internal/portal",
		"internal/demo", "internal/config", "internal/ingest/record", "internal/ingest/fieldtext",
		"internal/ingest/buyertype", "internal/ingest/sheet", "internal/ingest/ocds", "internal/ingest/refdata",
		"internal/ingest/portalexport", "internal/targetfile"}
	storage := []string{"github.com/jackc/pgx", "internal/dbq", "internal/store", "internal/database",
		"github.com/gofiber"}
	// Only these know that sqlc exists.
	dbqUsers := []string{"internal/store", "internal/testfactory", "internal/ingest/loader"}
	// The readers of the formats hand on neutral records and know nothing of the import around them.
	readers := []string{"internal/ingest/sheet", "internal/ingest/ocds", "internal/ingest/refdata", "internal/ingest/portalexport"}

	rules := []struct {
		name   string
		breaks func(pkg, imp string) bool
	}{
		{"pure packages import no database or HTTP code", func(pkg, imp string) bool {
			return slices.ContainsFunc(pure, func(p string) bool { return under(pkg, p) }) &&
				slices.ContainsFunc(storage, func(s string) bool { return under(imp, s) })
		}},
		{"only the store and the import's loader import dbq", func(pkg, imp string) bool {
			return imp == "internal/dbq" && !slices.ContainsFunc(dbqUsers, func(p string) bool { return under(pkg, p) })
		}},
		{"the web layer reads through the store; of the import it knows only the template", func(pkg, imp string) bool {
			return under(pkg, "internal/httpapi") && under(imp, "internal/ingest") && imp != "internal/ingest/sheet"
		}},
		{"a format's reader does not know the import or the loader", func(pkg, imp string) bool {
			return slices.ContainsFunc(readers, func(p string) bool { return under(pkg, p) }) &&
				(imp == "internal/ingest" || under(imp, "internal/ingest/loader") || under(imp, "internal/pgcopy"))
		}},
		{"nothing imports the binary", func(pkg, imp string) bool { return under(imp, "cmd") }},
		{"only the web layer imports the embedded web files", func(pkg, imp string) bool {
			return imp == "web" && !under(pkg, "internal/httpapi") && !under(pkg, "cmd")
		}},
	}
	for _, r := range rules {
		for pkg, imps := range pkgs {
			for _, imp := range imps {
				if r.breaks(pkg, imp) {
					t.Errorf("%s imports %s: %s", pkg, imp, r.name)
				}
			}
		}
	}
}
