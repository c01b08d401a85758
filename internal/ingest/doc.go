// Package ingest loads procurement data into the database. Every format is parsed as a stream, each record
// validated and classified, and copied into session-local staging tables; one SQL merge then writes buyers,
// suppliers, contracts and items, deciding each item's supplier tier as of its signing date. The whole
// import is one transaction: it commits only when the number of bad records is within the caller's limit,
// and every bad record is reported with its file, line or JSON path and the reason.
//
// This package orchestrates: options, the batch and its lock, format detection, progress, the direct load
// and the merge. Readers hand neutral values (package record) to a record.Sink, the stager here; OCDS is
// read by package ocds, one field's text by fieldtext; the staging tables are written by package loader and
// the direct load's rows encoded by pgcopy.
package ingest
