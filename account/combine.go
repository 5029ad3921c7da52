package account

import (
	"context"
	"sync"
)

// combiner writes items that arrive in parallel in shared batches, one statement per batch,
// with no goroutine of its own: the first caller that finds no batch in flight writes the
// batch (its own item and whatever is queued by then); callers arriving meanwhile queue their
// items and wait. When a batch is written, the first of the callers queued since takes over
// and writes theirs. Each caller writes at most one batch and returns once its own item is
// written, with its own item's error (writeEach): nothing is answered before it is stored. Alone, an item is
// written at once (a batch of one); under load, a batch holds what arrived during the one
// before it, so statements (round trips, commits, planning) are shared by many requests.
type combiner[T any] struct {
	write func(ctx context.Context, batch []T) error
	max   int // items per batch at most (statement parameters are bounded)

	mu       sync.Mutex
	queued   []*combined[T]
	inFlight bool
}

// combined is one caller's item and where it hears of it.
type combined[T any] struct {
	item T
	// done receives the item's batch error once written, or nil with lead set when this
	// caller is to write the next batch.
	done chan combineTurn
}

type combineTurn struct {
	err  error
	lead bool
}

// add writes item, alone or in a batch with others, and returns the item's error. The
// write does not stop when ctx ends: items of other callers may ride in the same statement.
func (c *combiner[T]) add(ctx context.Context, item T) error {
	me := &combined[T]{item: item, done: make(chan combineTurn, 1)}
	c.mu.Lock()
	c.queued = append(c.queued, me)
	if c.inFlight {
		c.mu.Unlock()
		if turn := <-me.done; !turn.lead {
			return turn.err
		}
		c.mu.Lock() // our turn to write what is queued (our item is among it)
	}
	c.inFlight = true
	batch := c.take()
	c.mu.Unlock()

	errs := c.writeEach(context.WithoutCancel(ctx), batch)
	var mine error
	for i, w := range batch {
		if w == me {
			mine = errs[i]
		} else {
			w.done <- combineTurn{err: errs[i]}
		}
	}

	c.mu.Lock()
	if len(c.queued) > 0 {
		c.queued[0].done <- combineTurn{lead: true} // it writes the next batch, we return
	} else {
		c.inFlight = false
	}
	c.mu.Unlock()
	return mine
}

// writeEach writes batch and returns each item's error. A batch that fails is written again
// item by item, so one item the database refuses (an event of a user deleted meanwhile) fails
// alone, not every request that happened to share its statement.
func (c *combiner[T]) writeEach(ctx context.Context, batch []*combined[T]) []error {
	errs := make([]error, len(batch))
	err := c.write(ctx, items(batch))
	if err == nil {
		return errs
	}
	if len(batch) == 1 {
		errs[0] = err
		return errs
	}
	for i, w := range batch {
		errs[i] = c.write(ctx, []T{w.item})
	}
	return errs
}

// take removes up to max queued callers (the oldest first). c.mu is held.
func (c *combiner[T]) take() []*combined[T] {
	n := len(c.queued)
	if c.max > 0 && n > c.max {
		n = c.max
	}
	batch := c.queued[:n:n]
	c.queued = append([]*combined[T](nil), c.queued[n:]...)
	return batch
}

func items[T any](batch []*combined[T]) []T {
	out := make([]T, len(batch))
	for i, w := range batch {
		out[i] = w.item
	}
	return out
}
