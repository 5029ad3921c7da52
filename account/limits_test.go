package account

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"
)

// spend counts before the work, refund gives a success back, and parallel spenders never get
// more than the budget between them.
func TestSpendAndRefund(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		l := Limit{Scope: "test", Window: time.Minute, Max: 3}
		passed := make(chan bool, 30)
		for range 30 {
			go func() { _, err := s.spend(ctx, l, "subject"); passed <- err == nil }()
		}
		n := 0
		for range 30 {
			if <-passed {
				n++
			}
		}
		if n != 3 {
			t.Fatalf("%d of 30 parallel spends passed a budget of 3", n)
		}
		if err := s.refund(ctx, l, "subject"); err != nil {
			t.Fatal(err)
		}
		// hits are 30, refund makes 29: still over. A fresh window starts over.
		if _, err := s.spend(ctx, l, "subject"); AsError(err).Kind != KindRateLimited {
			t.Fatalf("err = %v, want rate limited", err)
		}
		clk.Advance(time.Minute)
		_, _ = s.spend(ctx, l, "subject")
		_ = s.refund(ctx, l, "subject")
		for i := range 3 {
			if _, err := s.spend(ctx, l, "subject"); err != nil {
				t.Fatalf("spend %d after a refund in a new window: %v", i+1, err)
			}
		}
	})
}

// gate lets one caller through per interval, measured from the last pass (not a fixed window).
func TestGate(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		pass := func() error {
			return s.tx(context.Background(), func(tx *gorm.DB) error { return s.gate(tx, "g", "u", time.Minute) })
		}
		if err := pass(); err != nil {
			t.Fatal(err)
		}
		clk.Advance(59 * time.Second)
		if e := AsError(pass()); e.Kind != KindRateLimited || e.RetryAfter != time.Second {
			t.Fatalf("within the interval: %v (retry after %v)", e, e.RetryAfter)
		}
		clk.Advance(time.Second)
		if err := pass(); err != nil {
			t.Fatalf("after the interval: %v", err)
		}
	})
}
