package ingest

import (
	"errors"
	"fmt"
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

// errorLog collects bad records, keeping the first maxStoredErrors in full.
type errorLog struct {
	list  []RecordError
	count int64
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
}

func (l *errorLog) addf(location, format string, args ...any) {
	l.add(location, fmt.Sprintf(format, args...))
}
