package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ules-kz/ules/internal/ingest/ocds"
	"github.com/ules-kz/ules/internal/ingest/portalexport"
)

// detectFormat tells the format of an import's path (--format auto): a folder with the portal's endpoint
// sub-folders is a portal export, a folder of JSON files is OCDS; a file goes by its extension, and a JSON
// file by the keys of its first document.
func detectFormat(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("ingest: %w", err)
	}
	if info.IsDir() {
		return detectFolder(path)
	}
	name := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(name, ".csv"):
		return "csv", nil
	case strings.HasSuffix(name, ".xlsx"):
		return "xlsx", nil
	case ocds.IsFile(name):
		kind, err := ocds.Sniff(path)
		if err != nil {
			return "", fmt.Errorf("ingest: cannot tell the format of %s: %w; %s", path, err, formatHint)
		}
		switch kind {
		case "ocds":
			return "ocds", nil
		case "portal":
			return "", fmt.Errorf("ingest: %s is a single portal page: import its folder (with subject/, contract/, contract-units/, plans/, plans-kato/) with --format portal", path)
		}
		return "", fmt.Errorf("ingest: %s is JSON but neither OCDS (releases, records or ocid) nor a portal page; %s", path, formatHint)
	}
	return "", fmt.Errorf("ingest: cannot tell the format of %s from its name; %s", path, formatHint)
}

const formatHint = "want a portal export folder (--format portal), OCDS .json/.jsonl/.json.gz files or a folder of them (--format ocds), a .csv (--format csv) or a .xlsx file (--format xlsx)"

func detectFolder(dir string) (string, error) {
	if portalexport.IsExport(dir) {
		return "portal", nil
	}
	files, err := ocds.Files(dir)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("ingest: cannot tell the format of folder %s: it has none of the portal's sub-folders (subject/, contract/, contract-units/, plans/, plans-kato/) and no JSON files; %s", dir, formatHint)
	}
	// The first file that says what it is decides; empty or broken ones are passed over.
	for _, f := range files {
		kind, err := ocds.Sniff(f)
		if err != nil {
			continue
		}
		switch kind {
		case "ocds":
			return "ocds", nil
		case "portal":
			return "", fmt.Errorf("ingest: folder %s holds portal pages (%s) but not the portal's sub-folders: put them under subject/, contract/, contract-units/, plans/, plans-kato/ and import with --format portal", dir, f)
		}
	}
	return "", fmt.Errorf("ingest: folder %s has JSON files but none is OCDS (releases, records or ocid); %s", dir, formatHint)
}
