package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ules-kz/ules/internal/ingest/sheet"
)

func runTemplate(_ context.Context, env *environment, args []string) error {
	fs := flags(env, "template", "[--format csv|xlsx] [--out FILE] [--example]",
		`Writes the canonical import template, the header row, to fill in and import with
ules import --format csv|xlsx (docs/import-csv.md). The workbook has a second sheet, "columns", describing
every column in English, Russian and Kazakh. --example adds an example row, contract EXAMPLE-DELETE-ME:
delete it before importing, or it becomes a contract like any other.`)
	format := fs.String("format", "", "csv or xlsx; default: xlsx when --out ends in .xlsx, csv otherwise")
	out := fs.String("out", "", "file to write; default: standard output")
	example := fs.Bool("example", false, "add an example row (contract EXAMPLE-DELETE-ME) to delete before importing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format == "" {
		*format = "csv"
		if strings.EqualFold(filepath.Ext(*out), ".xlsx") {
			*format = "xlsx"
		}
	}
	var buf bytes.Buffer
	if err := sheet.WriteTemplate(&buf, *format, *example); err != nil {
		return err
	}
	if *out == "" {
		_, err := buf.WriteTo(env.stdout)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote the %s template to %s\n", *format, *out)
	return nil
}
