package httpapi

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/singleflight"

	"github.com/ules-kz/ules/internal/share"
)

// figuresChannel is where the database says that figures or targets changed (migration 00016): at the
// commit of every rollup refresh and rollup mark, and of every write to targets and their thresholds.
const figuresChannel = "ules_figures"

// progressCache keeps targets' progress and their pages' breakdowns between the notifications that
// figures changed, so that the API, the overview and the target page answer repeated questions without
// the database. It serves only while its listener is connected: a notification missed while it was not
// would leave a stale answer.
type progressCache struct {
	mu      sync.Mutex
	live    bool
	gen     uint64 // counts the resets, so that an answer computed across one is not kept
	entries map[progressKey]any
	// warm, when set, measures again what readers ask for most (the overview) after each reset, so that
	// the first reader after an import finds it kept. It is set before the cache listens.
	warm func(context.Context)
	// flight lets readers who ask for an answer being measured, in the same generation, wait for it
	// instead of measuring it again: the warmer and a reader at a change, or many API clients at once.
	flight singleflight.Group
	// changed is closed at the next reset (nextReset).
	changed chan struct{}
}

// progressKey names a kept answer: a target's progress (kind "") or another of its answers as of a day.
type progressKey struct {
	kind string
	slug string
	asOf time.Time
}

// maxCachedProgress bounds the cache: a client walking as_of through the years fills it, then it starts over.
const maxCachedProgress = 10_000

// get returns the kept progress, if the cache serves, and the generation to put a fresh one under.
func (c *progressCache) get(k progressKey) (any, uint64, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.entries[k]
	return p, c.gen, ok && c.live
}

// put keeps p, computed after get returned gen, unless a notification came in between.
func (c *progressCache) put(k progressKey, p any, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.gen != gen {
		return
	}
	if len(c.entries) >= maxCachedProgress {
		clear(c.entries)
	}
	c.entries[k] = p
}

// nextReset is closed at the next reset.
func (c *progressCache) nextReset() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

// reset forgets every entry and says whether the cache may serve.
func (c *progressCache) reset(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.live = map[progressKey]any{}, live
	c.gen++
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

// listen keeps the cache in step with the database until ctx ends: it LISTENs on a connection of its own
// and forgets everything at each notification, and while it cannot listen the cache does not serve.
func (c *progressCache) listen(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) {
	// One warmer at a time, and a burst of notifications while it works asks it for one more round only.
	kick := make(chan struct{}, 1)
	var warming sync.WaitGroup
	defer warming.Wait()
	if c.warm != nil {
		warming.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-kick:
					c.warm(ctx)
				}
			}
		})
	}
	for ctx.Err() == nil {
		err := c.listenOnce(ctx, pool, kick)
		c.reset(false)
		if ctx.Err() != nil {
			return
		}
		log.Warn("figures notifications lost; answering from the database until they are back", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (c *progressCache) listenOnce(ctx context.Context, pool *pgxpool.Pool, kick chan<- struct{}) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+figuresChannel); err != nil {
		return err
	}
	// Whatever changed before the LISTEN took hold is unknown: start empty.
	c.reset(true)
	warm := func() {
		select {
		case kick <- struct{}{}:
		default: // a round is already due
		}
	}
	warm()
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			// A connection that waited for a notification may be left mid-message; the pool must not
			// hand it out again.
			conn.Conn().Close(context.WithoutCancel(ctx)) //nolint:errcheck
			return err
		}
		c.reset(true)
		warm()
	}
}

// pagesAfter is how long the figures must stand before the warmer measures the target pages: each takes
// both cores for hundreds of milliseconds at 10,000,000 items, which slowed the overview's readers while
// changes came one after another (docs/performance.md § Pages kept ahead of their readers).
const pagesAfter = time.Second

// warm measures what readers ask for first after a change, as of today: the overview, then, once the
// figures have stood for pagesAfter, each target's page, the slowest of the server's answers. A change
// while it works makes the rest of the round moot (put keeps nothing measured across a reset), and the
// listener has asked for a new one. Its queries under way are not cancelled: a query cancelled mid-way
// closes its connection, and the new one starts cold.
func (s *Server) warm(ctx context.Context, c *progressCache) {
	changed := c.nextReset()
	_, progress, err := s.overviewProgress(ctx, s.today())
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("overview not measured ahead of its readers", "err", err)
		}
		return
	}
	quiet := time.NewTimer(pagesAfter)
	defer quiet.Stop()
	select {
	case <-ctx.Done():
		return
	case <-changed: // the next round measures the overview at once
		return
	case <-quiet.C:
	}
	for _, p := range progress {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			return
		default:
		}
		if _, err := s.keptBreakdowns(ctx, p); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("target page not measured ahead of its readers", "target", p.Target.Slug, "err", err)
			}
			return
		}
	}
}

// targetProgress is t's progress as of asOf, kept until the figures change when the server listens.
func (s *Server) targetProgress(ctx context.Context, slug string, asOf time.Time, measure func() (share.Progress, error)) (share.Progress, error) {
	return kept(s.progressCache, progressKey{slug: slug, asOf: asOf}, measure)
}

// kept is the answer c keeps under k, or measure's, which it keeps when it may. Readers of the same answer
// in the same generation share one measurement.
func kept[V any](c *progressCache, k progressKey, measure func() (V, error)) (V, error) {
	v, gen, ok := c.get(k)
	if v, is := v.(V); ok && is {
		return v, nil
	}
	if c == nil {
		return measure()
	}
	measureAndKeep := func() (V, error) {
		fresh, err := measure()
		if err == nil {
			c.put(k, fresh, gen)
		}
		return fresh, err
	}
	key := k.kind + "\x00" + k.slug + "\x00" + k.asOf.Format(time.DateOnly) + "\x00" + strconv.FormatUint(gen, 10)
	got, err, shared := c.flight.Do(key, func() (any, error) { return measureAndKeep() })
	switch {
	case err != nil && shared:
		// It may have been another reader's failure (its request ended): measure alone.
		return measureAndKeep()
	case err != nil:
		var zero V
		return zero, err
	}
	return got.(V), nil
}
