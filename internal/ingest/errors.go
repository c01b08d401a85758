package ingest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RecordError is one bad record: where it is and why it was refused.
type RecordError struct {
	Location string
	Reason   string
}

func (e RecordError) String() string { return e.Location + ": " + e.Reason }

// ErrTooManyErrors means more records were bad than the import allowed; nothing was committed.
var ErrTooManyErrors = errors.New("ingest: too many bad records, nothing was imported")

// maxStoredErrors bounds what one batch keeps in import_errors; the count of rejected rows stays exact.
const maxStoredErrors = 10000

// Skip counts records that were read and not counted for one reason that is no error but that a user
// should hear of (a publisher's statuses outside the OCDS codelists, say). Stored records were written
// and are left out of every figure (a contract not concluded, say); the others were not written.
type Skip struct {
	Reason string
	Count  int64
	Stored bool
}

// String reads "N skipped: reason" or "N stored, not counted: reason"; a Skip of no records is a note about
// the input as a whole.
func (s Skip) String() string {
	switch {
	case s.Count == 0:
		return "note: " + s.Reason
	case s.Stored:
		return fmt.Sprintf("%d stored, not counted: %s", s.Count, s.Reason)
	}
	return fmt.Sprintf("%d skipped: %s", s.Count, s.Reason)
}

// errorLog collects bad records, keeping the first maxStoredErrors in full, and the skips to report.
type errorLog struct {
	list       []RecordError
	count      int64
	skipped    map[string]int64
	notCounted map[string]int64 // stored records that no figure counts, by why
}

func (l *errorLog) skip(reason string) { l.skipN(reason, 1) }

// note records something the user should hear of that concerns no record (a file's encoding, say).
func (l *errorLog) note(reason string) { l.skipN(reason, 0) }

// storedNotCounted records n records written that no figure counts, for reason.
func (l *errorLog) storedNotCounted(reason string, n int64) {
	if l.notCounted == nil {
		l.notCounted = map[string]int64{}
	}
	l.notCounted[reason] += n
}

func (l *errorLog) skipN(reason string, n int64) {
	if l.skipped == nil {
		l.skipped = map[string]int64{}
	}
	l.skipped[reason] += n
}

// skips lists the skips, the most frequent first.
func (l *errorLog) skips() []Skip {
	var out []Skip
	for reason, n := range l.skipped {
		out = append(out, Skip{Reason: reason, Count: n})
	}
	for reason, n := range l.notCounted {
		out = append(out, Skip{Reason: reason, Count: n, Stored: true})
	}
	slices.SortFunc(out, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Reason, b.Reason))
	})
	return out
}

func (l *errorLog) add(location, reason string) {
	l.count++
	if len(l.list) < maxStoredErrors {
		l.list = append(l.list, RecordError{Location: location, Reason: reason})
	}
}

// merge appends what another log collected.
func (l *errorLog) merge(o *errorLog) {
	for _, e := range o.list {
		l.add(e.Location, e.Reason)
	}
	l.count += o.count - int64(len(o.list))
	for reason, n := range o.skipped {
		l.skipN(reason, n)
	}
}

func (l *errorLog) addf(location, format string, args ...any) {
	l.add(location, fmt.Sprintf(format, args...))
}
