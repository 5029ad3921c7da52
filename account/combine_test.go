package account

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestCombinerSharesStatements holds the first batch's write until the others are queued
// behind it, so the batches that follow are exactly known: what arrived meanwhile, at most max
// at a time, each caller answered only after its item is written, and with its own item's
// error: a batch the database refuses is written again item by item.
func TestCombinerSharesStatements(t *testing.T) {
	refused := errors.New("write refused")
	cases := []struct {
		name    string
		max     int
		behind  int   // callers queued while the first batch is held
		bad     []int // items the database refuses (a batch holding one fails whole)
		batches []int // the sizes of the batches written, in order
	}{
		{name: "alone", max: 500, behind: 0, batches: []int{1}},
		{name: "alone and refused", max: 500, behind: 0, bad: []int{0}, batches: []int{1}},
		{name: "one batch behind the first", max: 500, behind: 9, batches: []int{1, 9}},
		{name: "bounded batches", max: 3, behind: 7, batches: []int{1, 3, 3, 1}},
		{name: "a refused item fails alone", max: 4, behind: 8, bad: []int{6}, batches: []int{1, 4, 4, 1, 1, 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			var mu sync.Mutex
			var sizes []int
			stored := map[int]int{} // item → times stored
			c := &combiner[int]{max: tc.max, write: func(ctx context.Context, batch []int) error {
				if ctx.Err() != nil {
					t.Errorf("batch written under an ended context: %v", ctx.Err())
				}
				mu.Lock()
				first := len(sizes) == 0
				sizes = append(sizes, len(batch))
				mu.Unlock()
				if first {
					<-release
				}
				for _, item := range batch {
					if slices.Contains(tc.bad, item) {
						return refused // the statement fails: nothing of it is stored
					}
				}
				mu.Lock()
				for _, item := range batch {
					stored[item]++
				}
				mu.Unlock()
				return nil
			}}
			errs := make([]error, tc.behind+1)
			var wg sync.WaitGroup
			// The first caller's context ends at once: its batch (and those it hands on) is
			// still written.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			wg.Go(func() { errs[0] = c.add(ctx, 0) })
			waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(sizes) == 1 })
			// One at a time, so the queue's order (and so which batch holds which item) is known.
			for i := 1; i <= tc.behind; i++ {
				wg.Go(func() { errs[i] = c.add(context.Background(), i) })
				waitFor(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.queued) == i })
			}
			close(release)
			wg.Wait()

			if !slices.Equal(sizes, tc.batches) {
				t.Fatalf("batches of %v, want %v", sizes, tc.batches)
			}
			for item, err := range errs {
				bad := slices.Contains(tc.bad, item)
				switch {
				case bad && !errors.Is(err, refused):
					t.Errorf("item %d: err %v, want %v", item, err, refused)
				case !bad && err != nil:
					t.Errorf("item %d: err %v, want none", item, err)
				case !bad && stored[item] != 1:
					t.Errorf("item %d stored %d times, want once", item, stored[item])
				}
			}
			if c.inFlight || len(c.queued) != 0 {
				t.Errorf("left in flight %v with %d queued", c.inFlight, len(c.queued))
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 10000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("condition not reached")
}
