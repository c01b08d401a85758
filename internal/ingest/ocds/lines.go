package ocds

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// jsonLines reads JSON Lines: one document per line, each line on its own, so a broken line is one bad
// record and the lines after it are still read. Lines are parsed on several goroutines, in runs, and taken
// in file order, so the records, the errors and the outcome are those of reading the lines one after the
// other.
func (o *fileReader) jsonLines(r io.Reader) error {
	ctx, cancel := context.WithCancel(o.ctx)
	defer cancel()
	workers := parseWorkers()
	work := make(chan lineJob)
	ordered := make(chan lineJob, 4*workers) // bounds the runs, so the lines, held in memory
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(ordered)
		readLines(ctx, r, ordered, work)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &collector{}
			w.prep, _ = o.sink.(record.Preparer)
			look := newLookups(o.look.classifier, o.look.home, o.look.rules)
			lines := &lineParser{}
			for j := range work {
				results := make([]lineResult, 0, len(j.lines))
				for i, line := range j.lines {
					res := o.parseLine(ctx, w, look, lines, line, j.numbers[i], j.docs+i == 0)
					results = append(results, res)
					if res.err != nil {
						break // the import stops at this line
					}
				}
				j.out <- results
			}
		}()
	}
	err := o.takeLines(ctx, ordered)
	cancel()
	wg.Wait()
	return err
}

// Lines go to the parsing workers in runs: handing over each line on its own cost more in waiting for
// the goroutines to be scheduled than the workers gained.
const (
	linesPerJob = 64
	bytesPerJob = 256 << 10
)

// lineJob is a run of lines for a parsing worker, and the reason the file cannot be read past them.
type lineJob struct {
	lines   [][]byte
	numbers []int // each line's number in the file
	docs    int   // the documents before the first line
	size    int
	stop    error // a file error after the lines: nothing after them can be read
	out     chan []lineResult
}

// lineResult is what a worker made of a line.
type lineResult struct {
	records []record.Deal
	counted int64
	errs    record.Errors
	err     error
}

// readLines hands runs of non-blank lines to ordered and to work, the last one with a file error if any.
func readLines(ctx context.Context, r io.Reader, ordered, work chan<- lineJob) {
	br := bufio.NewReaderSize(r, 1<<16)
	docs := 0
	job := lineJob{out: make(chan []lineResult, 1)}
	for n := 1; ; n++ {
		line, rerr := readLine(br, nil) // each line is handed over, so each gets its own buffer
		switch {
		case errors.Is(rerr, errLineTooLong):
			job.stop = fileErrorf("line %d is longer than %d MiB: is the file really JSON Lines (one document per line)?", n, maxLine>>20)
		case rerr != nil && rerr != io.EOF:
			job.stop = fileErrorf("cannot read line %d: %v", n, rerr)
		case len(bytes.TrimSpace(line)) > 0:
			docs++
			job.lines, job.numbers = append(job.lines, line), append(job.numbers, n)
			job.size += len(line)
		case rerr == io.EOF && docs == 0:
			job.stop = fileErrorf("file is empty")
		}
		last := job.stop != nil || rerr == io.EOF
		if !last && len(job.lines) < linesPerJob && job.size < bytesPerJob {
			continue
		}
		if len(job.lines) == 0 && job.stop == nil {
			return
		}
		select {
		case ordered <- job:
		case <-ctx.Done():
			return
		}
		if len(job.lines) > 0 {
			select {
			case work <- job:
			case <-ctx.Done():
				return
			}
		}
		if last {
			return
		}
		job = lineJob{docs: docs, out: make(chan []lineResult, 1)}
	}
}

// parseLine reads one line into the worker's collector.
func (o *fileReader) parseLine(ctx context.Context, w *collector, look *lookups, lines *lineParser, line []byte, n int, first bool) lineResult {
	var res lineResult
	w.deals, w.counted = nil, 0
	wo := &fileReader{ctx: ctx, sink: w, errs: &res.errs, rel: o.rel, lines: lines, look: look}
	res.err = wo.jsonLine(line, n, first)
	res.records, res.counted = w.deals, w.counted
	return res
}

// takeLines hands the lines' records to the reader's sink in file order.
func (o *fileReader) takeLines(ctx context.Context, ordered <-chan lineJob) error {
	for j := range ordered {
		if len(j.lines) > 0 {
			var results []lineResult
			select {
			case results = <-j.out:
			case <-ctx.Done():
				return ctx.Err()
			}
			for i := range results {
				res := &results[i]
				o.errs.Merge(&res.errs)
				if res.err != nil {
					return res.err
				}
				for _, rec := range res.records {
					if err := o.sink.Deal(o.ctx, rec); err != nil {
						return err
					}
				}
				o.sink.Counted(res.counted)
			}
		}
		if j.stop != nil {
			return j.stop
		}
	}
	return ctx.Err()
}

// collector is a parsing worker's sink: it keeps a line's deals for takeLines.
type collector struct {
	deals   []record.Deal
	counted int64
	prep    record.Preparer // the reader's sink, when it prepares deals ahead; nil otherwise
}

func (c *collector) Deal(_ context.Context, d record.Deal) error {
	c.deals = append(c.deals, d)
	if c.prep != nil {
		c.prep.Prepare(&c.deals[len(c.deals)-1]) // in place: d itself stays on the stack
	}
	return nil
}

// Discard forgets the collected deals under a location prefix.
func (c *collector) Discard(_ context.Context, prefix string) error {
	c.deals = slices.DeleteFunc(c.deals, func(d record.Deal) bool { return strings.HasPrefix(d.Contracts[0].Loc, prefix) })
	return nil
}

func (c *collector) Counted(n int64) { c.counted += n }
