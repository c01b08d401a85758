package record

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one bad record: where it is and why it was refused.
type Error struct {
	Location string
	Reason   string
}

func (e Error) String() string { return e.Location + ": " + e.Reason }

// MaxStoredErrors bounds the bad records an Errors keeps in full (and a batch in import_errors); the count
// stays exact.
const MaxStoredErrors = 10000

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

// Errors collects the bad records a reader reports, keeping the first MaxStoredErrors in full, and the
// skips to report. The zero value is empty and ready.
type Errors struct {
	list       []Error
	count      int64
	skipped    map[string]int64
	notCounted map[string]int64 // stored records that no figure counts, by why
}

// List is the bad records kept in full, in the order they were reported.
func (l *Errors) List() []Error { return l.list }

// Count is the number of bad records reported.
func (l *Errors) Count() int64 { return l.count }

// Skip records one record read and not counted, for reason.
func (l *Errors) Skip(reason string) { l.SkipN(reason, 1) }

// Note records something the user should hear of that concerns no record (a file's encoding, say).
func (l *Errors) Note(reason string) { l.SkipN(reason, 0) }

// StoredNotCounted records n records written that no figure counts, for reason.
func (l *Errors) StoredNotCounted(reason string, n int64) {
	if l.notCounted == nil {
		l.notCounted = map[string]int64{}
	}
	l.notCounted[reason] += n
}

// SkipN records n records read and not counted, for reason.
func (l *Errors) SkipN(reason string, n int64) {
	if l.skipped == nil {
		l.skipped = map[string]int64{}
	}
	l.skipped[reason] += n
}

// Skips lists the skips, the most frequent first.
func (l *Errors) Skips() []Skip {
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

// Add reports a bad record at location.
func (l *Errors) Add(location, reason string) {
	l.count++
	if len(l.list) < MaxStoredErrors {
		l.list = append(l.list, Error{Location: location, Reason: reason})
	}
}

// Addf reports a bad record at location, its reason formatted.
func (l *Errors) Addf(location, format string, args ...any) {
	l.Add(location, fmt.Sprintf(format, args...))
}

// Merge appends what another log collected.
func (l *Errors) Merge(o *Errors) {
	for _, e := range o.list {
		l.Add(e.Location, e.Reason)
	}
	l.count += o.count - int64(len(o.list))
	for reason, n := range o.skipped {
		l.SkipN(reason, n)
	}
}

// Invalid marks an error as one record's, as opposed to a failure of the import itself: the record is
// reported as bad and reading goes on.
type Invalid struct{ error }

// Invalidf is an Invalid error with a formatted reason.
func Invalidf(format string, args ...any) error { return Invalid{fmt.Errorf(format, args...)} }

// InvalidOf marks err as one record's.
func InvalidOf(err error) error { return Invalid{err} }

// Check collects the first field error of a record; Err is it, marked Invalid, or nil.
type Check struct{ Err error }

// Check keeps err when it is the record's first.
func (c *Check) Check(err error) {
	if c.Err == nil && err != nil {
		c.Err = Invalid{err}
	}
}
