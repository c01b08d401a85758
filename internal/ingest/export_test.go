package ingest

// WithChunk returns opts copying n rows at a time instead of the loader's 5,000, so a test crosses chunk
// boundaries with a small input.
func WithChunk(opts Options, n int) Options {
	opts.chunk = n
	return opts
}
