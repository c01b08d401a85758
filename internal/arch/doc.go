// Package arch has no code of its own: its test keeps the directions of imports that
// docs/architecture.md draws, so a shortcut across layers fails `make test` instead of going unseen.
package arch
