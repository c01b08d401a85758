package loader

import (
	"context"
	"sync"
	"sync/atomic"
)

// connWorker runs a transaction's statements on one goroutine, in the order they were handed over, while
// the goroutine that hands them over goes on parsing: PostgreSQL writes one chunk while Go reads the next.
// After the first failure it runs nothing more, and every later call returns that failure.
type connWorker struct {
	jobs   chan connJob
	failed atomic.Pointer[error]
	done   chan struct{}
	once   sync.Once
}

type connJob struct {
	run     func() error
	reached chan struct{} // a barrier: closed when every earlier job has run
}

// newConnWorker starts a worker that holds up to queued jobs besides the one running, which bounds memory
// to that many chunks.
func newConnWorker(queued int) *connWorker {
	w := &connWorker{jobs: make(chan connJob, queued), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *connWorker) loop() {
	defer close(w.done)
	for j := range w.jobs {
		switch {
		case j.reached != nil:
			close(j.reached)
		case w.failed.Load() == nil:
			if err := j.run(); err != nil {
				w.failed.Store(&err)
			}
		}
	}
}

func (w *connWorker) err() error {
	if p := w.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// submit hands a job over; it returns an earlier job's failure instead when there was one.
func (w *connWorker) submit(ctx context.Context, run func() error) error {
	if err := w.err(); err != nil {
		return err
	}
	select {
	case w.jobs <- connJob{run: run}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait returns once every job handed over has run, with the first failure. The caller may then use the
// transaction itself until it submits again.
func (w *connWorker) wait(ctx context.Context) error {
	reached := make(chan struct{})
	select {
	case w.jobs <- connJob{reached: reached}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-reached:
		return w.err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop ends the goroutine after the jobs handed over, which fail fast if ctx is done; the transaction is
// the caller's alone afterwards.
func (w *connWorker) stop() {
	w.once.Do(func() { close(w.jobs) })
	<-w.done
}
