// Package ingest loads procurement data into the database. Every format is parsed as a stream, each record
// validated and classified, and copied into session-local staging tables; one SQL merge then writes buyers,
// suppliers, contracts and items, deciding each item's supplier tier as of its signing date. The whole
// import is one transaction: it commits only when the number of bad records is within the caller's limit,
// and every bad record is reported with its file, line or JSON path and the reason.
//
// This package orchestrates: options, the batch transaction and its lock, format detection, progress, and
// the order of the steps. Readers hand neutral values (package record) to the stager here, a record.Sink:
// the template is read by package sheet, OCDS by ocds, a portal export by portalexport, one field's text
// by fieldtext. Everything that touches the database (the staging tables, the direct load, whose rows
// pgcopy encodes, the checks and the merges, the batch's record) is package loader's.
package ingest
