package portalexport

import (
	"context"
	"runtime"
	"sync"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// batch is what a file hands on at once: the rows gathered (a file fills the list of its endpoint), the
// records read since the batch before, and after the file's last rows how the file ended.
type batch struct {
	parties   []record.Party
	contracts []record.Contract
	items     []record.Item
	plans     []record.PlanPoint
	katos     []record.PlanKATO
	records   int64
	end       *fileEnd // nil but in a file's last batch
}

type fileEnd struct {
	errs   *record.Errors
	broken bool  // the file broke off: whatever it handed on is discarded
	fatal  error // the import cannot go on
}

type fileJob struct {
	file pageFile
	out  chan *batch
}

// parseWorkers is how many files are parsed at once: the cores, but PostgreSQL on the same machine needs
// one too, and more than four stop paying.
func parseWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// readFiles parses files on up to workers goroutines and hands their batches to sink on the calling
// goroutine. Files are taken in order, so what the sink sees, the error list and the outcome are those of
// reading the files one after the other; memory stays bounded because a worker waits while the file
// before it is being handed on.
func (rd *Reader) readFiles(ctx context.Context, files []pageFile, sink Sink, errs *record.Errors, workers int) error {
	workers = min(workers, len(files))
	if workers <= 1 {
		p := rd.newParser(func(ctx context.Context, b *batch) error { return deliver(ctx, sink, b) })
		for _, f := range files {
			if err := finish(ctx, sink, errs, f, p.readFile(ctx, f)); err != nil {
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
			j := fileJob{file: f, out: make(chan *batch, 2)}
			select {
			case ordered <- j:
			case <-ctx.Done():
				return
			}
			select {
			case work <- j:
			case <-ctx.Done():
				close(j.out) // no worker will: the handing goroutine must not wait for it
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out chan *batch
			p := rd.newParser(func(ctx context.Context, b *batch) error {
				select {
				case out <- b:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			for j := range work {
				out = j.out
				last := p.readFile(ctx, j.file)
				select {
				case out <- last:
				case <-ctx.Done():
				}
				close(out)
			}
		}()
	}
	err := handInOrder(ctx, ordered, sink, errs)
	cancel()
	wg.Wait()
	return err
}

// handInOrder hands the workers' batches to the sink file by file.
func handInOrder(ctx context.Context, ordered <-chan fileJob, sink Sink, errs *record.Errors) error {
	for job := range ordered {
		for b := range job.out {
			if b.end == nil {
				if err := deliver(ctx, sink, b); err != nil {
					return err
				}
				continue
			}
			if err := finish(ctx, sink, errs, job.file, b); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// deliver hands a batch's rows to the sink and counts its records.
func deliver(ctx context.Context, sink Sink, b *batch) error {
	if err := handTo(ctx, sink.Parties, b.parties); err != nil {
		return err
	}
	if err := handTo(ctx, sink.Contracts, b.contracts); err != nil {
		return err
	}
	if err := handTo(ctx, sink.Items, b.items); err != nil {
		return err
	}
	if err := handTo(ctx, sink.PlanPoints, b.plans); err != nil {
		return err
	}
	if err := handTo(ctx, sink.PlanKATOs, b.katos); err != nil {
		return err
	}
	sink.Counted(b.records)
	return nil
}

// handTo hands rows to one of the sink's methods, unless there are none.
func handTo[T any](ctx context.Context, take func(context.Context, []T) error, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return take(ctx, rows)
}

// finish hands on a file's last batch and its errors, and discards what the file handed on when it broke off.
func finish(ctx context.Context, sink Sink, errs *record.Errors, f pageFile, last *batch) error {
	if err := deliver(ctx, sink, last); err != nil {
		return err
	}
	end := last.end
	errs.Merge(end.errs)
	if end.fatal != nil {
		return end.fatal
	}
	if end.broken {
		return sink.Discard(ctx, f.rel+":")
	}
	return nil
}
