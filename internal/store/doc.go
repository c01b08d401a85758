// Package store is the only code above internal/dbq that knows sqlc exists: it runs the generated queries
// and hands back plain types (its own, or the domain's from package share), with pgx.ErrNoRows mapped to
// ErrNotFound and every error prefixed "store: ".
//
// Every method takes the dbq.DBTX to run on, a pool or a transaction, so a caller decides what runs
// together and tests run inside a transaction they roll back. One file per entity.
package store
