package ingest

import (
	"context"
	"runtime"
	"slices"
	"sync"
)

// fileTask is one input file for readFiles.
type fileTask struct {
	rel  string
	read func(ctx context.Context, st *stager, errs *errorLog) error
}

type fileJob struct {
	task fileTask
	out  chan fileStep
}

// fileStep is what a worker hands to the copying goroutine: rows to copy, or the end of its file.
type fileStep struct {
	copy    func(context.Context) error
	records int64 // records parsed since the previous step
	done    *fileEnd
}

type fileEnd struct {
	errs   *errorLog
	broken bool  // the file broke off: whatever was copied from it is discarded
	fatal  error // the import cannot go on
}

// parseWorkers is how many files are parsed at once: the cores, but PostgreSQL on the same machine needs
// one too, and more than four stop paying.
func parseWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// readFiles parses files on several goroutines and copies their rows through st on the calling goroutine,
// which owns the transaction. Files are taken in order, so the staging tables' read order, the error
// list and the outcome are those of reading the files one after the other; memory stays bounded because
// a worker waits while the file before it is being copied.
func readFiles(ctx context.Context, files []fileTask, st *stager, errs *errorLog, workers int) error {
	workers = min(workers, len(files))
	if workers <= 1 {
		for _, f := range files {
			if err := f.read(ctx, st, errs); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	work := make(chan fileJob)
	ordered := make(chan fileJob, workers)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // hands out the files in order
		defer wg.Done()
		defer close(work)
		defer close(ordered)
		for _, f := range files {
			j := fileJob{task: f, out: make(chan fileStep, 2)}
			select {
			case ordered <- j:
			case <-ctx.Done():
				return
			}
			select {
			case work <- j:
			case <-ctx.Done():
				close(j.out) // no worker will: the copying goroutine must not wait for it
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				parseFile(ctx, j.task, st, j.out)
			}
		}()
	}
	err := copyInOrder(ctx, ordered, st, errs)
	cancel()
	wg.Wait()
	return err
}

// copyInOrder runs the workers' copy steps file by file.
func copyInOrder(ctx context.Context, ordered <-chan fileJob, st *stager, errs *errorLog) error {
	for job := range ordered {
		for step := range job.out {
			if step.copy != nil {
				if err := step.copy(ctx); err != nil {
					return err
				}
				st.records += step.records
				st.report()
				continue
			}
			end := step.done
			st.records += step.records
			errs.Merge(end.errs)
			if end.fatal != nil {
				return end.fatal
			}
			if end.broken {
				if err := st.discardFile(ctx, job.task.rel); err != nil {
					return err
				}
			}
		}
	}
	return ctx.Err()
}

// parseFile reads one file into a worker stager whose full buffers become copy steps on out.
func parseFile(ctx context.Context, task fileTask, parent *stager, out chan<- fileStep) {
	defer close(out)
	var sent int64
	w := &stager{classifier: parent.classifier, home: parent.home, meter: parent.meter, worker: true}
	w.setChunk(parent.chunk)
	send := func(copy func(context.Context) error) error {
		step := fileStep{copy: copy, records: w.records - sent}
		sent = w.records
		select {
		case out <- step:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.subjects.flush = handOff(send, parent.subjects.flush)
	w.contracts.flush = handOff(send, parent.contracts.flush)
	w.units.flush = handOff(send, parent.units.flush)
	w.plans.flush = handOff(send, parent.plans.flush)
	w.katos.flush = handOff(send, parent.katos.flush)
	end := &fileEnd{errs: &errorLog{}}
	// A file that breaks off is dropped whole: what this worker still holds is never sent, and the copying
	// goroutine discards what was.
	w.discard = func(context.Context, string) error {
		w.dropPending()
		end.broken = true
		return nil
	}
	err := task.read(ctx, w, end.errs)
	if err == nil && !end.broken {
		err = w.flush(ctx)
	}
	end.fatal = err
	select {
	case out <- fileStep{records: w.records - sent, done: end}:
	case <-ctx.Done():
	}
}

// handOff turns a buffer's copy into a step run later by the copying goroutine; the rows are cloned
// because the buffer reuses its slice.
func handOff[T any](send func(func(context.Context) error) error, copyRows func(context.Context, []T) error) func(context.Context, []T) error {
	return func(_ context.Context, rows []T) error {
		owned := slices.Clone(rows)
		return send(func(ctx context.Context) error { return copyRows(ctx, owned) })
	}
}
