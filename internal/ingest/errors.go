package ingest

import (
	"errors"
	"fmt"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// RecordError is one bad record: where it is and why it was refused.
type RecordError record.Error

func (e RecordError) String() string { return record.Error(e).String() }

// recordErrors converts the readers' list for a Result.
func recordErrors(list []record.Error) []RecordError {
	if list == nil {
		return nil
	}
	out := make([]RecordError, len(list))
	for i, e := range list {
		out[i] = RecordError(e)
	}
	return out
}

// Skip counts records read and not counted for a reason worth reporting.
type Skip = record.Skip

// ErrTooManyErrors means more records were bad than the import allowed; nothing was committed.
var ErrTooManyErrors = errors.New("ingest: too many bad records, nothing was imported")

// tooManyErrors is ErrTooManyErrors with how many there were and how many were allowed.
func tooManyErrors(bad, allowed int64) error {
	records := "records"
	if bad == 1 {
		records = "record"
	}
	return fmt.Errorf("%w: %d bad %s, --max-errors is %d", ErrTooManyErrors, bad, records, allowed)
}

// errorLog collects the bad records and skips of one import.
type errorLog = record.Errors
