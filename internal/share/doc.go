// Package share is the domain core of Ules: it turns procurement aggregates
// into the share going to domestic producers and assesses that share
// against policy targets.
//
// Amounts are int64 tiyn and shares are int64 basis points (100% = 10000),
// as in package money. The package is pure computation: callers load the
// aggregates and the target schedules and pass them in.
package share
