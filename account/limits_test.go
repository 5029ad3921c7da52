package account

import (
	"context"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// A window opens at a key's first hit and lasts its length, whatever the clock's alignment.
func TestHitCountsInAWindowFromTheFirstHit(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		l := Limit{Scope: "k", Window: time.Minute, Max: 2}
		hit := func() (int, time.Duration) {
			t.Helper()
			hits, rest, err := s.hit(s.db.DB, l, "subject")
			if err != nil {
				t.Fatal(err)
			}
			return hits, rest
		}
		for i, want := range []int{1, 2, 3} {
			if hits, rest := hit(); hits != want || rest != time.Minute {
				t.Fatalf("hit %d: %d hits, %v left; want %d, 1m", i+1, hits, rest, want)
			}
		}
		clk.Advance(59 * time.Second) // across a minute boundary of the clock: the same window
		if hits, rest := hit(); hits != 4 || rest != time.Second {
			t.Fatalf("59 s later: %d hits, %v left", hits, rest)
		}
		clk.Advance(time.Second)
		if hits, _ := hit(); hits != 1 {
			t.Fatalf("a new window did not start over: %d hits", hits)
		}
		if hits, rest, err := s.peek(s.db.DB, l, "subject"); err != nil || hits != 1 || rest != time.Minute {
			t.Fatalf("peek: %d %v %v", hits, rest, err)
		}
	})
}

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
		if taken, err := s.refund(ctx, l, "subject"); err != nil || !taken {
			t.Fatal(taken, err)
		}
		// hits are 30, refund makes 29: still over. A fresh window starts over.
		if _, err := s.spend(ctx, l, "subject"); AsError(err).Kind != KindRateLimited {
			t.Fatalf("err = %v, want rate limited", err)
		}
		clk.Advance(time.Minute)
		if taken, err := s.refund(ctx, l, "subject"); err != nil || taken {
			t.Fatalf("a refund reached into an ended window: %v %v", taken, err)
		}
		_, _ = s.spend(ctx, l, "subject")
		_, _ = s.refund(ctx, l, "subject")
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

// Reset requests dropped by the cooldown do not use the hourly budget: it counts mails.
func TestResetCooldownDoesNotSpendTheHourlyBudget(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResendCooldown, s.cfg.SendsPerHour, s.cfg.ResetFloor = time.Minute, 2, -1
		makeUser(t, s, "hourly@example.com")
		mails := func() int64 {
			t.Helper()
			var n int64
			if err := s.db.Model(&models.OutboxMessage{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		reset := func() {
			t.Helper()
			if err := s.RequestPasswordReset(context.Background(), "hourly@example.com", Delivery{}); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 { // one mail; two dropped by the cooldown
			reset()
		}
		clk.Advance(time.Minute)
		reset() // the second mail of the hour
		if got := mails(); got != 2 {
			t.Fatalf("%d mails, want 2 (the cooldown's drops must not count towards the hour)", got)
		}
		clk.Advance(time.Minute)
		reset() // over the hourly budget of 2
		if got := mails(); got != 2 {
			t.Fatalf("%d mails, want 2 (hourly budget)", got)
		}
	})
}
