package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SourceOCDS is the contracts' source for Open Contracting Data Standard publications.
const SourceOCDS = "ocds"

// The mapping from OCDS to Ules's tables is documented in docs/import-ocds.md; keep the two in step.

const (
	// ocdsHoldBytes bounds the releases held while a document's kind is undecided (see ocdsReader.hold).
	ocdsHoldBytes = 1 << 20
	// ocdsMaxLine bounds one line of a JSON Lines file, which is read whole.
	ocdsMaxLine = 256 << 20
	// ocdsMaxMinor is the largest amount accepted, in minor units (10^14 major units): above it an amount
	// is a typo, and multiplied by an exchange rate it would overflow the stored bigint.
	ocdsMaxMinor = 10_000_000_000_000_000
)

// isOCDSFile reports whether a file in a folder is read as OCDS.
func isOCDSFile(name string) bool {
	for _, ext := range []string{".json", ".jsonl", ".json.gz", ".jsonl.gz"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

func isJSONLines(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(name, ".jsonl")
}

// readOCDS stages OCDS data from a file, or from every .json, .jsonl, .json.gz and .jsonl.gz file under a
// folder (recursively, in name order). Each file is streamed: one release or record is held at a time.
func readOCDS(ctx context.Context, path string, st *stager, errs *errorLog) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !info.IsDir() {
		return readOCDSFile(ctx, path, filepath.Base(path), st, errs)
	}
	files, err := ocdsFiles(path)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("ingest: %s has no .json, .jsonl, .json.gz or .jsonl.gz files: is it an OCDS folder?", path)
	}
	for _, f := range files {
		rel, err := filepath.Rel(path, f)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		if err := readOCDSFile(ctx, f, filepath.ToSlash(rel), st, errs); err != nil {
			return err
		}
	}
	return nil
}

// ocdsFileError is a problem with a whole file: it is reported once, under the file's name, and whatever
// the file staged is dropped.
type ocdsFileError struct{ msg string }

func (e ocdsFileError) Error() string { return e.msg }

func fileErrorf(format string, args ...any) error {
	return ocdsFileError{msg: fmt.Sprintf(format, args...)}
}

// ocdsFiles lists the OCDS files under dir in name order.
func ocdsFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isOCDSFile(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

func readOCDSFile(ctx context.Context, path, rel string, st *stager, errs *errorLog) error {
	r, closeInput, err := openInput(path, rel, st, errs)
	if r == nil || err != nil {
		return err
	}
	defer closeInput()
	o := &ocdsReader{ctx: ctx, st: st, errs: errs, rel: rel}
	if isJSONLines(path) {
		err = o.jsonLines(r)
	} else {
		err = o.stream(r)
	}
	var fe ocdsFileError
	if errors.As(err, &fe) {
		errs.Add(rel, fe.msg)
		return st.discardFile(ctx, rel)
	}
	return err
}

// ocdsReader reads one file.
type ocdsReader struct {
	ctx   context.Context
	st    *stager
	errs  *errorLog
	rel   string
	lines *lineParser // reads JSON Lines lines; nil: encoding/json does
	// values reads the releases, records and fields that encoding/json's stream hands over as raw bytes:
	// decoding those into maps cost more than reading them as lines are read.
	values *lineParser
}

// decode reads the next value of dec.
func (o *ocdsReader) decode(dec tokenStream) (any, error) {
	std, ok := dec.(stdStream)
	if !ok {
		return dec.(*lineTokens).value(), nil
	}
	var raw json.RawMessage
	if err := std.Decoder.Decode(&raw); err != nil {
		return nil, err
	}
	if o.values == nil {
		o.values = &lineParser{}
	}
	if v, ok := o.values.parseValue(raw); ok {
		return v, nil
	}
	inner := json.NewDecoder(bytes.NewReader(raw))
	inner.UseNumber()
	var v any
	err := stdStream{inner}.Decode(&v)
	return v, err
}

// loc turns a JSON path into an error location: "file:$.releases[3].date", or "file:line 17" and
// "file:line 17:$.awards[0]" for a document that starts on line 17.
func (o *ocdsReader) loc(path string) string {
	return o.rel + ":" + strings.TrimSuffix(path, ":$")
}

// report files a record error; any other error is returned, as it ends the import.
func (o *ocdsReader) report(err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		o.errs.Add(o.loc(pe.path), pe.reason)
		return nil
	}
	return err
}
