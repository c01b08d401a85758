package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
)

// jsonLines reads JSON Lines: one document per line, each line on its own, so a broken line is one bad
// record and the lines after it are still read. Lines are parsed on several goroutines and taken in file
// order, so the records, the errors and the outcome are those of reading the lines one after the other.
func (o *ocdsReader) jsonLines(r io.Reader) error {
	ctx, cancel := context.WithCancel(o.ctx)
	defer cancel()
	workers := parseWorkers()
	work := make(chan lineJob)
	ordered := make(chan lineJob, 4*workers) // bounds the lines held in memory
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
			w := &stager{classifier: o.st.classifier, home: o.st.home, worker: true, collect: true}
			lines := &lineParser{}
			for j := range work {
				j.out <- o.parseLine(ctx, w, lines, j)
			}
		}()
	}
	err := o.takeLines(ctx, ordered)
	cancel()
	wg.Wait()
	return err
}

// lineJob is one line for a parsing worker, or the reason the file cannot be read on.
type lineJob struct {
	n     int
	line  []byte
	first bool
	stop  error // a file error: nothing after this line can be read
	out   chan lineResult
}

// lineResult is what a worker made of a line.
type lineResult struct {
	records []*contractRecord
	counted int64
	errs    errorLog
	err     error
}

// readLines hands every non-blank line to ordered and to work, or a file error to ordered alone.
func readLines(ctx context.Context, r io.Reader, ordered, work chan<- lineJob) {
	br := bufio.NewReaderSize(r, 1<<16)
	docs := 0
	for n := 1; ; n++ {
		line, rerr := readLine(br, nil) // each line is handed over, so each gets its own buffer
		job := lineJob{n: n, out: make(chan lineResult, 1)}
		switch {
		case errors.Is(rerr, errLineTooLong):
			job.stop = fileErrorf("line %d is longer than %d MiB: is the file really JSON Lines (one document per line)?", n, ocdsMaxLine>>20)
		case rerr != nil && rerr != io.EOF:
			job.stop = fileErrorf("cannot read line %d: %v", n, rerr)
		case len(bytes.TrimSpace(line)) > 0:
			docs++
			job.line, job.first = line, docs == 1
		case rerr == io.EOF && docs == 0:
			job.stop = fileErrorf("file is empty")
		case rerr == io.EOF:
			return
		default:
			continue // a blank line
		}
		select {
		case ordered <- job:
		case <-ctx.Done():
			return
		}
		if job.stop != nil {
			return
		}
		select {
		case work <- job:
		case <-ctx.Done():
			return
		}
		if rerr == io.EOF {
			return
		}
	}
}

// parseLine reads one line into the worker's collecting stager.
func (o *ocdsReader) parseLine(ctx context.Context, w *stager, lines *lineParser, j lineJob) lineResult {
	var res lineResult
	w.collected, w.records = nil, 0
	wo := &ocdsReader{ctx: ctx, st: w, errs: &res.errs, rel: o.rel, lines: lines}
	res.err = wo.jsonLine(j.line, j.n, j.first)
	res.records, res.counted = w.collected, w.records
	return res
}

// takeLines hands the lines' records to the reader's stager in file order.
func (o *ocdsReader) takeLines(ctx context.Context, ordered <-chan lineJob) error {
	for j := range ordered {
		if j.stop != nil {
			return j.stop
		}
		var res lineResult
		select {
		case res = <-j.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		o.errs.merge(&res.errs)
		if res.err != nil {
			return res.err
		}
		for _, rec := range res.records {
			if err := o.st.contract(o.ctx, rec); err != nil {
				return err
			}
		}
		o.st.countedN(res.counted)
	}
	return ctx.Err()
}

// dropCollected forgets the collected records under a location prefix.
func (s *stager) dropCollected(prefix string) {
	s.collected = slices.DeleteFunc(s.collected, func(r *contractRecord) bool { return strings.HasPrefix(r.loc(), prefix) })
}
